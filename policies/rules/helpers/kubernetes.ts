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
  /** an ephemeral (debug) container: no ports, probes or resources, but the same security context */
  ephemeral: boolean;
}

/** Which containers of a pod spec to visit besides the regular ones. */
export interface ContainerSelection {
  /** init containers (default true: Trivy and the Pod Security Standards check them) */
  init?: boolean;
  /** ephemeral containers (default false: Trivy does not read them, the Pod Security Standards do) */
  ephemeral?: boolean;
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

/**
 * Containers of a pod spec: the regular ones, init containers unless `which.init` is false, and
 * ephemeral containers when `which.ephemeral` is true. A boolean is read as `which.init`.
 */
export function containers(pod: PodSpecRef, which: boolean | ContainerSelection = {}): ContainerRef[] {
  const selection = typeof which === "boolean" ? { init: which } : which;
  const groups = ["containers"];
  if (selection.init !== false) groups.push("initContainers");
  if (selection.ephemeral === true) groups.push("ephemeralContainers");
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
              ephemeral: group === "ephemeralContainers",
            },
          ]
        : [],
    );
  });
}

/** Every container the security checks read: regular, init and ephemeral. */
export const ALL_CONTAINERS: ContainerSelection = { init: true, ephemeral: true };

/** Path of the pod template's metadata (annotations live there): `metadata` of a Pod, `.../template/metadata` otherwise. */
export function podMetadataPath(pod: PodSpecRef): Path {
  return pod.object.kind === "Pod" ? ["metadata"] : [...pod.path.slice(0, -1), "metadata"];
}

/** The pod template's annotations (a Pod's own for kind Pod); empty when there are none. */
export function podAnnotations(pod: PodSpecRef): Record<string, string> {
  const annotations = get(pod.object.object, ...podMetadataPath(pod), "annotations");
  if (!isObj(annotations)) return {};
  return Object.fromEntries(Object.entries(annotations).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** The container label used in messages: `Container "web"`, `Init container "wait"`, `Ephemeral container "debug"`. */
export function containerLabel(c: ContainerRef): string {
  if (c.init) return `Init container "${c.name}"`;
  if (c.ephemeral) return `Ephemeral container "${c.name}"`;
  return `Container "${c.name}"`;
}

/** Strings of a list field (`verbs`, `resources`); anything else is dropped. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
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

/**
 * A hit located at `path` inside the object (or at the object). `aliases` narrows the rule's
 * aliases to the checks this hit's evidence matches (see RuleHit.aliases).
 */
export function k8sHit(object: KubernetesObject, message: string, path: Path = [], remediation?: string, aliases?: readonly string[]): RuleHit {
  return {
    resource: objectRef(object),
    file: object.file,
    line: lineAt(object, path),
    message,
    ...(remediation ? { remediation } : {}),
    ...(aliases ? { aliases } : {}),
  };
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
