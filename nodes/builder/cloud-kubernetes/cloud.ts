import type { PlanSpec } from "../../../schemas/plan.js";
import type { DeliveryEnvironment } from "../environments.js";
import { makeGcpContext, nameWith } from "../gcp/context.js";
import { toYaml } from "../kubernetes.js";
import { HEALTH_PATH } from "../sizing.js";
import type { WorkloadRole } from "../workload-role.js";
import { type CloudCluster, planForEnvironment } from "./settings.js";

/**
 * What differs between AKS and GKE on the Kubernetes side: how the service account is tied to the
 * cloud identity (Workload Identity on both), which Ingress controller builds the entry, where
 * that controller's traffic comes from, and how the Secrets Store CSI driver reads the vault.
 * Values only the environment's Terraform knows after apply are written as placeholders
 * ({@link PLACEHOLDERS}) that the delivery pipeline replaces from `terraform output`.
 */

type Obj = Record<string, unknown>;

/** A value the manifests cannot know before the environment's Terraform is applied, and where the pipeline gets it. */
export interface Placeholder {
  /** the literal text written in the manifests and values, replaced as a whole word */
  token: string;
  /** where its value comes from */
  source: string;
}

/** Every placeholder the cloud manifests may carry. */
export const PLACEHOLDERS = {
  workloadClientId: {
    token: "WORKLOAD_CLIENT_ID",
    source: "terraform output -raw identity_workload_client_id (nodes/builder/azure/outputs.ts)",
  },
  azureTenantId: {
    token: "AZURE_TENANT_ID",
    source: "the tenant of the subscription (az account show --query tenantId -o tsv); no Terraform output carries it",
  },
  keyVaultName: {
    token: "KEY_VAULT_NAME",
    source: "the first label of terraform output key_vault_uri (https://<name>.vault.azure.net/); no output names the vault",
  },
  gcpProjectId: { token: "PROJECT_ID", source: "var.project_id of the environment's Terraform" },
  workloadServiceAccountEmail: {
    token: "WORKLOAD_GSA_EMAIL",
    source: "terraform output -raw workload_service_account (nodes/builder/gcp/iam.ts)",
  },
  ingressStaticIpName: { token: "INGRESS_STATIC_IP_NAME", source: "terraform output -raw ingress_static_ip_name (nodes/builder/gcp/lb.ts)" },
  ingressSslPolicy: { token: "INGRESS_SSL_POLICY", source: "terraform output -raw ingress_ssl_policy (nodes/builder/gcp/lb.ts)" },
  securityPolicy: { token: "SECURITY_POLICY", source: "terraform output -raw security_policy (nodes/builder/gcp/lb.ts)" },
} as const satisfies Record<string, Placeholder>;

/** The placeholders that occur in the given texts, in {@link PLACEHOLDERS} order. */
export function placeholdersIn(texts: readonly string[]): Placeholder[] {
  return Object.values(PLACEHOLDERS).filter((p) => texts.some((text) => new RegExp(`\\b${p.token}\\b`).test(text)));
}

/** The application routing add-on's managed NGINX: its IngressClass and the namespace its controller pods run in. */
export const AKS_INGRESS_CLASS = "webapprouting.kubernetes.azure.com";
export const APP_ROUTING_NAMESPACE = "app-routing-system";
/**
 * The class of an internal NGINX controller of the application routing add-on. The add-on's
 * default controller is public; an internal one is a `NginxIngressController` (cluster-scoped,
 * approuting.kubernetes.azure.com/v1alpha1) with the internal load balancer annotation, which
 * the cluster's owner creates once. Source: learn.microsoft.com/azure/aks/app-routing-nginx-configuration.
 */
export const AKS_INTERNAL_INGRESS_CLASS = "nginx-internal";

/** GKE's Ingress classes: an external or an internal Application Load Balancer. */
export const GKE_INGRESS_CLASS = { public: "gce", internal: "gce-internal" } as const;

/**
 * Where Google's load balancers reach the pods from (container-native load balancing sends
 * straight to pod IPs): the Google Front End and health check ranges.
 * Source: cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges.
 */
