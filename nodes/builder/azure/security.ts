import { block, type HclBlock, type HclExpr, ref } from "../hcl.js";
import { needsPassword } from "./base.js";
import { type AzureContext, neededSubnets, PLACEMENT } from "./context.js";
import { type AzureSection, DEPLOYER_OBJECT_ID, diagnosticSetting, REGISTRY, subnetId, TENANT_ID, VAULT } from "./shared.js";

/** Address of the customer-managed key, when the plan asks for one. */
export const DATA_KEY = "azurerm_key_vault_key.data";

/** Address of the identity storage accounts read the customer-managed key with. */
export const KEY_USER = "azurerm_user_assigned_identity.data_encryption";

/** true when the plan asks for a customer-managed key (created in the design's Key Vault). */
export function customerManagedKey(ctx: AzureContext): boolean {
  return ctx.plan.security.kms === "customer-managed" && ctx.has("azure-key-vault");
}

/** The versionless id of a Key Vault secret the design references (its value is set by operators, never in files). */
export function vaultSecretId(name: string): HclExpr {
  return ref(`"\${${VAULT}.vault_uri}secrets/${name}"`);
}

/** Deployer roles on the vault: Terraform writes the MySQL administrator password and creates the data key there. */
function deployerGrants(ctx: AzureContext, owner: string): HclBlock[] {
  const roles: [string, string][] = [];
  if (needsPassword(ctx)) roles.push(["deployer_secrets_officer", "Key Vault Secrets Officer"]);
  if (customerManagedKey(ctx)) roles.push(["deployer_crypto_officer", "Key Vault Crypto Officer"]);
  return roles.map(([name, role]) =>
    ctx.resource("azurerm_role_assignment", name, owner, { scope: ref(`${VAULT}.id`), role_definition_name: role, principal_id: DEPLOYER_OBJECT_ID }),
  );
}

/**
 * The customer-managed key: RSA 3072, rotated automatically a month before it expires (a year),
 * and the identity storage accounts unwrap it with.
 */
function dataKey(ctx: AzureContext, owner: string): HclBlock[] {
  return [
    ctx.resource("azurerm_key_vault_key", "data", owner, {
      name: "data-key",
      key_vault_id: ref(`${VAULT}.id`),
      key_type: "RSA",
      key_size: 3072,
      key_opts: ["unwrapKey", "wrapKey"],
      rotation_policy: block({ expire_after: "P365D", notify_before_expiry: "P30D", automatic: block({ time_before_expiry: "P30D" }) }),
      depends_on: [ref("azurerm_role_assignment.deployer_crypto_officer")],
    }),
    ctx.resource("azurerm_user_assigned_identity", "data_encryption", owner, { name: `id-${ctx.prefix}-data-encryption`, ...PLACEMENT }),
    ctx.resource("azurerm_role_assignment", "data_encryption_key_user", owner, {
      scope: ref(`${VAULT}.id`),
      role_definition_name: "Key Vault Crypto Service Encryption User",
      principal_id: ref(`${KEY_USER}.principal_id`),
      principal_type: "ServicePrincipal",
    }),
  ];
}

/**
 * The Key Vault: Azure RBAC (no access policies), purge protection, 90 days of soft delete, and
 * network rules that deny everything but the workload subnet (service endpoint), trusted Azure
 * services and the operators' addresses.
 */
function keyVault(ctx: AzureContext): HclBlock[] {
  const owner = ctx.component(["azure-key-vault"]);
  const workload = neededSubnets(ctx.plan).workload;
  return [
    ctx.resource("azurerm_key_vault", "main", owner, {
      name: ctx.globalName({ max: 24, suffix: "vault", lead: "kv" }),
      ...PLACEMENT,
      tenant_id: TENANT_ID,
      sku_name: "standard",
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      public_network_access_enabled: true,
      network_acls: block({
        default_action: "Deny",
        bypass: "AzureServices",
        ip_rules: ref("var.operator_ip_ranges"),
        virtual_network_subnet_ids: workload ? [subnetId("workload")] : [],
      }),
    }),
    diagnosticSetting(ctx, "key_vault", owner, ref(`${VAULT}.id`)),
    ...deployerGrants(ctx, owner),
    ...(customerManagedKey(ctx) ? dataKey(ctx, owner) : []),
  ];
}

/** Registry tier: the component's `size` when it names one, else Premium in prod (zone redundancy, retention), Standard elsewhere. */
export function registrySku(ctx: AzureContext): "Basic" | "Standard" | "Premium" {
  const size = (ctx.components("azure-container-registry")[0]?.size ?? "").toLowerCase();
  if (size.includes("premium")) return "Premium";
  if (size.includes("standard")) return "Standard";
  if (size.includes("basic")) return "Basic";
  return ctx.prod ? "Premium" : "Standard";
}

/**
 * The container registry: no admin user, no anonymous pulls; identities pull with AcrPull.
 * Public network access stays on so CI can push; Premium adds zone redundancy and untagged-manifest retention.
 */
function registry(ctx: AzureContext): HclBlock[] {
  const owner = ctx.component(["azure-container-registry"]);
  const sku = registrySku(ctx);
  const premium = sku === "Premium";
  return [
    ctx.resource("azurerm_container_registry", "main", owner, {
      name: ctx.globalName({ max: 50, suffix: "registry", alphanumeric: true, lead: "cr" }),
      ...PLACEMENT,
      sku,
      admin_enabled: false,
      // Deliberately on: CI pushes from outside the network; pulls need AcrPull, nothing is anonymous.
      public_network_access_enabled: true,
      anonymous_pull_enabled: sku === "Basic" ? undefined : false,
      zone_redundancy_enabled: premium && ctx.prod ? true : undefined,
      retention_policy_in_days: premium ? 7 : undefined,
    }),
    diagnosticSetting(ctx, "registry", owner, ref(`${REGISTRY}.id`)),
  ];
}

/** security.tf: the Key Vault (and customer-managed key), the container registry. */
export function renderSecurity(ctx: AzureContext): AzureSection[] {
  const blocks: HclBlock[] = [...(ctx.has("azure-key-vault") ? keyVault(ctx) : []), ...(ctx.has("azure-container-registry") ? registry(ctx) : [])];
  const notes =
    ctx.plan.security.kms === "customer-managed"
      ? [
          customerManagedKey(ctx)
            ? "Customer-managed key: storage accounts encrypt with data-key; databases, Redis and Service Bus keep platform-managed keys."
            : "The plan asks for a customer-managed key but has no Key Vault component: platform-managed keys are used.",
        ]
      : [];
  return blocks.length > 0 ? [{ file: "security.tf", blocks, notes }] : [];
}
