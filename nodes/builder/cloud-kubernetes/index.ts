import type { PlanSpec } from "../../../schemas/plan.js";
import type { RenderedFile } from "../context.js";
import { toYaml } from "../kubernetes.js";
import { k8sLabels } from "../labels.js";
import { AKS_INTERNAL_INGRESS_CLASS } from "./cloud.js";
import { renderCloudHelm } from "./helm.js";
import { generatedHeader, renderCloudKustomize } from "./kustomize.js";
import { type WorkloadShape, workloadShape } from "./objects.js";
import { allCloudEnvironments, cloudCluster, rejectUnreadableSecrets } from "./settings.js";

export { PLACEHOLDERS, type Placeholder, placeholdersIn } from "./cloud.js";
export { cloudCluster, federatedNames } from "./settings.js";

/**
 * The Kubernetes side of an Azure (AKS) or Google Cloud (GKE) design: `kubernetes/base/` and
 * `kubernetes/overlays/{dev,qa,staging,prod}/` (Kustomize) and `helm/<goal>/` (a chart rendering
 * the same objects per environment). The namespace and service account are the ones the design's
 * Terraform federates with the workload identity; values only that Terraform knows after apply
 * are placeholders (see {@link PLACEHOLDERS}). Deterministic: the same plan gives the same files.
 * Empty for plans of other clouds or platforms.
 * @throws AtlasError `VALIDATION_FAILED` when the plan cannot be rendered as written (an unpinned
 *   image, a schedule without an exact CronJob equivalent, secrets on AKS without a Key Vault,
 *   what the cloud's builder refuses)
 */
export function renderCloudKubernetes(plan: PlanSpec): RenderedFile[] {
  const cluster = cloudCluster(plan);
  if (cluster === null) return [];
  rejectUnreadableSecrets(plan, cluster);
  const shape = workloadShape(plan, cluster);
  const environments = allCloudEnvironments(plan);
  return [...renderCloudKustomize(shape, environments), ...renderCloudHelm(shape, environments), ...clusterObjects(shape)];
}

/** Where the objects a cluster needs once, whatever the environment, are written (applied before an overlay or the chart). */
export const CLUSTER_OBJECTS_DIR = "kubernetes/cluster";

/**
 * Objects the cluster needs once, outside every environment's overlay and chart (cluster-scoped,
 * so two environments' releases must not both own them). An internal service on AKS: the
 * application routing add-on's internal NGINX controller, whose class the Ingress names; the
 * add-on's default controller is public, and without this one the Ingress is never served.
 * Source: learn.microsoft.com/azure/aks/app-routing-nginx-configuration.
 */
function clusterObjects(shape: WorkloadShape): RenderedFile[] {
  if (shape.cluster !== "aks" || shape.role !== "internal-web") return [];
  const controller = {
    apiVersion: "approuting.kubernetes.azure.com/v1alpha1",
    kind: "NginxIngressController",
    metadata: { name: AKS_INTERNAL_INGRESS_CLASS, labels: k8sLabels(shape.plan, shape.owner) },
    spec: {
      ingressClassName: AKS_INTERNAL_INGRESS_CLASS,
      controllerNamePrefix: AKS_INTERNAL_INGRESS_CLASS,
      loadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
    },
  };
  return [{ path: `${CLUSTER_OBJECTS_DIR}/nginx-internal.yaml`, content: generatedHeader(shape) + toYaml(controller) }];
}
