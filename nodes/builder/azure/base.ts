import { block, type HclBlock, type HclBody, type HclValue, ref } from "../hcl.js";
import type { AzureContext } from "./context.js";
import { frontDoorFrontsWorkload } from "./network.js";
import type { AzureSection } from "./shared.js";

/**
 * The azurerm releases the files need: 4.42 renamed the Key Vault's RBAC switch to
 * `rbac_authorization_enabled`; managed-identity authentication of Container Apps scale rules
 * (`custom_scale_rule.identity_id`) arrived later in 4.x (hashicorp/terraform-provider-azurerm#29777).
 */
export const AZURERM_VERSION = ">= 4.42, < 5.0";

/** versions.tf: Terraform 1.6+, azurerm 4.x, and the random provider when a password must be generated. */
export function renderVersions(ctx: AzureContext): AzureSection[] {
  const providers: Record<string, HclValue> = { azurerm: { source: "hashicorp/azurerm", version: AZURERM_VERSION } };
  if (needsPassword(ctx)) providers.random = { source: "hashicorp/random", version: "~> 3.6" };
  const terraform: HclBlock = { type: "terraform", labels: [], body: { required_version: ">= 1.6", required_providers: block(providers) } };
  return [{ file: "versions.tf", blocks: [terraform] }];
}

/** true when a MySQL server needs an administrator password (PostgreSQL servers use Entra ID only). */
export function needsPassword(ctx: AzureContext): boolean {
  return ctx.plan.databases.some((db) => db.engine === "mysql");
}

/**
 * providers.tf: azurerm for the subscription given as a variable (credentials come from the
 * environment: Azure CLI, OIDC or a managed identity, never from files), storage data-plane calls
 * with Entra ID instead of account keys, and the caller's identity for tenant and role assignments.
 */
export function renderProviders(): AzureSection[] {
  const features = block({
    key_vault: block({ purge_soft_delete_on_destroy: false, recover_soft_deleted_key_vaults: true }),
    resource_group: block({ prevent_deletion_if_contains_resources: true }),
    // Storage accounts are managed through Azure Resource Manager only (static websites are their own
    // resource), so private accounts plan and apply from outside their network.
    storage: block({ data_plane_available: false }),
  });
  const blocks: HclBlock[] = [
    { type: "provider", labels: ["azurerm"], body: { features, subscription_id: ref("var.subscription_id"), storage_use_azuread: true } },
    { type: "data", labels: ["azurerm_client_config", "current"], body: {} },
  ];
  return [{ file: "providers.tf", blocks }];
}

function variable(name: string, body: HclBody): HclBlock {
  return { type: "variable", labels: [name], body };
}

const cidrList = (name: string) =>
  block({ condition: ref(`alltrue([for cidr in var.${name} : can(cidrhost(cidr, 0))])`), error_message: `${name} must be a list of CIDR ranges.` });

/** variables.tf: only what the plan cannot know (subscription, operator addresses, Entra groups, alert recipients). */
export function renderVariables(ctx: AzureContext): AzureSection[] {
  const { plan } = ctx;
  const blocks: HclBlock[] = [
    variable("subscription_id", {
      description: "Azure subscription to deploy into",
      type: ref("string"),
      validation: block({
        condition: ref('can(regex("^[0-9a-fA-F-]{36}$", var.subscription_id))'),
        error_message: "subscription_id must be a subscription GUID.",
      }),
    }),
  ];
  if (ctx.has("azure-key-vault")) {
    blocks.push(
      variable("operator_ip_ranges", {
        description: "Public CIDR ranges Terraform and operators reach the Key Vault's data plane from (its network rules deny everything else)",
        type: ref("list(string)"),
        default: [],
        validation: cidrList("operator_ip_ranges"),
      }),
    );
  }
  if (plan.databases.some((db) => db.engine === "postgres")) {
    blocks.push(
      variable("database_admin_object_id", { description: "Object id of the Entra ID group that administers the PostgreSQL servers", type: ref("string") }),
      variable("database_admin_group_name", { description: "Display name of that Entra ID group", type: ref("string") }),
    );
  }
  if (ctx.platform === "aks") {
    blocks.push(
      variable("aks_admin_group_object_ids", { description: "Entra ID groups with cluster-admin on the AKS cluster", type: ref("list(string)") }),
      variable("kubernetes_namespace", { description: "Namespace of the workload's service account", type: ref("string"), default: ctx.kubernetes.namespace }),
      variable("kubernetes_service_account", {
        description: "Service account the workload runs as (federated with its managed identity)",
        type: ref("string"),
        default: ctx.kubernetes.serviceAccount,
      }),
    );
    if (frontDoorFrontsWorkload(ctx)) {
      blocks.push(
        variable("aks_ingress_hostname", {
          description: "Public host name of the cluster's ingress (its load balancer), the Front Door origin; serves HTTPS with a certificate for this name",
          type: ref("string"),
        }),
      );
    }
  }
  if (plan.observability.alerts.length > 0) {
    blocks.push(
      variable("alert_email_addresses", {
        description: "Who the alert action group e-mails when an alert fires or resolves",
        type: ref("list(string)"),
        default: [],
      }),
    );
  }
  return [{ file: "variables.tf", blocks }];
}

/** main.tf: the resource group every resource lives in, in the plan's region. */
export function renderResourceGroup(ctx: AzureContext): AzureSection[] {
  const owner = ctx.component(["azure-vnet", "azure-front-door"]);
  return [{ file: "main.tf", blocks: [ctx.resource("azurerm_resource_group", "main", owner, { name: `rg-${ctx.prefix}`, location: ctx.plan.region })] }];
}
