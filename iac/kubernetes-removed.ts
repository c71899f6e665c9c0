/**
 * Kubernetes API versions that were served once and have been removed, by kind, with the
 * release that removed them and the version to use instead. From the Kubernetes deprecated API
 * migration guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/); a cluster
 * at or after that release refuses these objects outright.
 */
export interface RemovedApi {
  removedIn: string;
  /** the apiVersion that serves the kind today */
  replacement: string;
}

const entries: [apiVersion: string, kinds: string[], removedIn: string, replacement: string][] = [
  ["extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], "1.16", "apps/v1"],
  ["extensions/v1beta1", ["NetworkPolicy"], "1.16", "networking.k8s.io/v1"],
  ["extensions/v1beta1", ["PodSecurityPolicy"], "1.16", "policy/v1beta1 (itself removed in 1.25: use Pod Security Admission)"],
  ["extensions/v1beta1", ["Ingress"], "1.22", "networking.k8s.io/v1"],
  ["apps/v1beta1", ["Deployment", "StatefulSet", "ReplicaSet"], "1.16", "apps/v1"],
  ["apps/v1beta2", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"], "1.16", "apps/v1"],
  ["networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1"],
  ["rbac.authorization.k8s.io/v1beta1", ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"], "1.22", "rbac.authorization.k8s.io/v1"],
  ["batch/v1beta1", ["CronJob"], "1.25", "batch/v1"],
  ["policy/v1beta1", ["PodDisruptionBudget"], "1.25", "policy/v1"],
  ["policy/v1beta1", ["PodSecurityPolicy"], "1.25", "Pod Security Admission (no replacement kind)"],
  ["autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2"],
  ["autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2"],
  ["scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1"],
  ["storage.k8s.io/v1beta1", ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode"], "1.22", "storage.k8s.io/v1"],
  ["apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "1.22", "apiextensions.k8s.io/v1"],
  ["admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], "1.22", "admissionregistration.k8s.io/v1"],
  ["discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.25", "discovery.k8s.io/v1"],
  ["events.k8s.io/v1beta1", ["Event"], "1.25", "events.k8s.io/v1"],
  ["node.k8s.io/v1beta1", ["RuntimeClass"], "1.25", "node.k8s.io/v1"],
  ["coordination.k8s.io/v1beta1", ["Lease"], "1.22", "coordination.k8s.io/v1"],
  ["certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "1.22", "certificates.k8s.io/v1"],
];

const REMOVED: ReadonlyMap<string, RemovedApi> = new Map(
  entries.flatMap(([apiVersion, kinds, removedIn, replacement]) => kinds.map((kind) => [`${apiVersion}/${kind}`, { removedIn, replacement }] as const)),
);

/** The removal of an apiVersion and kind, or null when the pair is served (or unknown, like a CRD's). */
export function removedApi(apiVersion: string, kind: string): RemovedApi | null {
  return REMOVED.get(`${apiVersion}/${kind}`) ?? null;
}