export const GOOGLE_LB_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/**
 * The GKE metadata server, which answers Workload Identity token requests: 169.254.169.254:80, and
 * 169.254.169.252:988 on Dataplane V2 clusters (which the GKE Terraform creates). A default-deny
 * egress policy must let pods reach both. Source: cloud.google.com/kubernetes-engine/docs/how-to/workload-identity.
 */
export const GKE_METADATA_SERVER = [
  { cidr: "169.254.169.254/32", port: 80 },
  { cidr: "169.254.169.252/32", port: 988 },
] as const;

/** Ports of the private data services: PostgreSQL, MySQL, and Redis (Azure Cache's TLS port 6380; Memorystore's 6378 with in-transit encryption). */
export const DATA_PORTS = { postgres: 5432, mysql: 3306, redis: { aks: 6380, gke: 6378 } } as const;

/** The Secrets Store CSI driver and where the pod sees the plan's secrets, one file per secret. */
export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";
export const SECRETS_MOUNT_PATH = "/mnt/secrets";

/** The workload identity annotation of the service account (its value a placeholder filled from Terraform). */
export function serviceAccountAnnotations(cluster: CloudCluster): Record<string, string> {
  return cluster === "aks"
    ? { "azure.workload.identity/client-id": PLACEHOLDERS.workloadClientId.token }
    : { "iam.gke.io/gcp-service-account": PLACEHOLDERS.workloadServiceAccountEmail.token };
}

/** Pod labels the platform needs: AKS's workload identity webhook only injects the token into pods labelled for it. */
export function podPlatformLabels(cluster: CloudCluster): Record<string, string> {
  return cluster === "aks" ? { "azure.workload.identity/use": "true" } : {};
}

/** The Ingress's class, annotations and TLS section for one environment. */
export interface IngressSettings {
  className: string;
  annotations: Record<string, string>;
  /** the `tls` entries; empty when a managed certificate (GKE public) serves TLS */
  tls: { hosts: string[]; secretName: string }[];
}

/**
 * How the entry is built:
 * - AKS: the application routing add-on (its public class, or the internal class), TLS from a
 *   Secret per environment (or the add-on's Key Vault certificate integration).
 * - GKE public: class `gce` on the reserved global address, the FrontendConfig (SSL policy, HTTP
 *   to HTTPS redirect) and a Google-managed certificate for the host.
 * - GKE internal: class `gce-internal`, HTTPS only, TLS from a Secret per environment.
 */
export function ingressSettings(plan: PlanSpec, cluster: CloudCluster, role: WorkloadRole, host: string, tlsSecretName: string): IngressSettings {
  const secretTls = [{ hosts: [host], secretName: tlsSecretName }];
  if (cluster === "aks") {
    return { className: role === "public-web" ? AKS_INGRESS_CLASS : AKS_INTERNAL_INGRESS_CLASS, annotations: {}, tls: secretTls };
  }
  if (role === "public-web") {
    return {
      className: GKE_INGRESS_CLASS.public,
      annotations: {
        "kubernetes.io/ingress.global-static-ip-name": PLACEHOLDERS.ingressStaticIpName.token,
        "networking.gke.io/managed-certificates": plan.goal_name,
        "networking.gke.io/v1beta1.FrontendConfig": plan.goal_name,
      },
      tls: [],
    };
  }
  return { className: GKE_INGRESS_CLASS.internal, annotations: { "kubernetes.io/ingress.allow-http": "false" }, tls: secretTls };
}

/** Service annotations: on GKE, container-native load balancing (NEGs) and the BackendConfig with the health check. */
export function serviceAnnotations(plan: PlanSpec, cluster: CloudCluster): Record<string, string> {
  if (cluster === "aks") return {};
  return { "cloud.google.com/backend-config": JSON.stringify({ default: plan.goal_name }), "cloud.google.com/neg": JSON.stringify({ ingress: true }) };
}

