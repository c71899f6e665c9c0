import { AtlasError } from "../../../lib/errors.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { makeAzureContext } from "../azure/context.js";
import { type ComponentKind, componentFor } from "../context.js";
import { DELIVERY_ENVIRONMENTS, type DeliveryEnvironment } from "../environments.js";
import { makeGcpContext } from "../gcp/context.js";
import { kubernetesIdentity } from "../gcp/gke.js";
import { type EnvironmentSizing, environmentSizing } from "../sizing.js";

/**
 * What the Kubernetes side of an AKS or GKE design is derived from: which cluster it runs on, the
 * names the Terraform federates with the workload's cloud identity, what kind of workload it is,
 * and what differs per delivery environment. The manifests (objects.ts), the Kustomize overlays
 * and the Helm values all read these, so the three cannot disagree.
 */

/** The managed Kubernetes service a plan runs on. */
export type CloudCluster = "aks" | "gke";

/** The cluster a plan runs on, or null when the plan is not an AKS or GKE design (nothing is rendered then). */
export function cloudCluster(plan: PlanSpec): CloudCluster | null {
  if (plan.cloud === "azure" && plan.compute.platform === "aks") return "aks";
  if (plan.cloud === "gcp" && plan.compute.platform === "gke") return "gke";
  return null;
}

/**
 * On AKS the plan's secrets are read from the design's Key Vault by the Key Vault provider add-on,
 * which the Azure Terraform enables only when the plan has a Key Vault: without one, manifests
 * mounting secrets would name a vault that does not exist.
 * @throws AtlasError `VALIDATION_FAILED` for an AKS plan with secrets and no `azure-key-vault` component
 */
export function rejectUnreadableSecrets(plan: PlanSpec, cluster: CloudCluster): void {
  if (cluster !== "aks" || plan.security.secrets.length === 0) return;
  if (plan.components.some((c) => c.kind === "azure-key-vault")) return;
  throw new AtlasError("VALIDATION_FAILED", `plan ${plan.plan_id} has secrets but no Key Vault for the AKS workload to read them from`, {
    issues: [{ path: "security.secrets", message: "add an azure-key-vault component, or remove the secrets" }],
  });
}

/** The plan component kind of the cluster: the owner named in every object's `atlas.dev/component` label. */
export function clusterKind(cluster: CloudCluster): ComponentKind {
  return cluster === "aks" ? "aks-cluster" : "gke-cluster";
}

/** The plan component the workload's objects belong to (the cluster component, else the plan's first). */
export function workloadComponent(plan: PlanSpec, cluster: CloudCluster): string {
  return componentFor(plan, [clusterKind(cluster)]);
}

/** The namespace and service account the cloud identity is federated with. */
export interface FederatedNames {
  namespace: string;
  serviceAccount: string;
}

/**
 * The namespace and service account the environment's Terraform federates with the workload
 * identity: Azure `ctx.kubernetes` (nodes/builder/azure/context.ts), Google Cloud
 * `kubernetesIdentity()` (nodes/builder/gcp/gke.ts). Each environment's Terraform is rendered
 * from the plan with that environment set, so the same functions are asked with it. `qa` is a
 * delivery environment a goal cannot name; the Terraform functions only use the environment as
 * text in names, which is why the plan copy may carry it.
 */
export function federatedNames(plan: PlanSpec, environment: DeliveryEnvironment): FederatedNames {
  const envPlan = planForEnvironment(plan, environment);
  if (plan.cloud === "azure") return { ...makeAzureContext(envPlan).kubernetes };
  return kubernetesIdentity(makeGcpContext(envPlan));
}

/**
 * The plan as the given environment's Terraform is rendered from it: the same plan with that
 * environment (see {@link federatedNames} for why `qa` may stand there).
 */
export function planForEnvironment(plan: PlanSpec, environment: DeliveryEnvironment): PlanSpec {
  return environment === plan.environment ? plan : { ...plan, environment: environment as PlanSpec["environment"] };
}

/** Everything about one environment's deployment that is not the same in all of them. */
export interface CloudEnvironment {
  environment: DeliveryEnvironment;
  /** the namespace, equal to the one the environment's Terraform federates */
  namespace: string;
  /** the service account, equal to the one the environment's Terraform federates */
  serviceAccount: string;
  /** replicas, autoscaling, disruption budget, zone spread and pod size (sizing.ts, as on AWS) */
  sizing: EnvironmentSizing;
  /**
   * The Ingress host. Plans carry no domain yet, so it follows the AWS side's convention
   * `<goal>.<env>.example.internal`: replace it (Helm `ingress.host`, or a patch) with the real name.
   */
  host: string;
  /** the Secret holding the Ingress's TLS certificate where no managed certificate is used */
  tlsSecretName: string;
}

/** The settings of one delivery environment. */
export function cloudEnvironment(plan: PlanSpec, environment: DeliveryEnvironment): CloudEnvironment {
  const names = federatedNames(plan, environment);
  return {
    environment,
    namespace: names.namespace,
    serviceAccount: names.serviceAccount,
    sizing: environmentSizing(plan, environment),
    host: `${plan.goal_name}.${environment}.example.internal`,
    tlsSecretName: `${plan.goal_name}-${environment}-tls`,
  };
}

/** Settings for every delivery environment, in promotion order (dev, qa, staging, prod). */
export function allCloudEnvironments(plan: PlanSpec): CloudEnvironment[] {
  return DELIVERY_ENVIRONMENTS.map((environment) => cloudEnvironment(plan, environment));
}
