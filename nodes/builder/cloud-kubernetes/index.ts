import type { PlanSpec } from "../../../schemas/plan.js";
import type { RenderedFile } from "../context.js";
import { renderCloudHelm } from "./helm.js";
import { renderCloudKustomize } from "./kustomize.js";
import { workloadShape } from "./objects.js";
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
  return [...renderCloudKustomize(shape, environments), ...renderCloudHelm(shape, environments)];
}
