import type { KubernetesObject } from "../../../iac/types.js";
import { toPointer } from "../../../iac/yaml-lines.js";
import type { RuleContext, RuleHit } from "../../types.js";

type Obj = Record<string, unknown>;
type Path = (string | number)[];

/** Where the pod spec lives in each workload kind. */
const POD_SPEC_PATHS: Record<string, Path> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Workloads that run until stopped; probes and replica counts only make sense for these. */
export const LONG_RUNNING_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "CustomResourceDefinition",
  "PriorityClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "Node",
  "RuntimeClass",
  "CSIDriver",
  "PodSecurityPolicy",
  "ClusterIssuer",
]);

/** True for kinds that live outside any namespace. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** A pod spec inside a workload, with its path for line lookups. */
export interface PodSpecRef {
  object: KubernetesObject;
  spec: Obj;
  path: Path;
}

/** A container inside a pod spec. */
export interface ContainerRef {
  name: string;
  container: Obj;
  path: Path;
  init: boolean;
}

/** Pod specs of every workload (optionally only of `kinds`). */
export function workloads(ctx: RuleContext, kinds?: string[]): PodSpecRef[] {
  const refs: PodSpecRef[] = [];
  for (const object of ctx.kubernetes) {
    const path = POD_SPEC_PATHS[object.kind];
    if (!path || (kinds && !kinds.includes(object.kind))) continue;
    const spec = get(object.object, ...path);
    if (isObj(spec)) refs.push({ object, spec, path });
  }
  return refs;
}

/** Containers (and, unless told otherwise, init containers) of a pod spec. */
export function containers(pod: PodSpecRef, includeInit = true): ContainerRef[] {
  const groups = includeInit ? (["containers", "initContainers"] as const) : (["containers"] as const);
  return groups.flatMap((group) => {
    const list = pod.spec[group];
    if (!Array.isArray(list)) return [];
    return list.flatMap((container, index) =>
      isObj(container)
        ? [
            {
              name: typeof container.name === "string" ? container.name : `#${index}`,
              container,
              path: [...pod.path, group, index],
              init: group === "initContainers",
            },
          ]
        : [],
    );
  });
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds. A missing namespace is `default`. */
export function objectRef(object: KubernetesObject): string {
  if (isClusterScoped(object.kind)) return `${object.kind}/${object.name}`;
  return `${object.kind}/${object.namespace ?? "default"}/${object.name}`;
}

/** The line of the deepest part of `path` that exists in the file, else the document's line. */
export function lineAt(object: KubernetesObject, path: Path): number {
  for (let length = path.length; length > 0; length--) {
    const line = object.lines?.[toPointer(path.slice(0, length))];
    if (line !== undefined) return line;
  }
  return object.line;
}

/** A hit located at `path` inside the object (or at the object). */
export function k8sHit(object: KubernetesObject, message: string, path: Path = [], remediation?: string): RuleHit {
  return { resource: objectRef(object), file: object.file, line: lineAt(object, path), message, ...(remediation ? { remediation } : {}) };
}

/** Reads a nested value; undefined when any step is missing. */
export function get(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** True for plain objects. */
export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
