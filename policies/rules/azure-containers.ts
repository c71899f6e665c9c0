import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { booleanRule, effectiveBool, hasBlock, setting } from "./azure-common.js";
import { bool, cannotVerify, hit, hitWith, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Azure container platforms: AKS (azurerm_kubernetes_cluster), Container Apps and Container
 * Registry. Defaults are those of the azurerm 4.x resource documentation.
 */

const AKS = "azurerm_kubernetes_cluster";

export const aksRbac = booleanRule({
  id: "AZURE_AKS_RBAC",
  title: "AKS cluster has Kubernetes RBAC turned off",
  severity: "high",
  aliases: ["CKV_AZURE_5", "AZU-0042"],
  remediation: "Keep role_based_access_control_enabled = true (the default); it cannot be turned back on without recreating the cluster.",
  types: [AKS],
  names: ["role_based_access_control_enabled"],
  providerDefault: true,
  safe: true,
  message: (attribute) => `${attribute} = false: every authenticated user and service account can do anything in the cluster.`,
});

export const aksLocalAccounts = booleanRule({
  id: "AZURE_AKS_LOCAL_ACCOUNTS",
  title: "AKS cluster keeps its local admin account",
  severity: "medium",
  aliases: ["CKV_AZURE_141"],
  remediation: "Set local_account_disabled = true (with Entra ID integration) so every access to the API server goes through an Entra ID identity.",
  types: [AKS],
  names: ["local_account_disabled"],
  providerDefault: false,
  safe: true,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = false` : `${attribute} is not set`}: the static cluster-admin credential (az aks get-credentials --admin) bypasses Entra ID and cannot be traced to a person.`,
});

export const aksEntraRbac: Rule = {
  id: "AZURE_AKS_ENTRA_RBAC",
  title: "AKS cluster is not integrated with Entra ID",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    "Add azure_active_directory_role_based_access_control { azure_rbac_enabled = true, admin_group_object_ids = [...] } so people sign in with Entra ID.",
  check(ctx) {
    return ofType(ctx, AKS)
      .filter((cluster) => !hasBlock(cluster, "azure_active_directory_role_based_access_control"))
      .map((cluster) =>
        hit(cluster, "No azure_active_directory_role_based_access_control block: cluster access is not tied to Entra ID users, groups and conditional access."),
      );
  },
};

export const aksNetworkPolicy: Rule = {
  id: "AZURE_AKS_NETWORK_POLICY",
  title: "AKS cluster has no network policy engine",
  severity: "medium",
  aliases: ["CKV_AZURE_7", "AZU-0043"],
  target: "terraform",
  remediation: 'Set network_profile { network_policy = "azure" } (or "calico", "cilium") at creation, then restrict pod traffic with NetworkPolicy objects.',
  check(ctx) {
    return ofType(ctx, AKS).flatMap((cluster) => {
      const policies = nested(cluster.attributes, "network_profile").map((profile) => profile.network_policy);
      if (policies.some((policy) => policy !== undefined && policy !== null && policy !== "")) return [];
      return [hit(cluster, "network_profile.network_policy is not set: NetworkPolicy objects are ignored and every pod can reach every other pod.")];
    });
  },
};

/** The API server's authorized IP ranges (4.x `api_server_access_profile`, 3.x top-level argument). */
function authorizedRanges(cluster: TerraformResource): unknown {
  const profile = nested(cluster.attributes, "api_server_access_profile").find((p) => p.authorized_ip_ranges !== undefined);
  return profile?.authorized_ip_ranges ?? cluster.attributes.api_server_authorized_ip_ranges;
}

const API_SERVER_ALIASES = ["CKV_AZURE_6", "AZU-0041", "CKV_AZURE_115", "AZU-0065"];

export const aksApiServerPublic: Rule = {
  id: "AZURE_AKS_API_SERVER_PUBLIC",
  title: "AKS API server is open to the whole internet",
  severity: "high",
  // CKV_AZURE_6 and Trivy AZU-0041: authorized IP ranges (a private cluster passes);
  // CKV_AZURE_115 and AZU-0065: private cluster. A hit here fails both.
  aliases: API_SERVER_ALIASES,
  target: "terraform",
  remediation:
    "Set private_cluster_enabled = true, or api_server_access_profile { authorized_ip_ranges = [your office/VPN/CI ranges] } so only known networks reach the API server.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const cluster of ofType(ctx, AKS)) {
      const privateFound = setting(cluster.attributes, ["private_cluster_enabled"]);
      const isPrivate = effectiveBool(cluster.attributes, ["private_cluster_enabled"], false);
      if (isPrivate === true) continue;
      const ranges = authorizedRanges(cluster);
      if (unresolvedInput(ranges)) {
        hits.push(cannotVerify(cluster, "api_server_access_profile.authorized_ip_ranges", ranges, ["CKV_AZURE_6", "AZU-0041"]));
        continue;
      }
      // An expression naming another resource (a NAT gateway's IP) still restricts the endpoint.
      if (Array.isArray(ranges) ? ranges.length > 0 : ranges !== undefined && ranges !== null) continue;
      if (isPrivate === UNKNOWN) {
        if (privateFound && unresolvedInput(privateFound.value)) hits.push(cannotVerify(cluster, "private_cluster_enabled", privateFound.value));
        continue;
      }
      hits.push(
        hitWith(
          cluster,
          API_SERVER_ALIASES,
          "Public API server with no authorized_ip_ranges: anyone on the internet can reach the Kubernetes API and try credentials or exploits.",
        ),
      );
    }
    return hits;
  },
};