/** The objects GKE's Ingress controller reads beside the Ingress: BackendConfig always, FrontendConfig and ManagedCertificate for a public entry. */
export function gkeIngressObjects(plan: PlanSpec, role: WorkloadRole, host: string): { file: string; apiVersion: string; kind: string; spec: Obj }[] {
  const armor = makeGcpContext(plan).hasArmor;
  const backend: Obj = {
    healthCheck: { type: "HTTP", requestPath: HEALTH_PATH, port: plan.compute.container_port },
    ...(armor ? { securityPolicy: { name: PLACEHOLDERS.securityPolicy.token } } : {}),
  };
  const out = [{ file: "backendconfig.yaml", apiVersion: "cloud.google.com/v1", kind: "BackendConfig", spec: backend }];
  if (role === "public-web") {
    out.push(
      {
        file: "frontendconfig.yaml",
        apiVersion: "networking.gke.io/v1beta1",
        kind: "FrontendConfig",
        spec: { sslPolicy: PLACEHOLDERS.ingressSslPolicy.token, redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" } },
      },
      { file: "managedcertificate.yaml", apiVersion: "networking.gke.io/v1", kind: "ManagedCertificate", spec: { domains: [host] } },
    );
  }
  return out;
}

/**
 * Where a serving pod takes traffic from: on AKS the add-on's NGINX pods; on GKE Google's load
 * balancer and health check ranges, plus the VPC for an internal entry (the internal load
 * balancer's proxies sit in the region's proxy-only subnet).
 */
export function ingressSources(plan: PlanSpec, cluster: CloudCluster, role: WorkloadRole): Obj[] {
  if (cluster === "aks") return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": APP_ROUTING_NAMESPACE } } }];
  const from: Obj[] = GOOGLE_LB_RANGES.map((cidr) => ({ ipBlock: { cidr } }));
  if (role === "internal-web") from.push({ ipBlock: { cidr: plan.network.vpc_cidr } });
  return from;
}

/** Egress only this cluster's identity needs: the GKE metadata server (AKS workload identity reads a projected token file). */
export function platformEgress(cluster: CloudCluster): Obj[] {
  if (cluster === "aks") return [];
  return GKE_METADATA_SERVER.map(({ cidr, port }) => ({ to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port }] }));
}

/** Ports of the plan's private databases and caches, ascending. */
export function dataPorts(plan: PlanSpec, cluster: CloudCluster): number[] {
  const ports = [
    ...plan.databases.map((db) => (db.engine.includes("postgres") ? DATA_PORTS.postgres : DATA_PORTS.mysql)),
    ...(plan.caches.length > 0 ? [DATA_PORTS.redis[cluster]] : []),
  ];
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * The SecretProviderClass parameters that read the plan's secrets for one environment:
 * - AKS (`provider: azure`, the Key Vault provider add-on): the vault, its tenant, and the
 *   workload identity's client id; each Key Vault secret is named as the plan names it (the
 *   Terraform's `key_vault_secret_names` output).
 * - GKE (`provider: gke`, the Secret Manager add-on): each secret's latest version, under the
 *   secret id the environment's Terraform gives it (`nameWith(ctx, 255, name)` in gcp/secrets.ts).
 * Each secret becomes the file `<mount>/<name>`.
 */
export function secretProviderParameters(
  plan: PlanSpec,
  cluster: CloudCluster,
  environment: DeliveryEnvironment,
): { provider: string; parameters: Record<string, string> } {
  const names = plan.security.secrets.map((s) => s.name);
  if (cluster === "aks") {
    const objects = names.map((name) => toYaml({ objectName: name, objectType: "secret" }));
    return {
      provider: "azure",
      parameters: {
        usePodIdentity: "false",
        clientID: PLACEHOLDERS.workloadClientId.token,
        keyvaultName: PLACEHOLDERS.keyVaultName.token,
        tenantId: PLACEHOLDERS.azureTenantId.token,
        objects: toYaml({ array: objects }).trimEnd(),
      },
    };
  }
  const ctx = makeGcpContext(planForEnvironment(plan, environment));
  const secrets = names.map((name) => ({
    resourceName: `projects/${PLACEHOLDERS.gcpProjectId.token}/secrets/${nameWith(ctx, 255, name)}/versions/latest`,
    path: name,
  }));
  // No final newline: kubectl kustomize drops it from a multi-line value in a JSON patch, the validator's builder keeps it.
  return { provider: "gke", parameters: { secrets: toYaml(secrets).trimEnd() } };
}
