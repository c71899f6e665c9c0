import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import type { KubernetesObject } from "./types.js";

/** One place where an object breaks its OpenAPI schema. */
export interface SchemaIssue {
  /** JSON pointer into the object, `""` for the object itself */
  pointer: string;
  message: string;
}

type Validatable = { validate(): void };
// `never` lets classes with stricter constructor types (RoleBinding needs roleRef) share one table.
type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind pairs with a schema in kubernetes-models; other kinds (CRDs) are not checked. */
const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/DaemonSet": DaemonSet,
  "apps/v1/ReplicaSet": ReplicaSet,
  "v1/Pod": Pod,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
};

/** True when kubernetes-models has a schema for this apiVersion and kind. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in MODELS;
}

/**
 * Validates an object against the Kubernetes OpenAPI schema of its kind. Returns no issues
 * for kinds without a known schema: an unknown CRD is not evidence of a mistake.
 */
export function validateKubernetesSchema(object: KubernetesObject): SchemaIssue[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [];
  try {
    new Model(object.object as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [{ pointer: "", message: error instanceof Error ? error.message : String(error) }];
    return errors.map((entry: { instancePath?: string; message?: string; params?: Record<string, unknown> }) => ({
      pointer: entry.instancePath ?? "",
      message: describe(entry),
    }));
  }
}

function describe(entry: { instancePath?: string; message?: string; params?: Record<string, unknown> }): string {
  const where = entry.instancePath ? entry.instancePath.slice(1).replace(/\//g, ".") : "(object)";
  const allowed = Array.isArray(entry.params?.allowedValues) ? ` (${entry.params.allowedValues.join(", ")})` : "";
  return `${where} ${entry.message ?? "is invalid"}${allowed}`;
}