export const aksAzurePolicy = booleanRule({
  id: "AZURE_AKS_AZURE_POLICY",
  title: "AKS cluster does not run the Azure Policy add-on",
  severity: "low",
  aliases: ["CKV_AZURE_116", "AZU-0066"],
  remediation: "Set azure_policy_enabled = true and assign the Kubernetes pod security baseline initiative to the cluster.",
  types: [AKS],
  names: ["azure_policy_enabled"],
  providerDefault: false,
  safe: true,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = false` : `${attribute} is not set`}: no admission control enforces organisation policies on workloads.`,
});

export const aksMonitoring: Rule = {
  id: "AZURE_AKS_MONITORING",
  title: "AKS cluster does not send container logs to Azure Monitor",
  severity: "medium",
  aliases: ["CKV_AZURE_4", "AZU-0040"],
  target: "terraform",
  remediation: "Add oms_agent { log_analytics_workspace_id = azurerm_log_analytics_workspace.<name>.id } (Container insights).",
  check(ctx) {
    return ofType(ctx, AKS)
      .filter((cluster) => !hasBlock(cluster, "oms_agent"))
      .map((cluster) => hit(cluster, "No oms_agent block: container logs, node metrics and Kubernetes events are not collected."));
  },
};

export const aksWorkloadIdentity: Rule = {
  id: "AZURE_AKS_WORKLOAD_IDENTITY",
  title: "AKS cluster cannot give pods their own managed identity",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation: "Set oidc_issuer_enabled = true and workload_identity_enabled = true, then federate a user-assigned identity with each service account.",
  check(ctx) {
    return ofType(ctx, AKS).flatMap((cluster) => {
      const missing = ["oidc_issuer_enabled", "workload_identity_enabled"].filter((name) => effectiveBool(cluster.attributes, [name], false) === false);
      if (missing.length === 0) return [];
      return [hit(cluster, `${missing.join(" and ")} not true: pods must use stored secrets or the node's identity to call Azure.`)];
    });
  },
};

export const aksUpgradeChannel: Rule = {
  id: "AZURE_AKS_UPGRADE_CHANNEL",
  title: "AKS cluster has no automatic upgrade channel",
  severity: "low",
  aliases: ["CKV_AZURE_171"],
  target: "terraform",
  remediation: 'Set automatic_upgrade_channel = "patch" (azurerm 3.x: automatic_channel_upgrade) or "stable", with a maintenance window.',
  check(ctx) {
    return ofType(ctx, AKS).flatMap((cluster) => {
      const found = setting(cluster.attributes, ["automatic_upgrade_channel", "automatic_channel_upgrade"]);
      const channel = found ? str(found.value) : undefined;
      if (channel === UNKNOWN || (channel !== undefined && channel.toLowerCase() !== "none")) return [];
      return [hit(cluster, "No automatic upgrade channel: Kubernetes patch releases and security fixes are applied only when someone remembers to.")];
    });
  },
};

export const aksSkuTierProd: Rule = {
  id: "AZURE_AKS_SKU_TIER_PROD",
  title: "Production AKS cluster runs on the Free tier",
  severity: "medium",
  aliases: ["CKV_AZURE_170"],
  target: "terraform",
  remediation: 'Set sku_tier = "Standard" (or "Premium") for production: it adds the financially backed API server uptime SLA and more control plane capacity.',
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return ofType(ctx, AKS).flatMap((cluster) => {
      const tier = str(cluster.attributes.sku_tier);
      if (tier === UNKNOWN || (tier !== undefined && tier.toLowerCase() !== "free")) return [];
      return [hit(cluster, `sku_tier is ${tier ? `"${tier}"` : "not set (Free)"} in prod: the API server has no uptime SLA.`)];
    });
  },
};

const CONTAINER_APP = "azurerm_container_app";

export const containerAppInsecureIngress: Rule = {
  id: "AZURE_CONTAINER_APP_INSECURE_INGRESS",
  title: "Container App ingress accepts plain HTTP",
  severity: "high",
  aliases: [],
  target: "terraform",
  remediation: "Set ingress { allow_insecure_connections = false } (the default): HTTP requests are then redirected to HTTPS.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const app of ofType(ctx, CONTAINER_APP)) {
      for (const ingress of nested(app.attributes, "ingress")) {
        const value = bool(ingress.allow_insecure_connections);
        if (value === true)
          hits.push(hit(app, "ingress.allow_insecure_connections = true: the app answers plain HTTP, so requests and cookies travel unencrypted."));
        else if (value === UNKNOWN && unresolvedInput(ingress.allow_insecure_connections)) {
          hits.push(cannotVerify(app, "ingress.allow_insecure_connections", ingress.allow_insecure_connections));
        }
      }
    }
    return hits;
  },
};

export const containerAppIdentity: Rule = {
  id: "AZURE_CONTAINER_APP_IDENTITY",
  title: "Container App uses registry or secret credentials without a managed identity",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    'Add identity { type = "SystemAssigned" } (or user-assigned), pull images with registry { identity = ... } and read secrets from Key Vault with secret { key_vault_secret_id, identity }.',
  check(ctx) {
    return ofType(ctx, CONTAINER_APP)
      .filter((app) => !hasBlock(app, "identity"))
      .filter((app) => hasBlock(app, "registry") || hasBlock(app, "secret"))
      .map((app) => {
        const what = [hasBlock(app, "registry") ? "pulls from a registry" : "", hasBlock(app, "secret") ? "holds secrets" : ""].filter(Boolean).join(" and ");
        return hit(
          app,
          `The app ${what} with no identity block: registry passwords and secret values must be stored in the app instead of being fetched with a managed identity.`,
        );
      });
  },
};

const REGISTRY = ["azurerm_container_registry"];

export const acrAdminUser = booleanRule({
  id: "AZURE_ACR_ADMIN_USER",
  title: "Container registry admin user is enabled",
  severity: "medium",
  aliases: ["CKV_AZURE_137"],
  remediation: "Set admin_enabled = false and grant AcrPull/AcrPush roles to managed identities or service principals.",
  types: REGISTRY,
  names: ["admin_enabled"],
  providerDefault: false,
  safe: false,
  message: (attribute) => `${attribute} = true: one shared username and password can push and pull every image, with no trace of who used it.`,
});

export const acrPublicNetwork = booleanRule({
  id: "AZURE_ACR_PUBLIC_NETWORK",
  title: "Container registry is reachable from public networks",
  severity: "low",
  aliases: ["CKV_AZURE_139"],
  remediation: "Set public_network_access_enabled = false and use private endpoints (Premium SKU), or restrict it with network_rule_set.",
  types: REGISTRY,
  names: ["public_network_access_enabled"],
  providerDefault: true,
  safe: false,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = true` : `${attribute} is not set (the provider default is true)`}: the registry answers on a public endpoint.`,
});

export const acrAnonymousPull = booleanRule({
  id: "AZURE_ACR_ANONYMOUS_PULL",
  title: "Container registry allows anonymous pulls",
  severity: "medium",
  aliases: ["CKV_AZURE_138"],
  remediation: "Set anonymous_pull_enabled = false and give pullers the AcrPull role.",
  types: REGISTRY,
  names: ["anonymous_pull_enabled"],
  providerDefault: false,
  safe: false,
  message: (attribute) => `${attribute} = true: anyone on the internet can download every image, and whatever is baked into them.`,
});

/** Container platform rules. */
export const azureContainerRules: Rule[] = [
  aksRbac,
  aksLocalAccounts,
  aksEntraRbac,
  aksNetworkPolicy,
  aksApiServerPublic,
  aksAzurePolicy,
  aksMonitoring,
  aksWorkloadIdentity,
  aksUpgradeChannel,
  aksSkuTierProd,
  containerAppInsecureIngress,
  containerAppIdentity,
  acrAdminUser,
  acrPublicNetwork,
  acrAnonymousPull,
];
