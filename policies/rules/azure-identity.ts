import type { Rule, RuleHit } from "../types.js";
import { effectiveBool, effectiveNumber, hasBlock, setting } from "./azure-common.js";
import { cannotVerify, hit, hitWith, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Key Vault and managed identity rules. Key Vault defaults (azurerm 4.x): purge protection off,
 * soft delete kept 90 days, public network access on, access policies rather than RBAC.
 */

const KEY_VAULT = "azurerm_key_vault";

export const keyVaultPurgeProtection: Rule = {
  id: "AZURE_KEY_VAULT_PURGE_PROTECTION",
  title: "Key Vault can be purged before its retention period ends",
  severity: "medium",
  // CKV_AZURE_110 (purge protection) and CKV_AZURE_42 (vault is recoverable); Trivy AZU-0016
  // also fails purge protection with soft_delete_retention_days outside 7-90.
  aliases: ["CKV_AZURE_110", "CKV_AZURE_42", "AZU-0016"],
  target: "terraform",
  remediation:
    "Set purge_protection_enabled = true with soft_delete_retention_days between 7 and 90: a deleted vault, key or secret then stays recoverable and cannot be destroyed early.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const vault of ofType(ctx, KEY_VAULT)) {
      const purge = effectiveBool(vault.attributes, ["purge_protection_enabled"], false);
      if (purge === false) {
        hits.push(
          hitWith(
            vault,
            ["CKV_AZURE_110", "CKV_AZURE_42", "AZU-0016"],
            "purge_protection_enabled is not true: anyone able to delete the vault or a key can also purge it, and data encrypted with the key is lost.",
          ),
        );
        continue;
      }
      const days = effectiveNumber(vault.attributes, "soft_delete_retention_days", 90);
      if (purge === true && days !== UNKNOWN && (days < 7 || days > 90)) {
        hits.push(hitWith(vault, ["AZU-0016"], `soft_delete_retention_days = ${days} is outside the 7-90 days Key Vault accepts.`));
      }
    }
    return hits;
  },
};

export const keyVaultNetwork: Rule = {
  id: "AZURE_KEY_VAULT_NETWORK",
  title: "Key Vault accepts connections from any network",
  severity: "high",
  // CKV_AZURE_189: public_network_access_enabled; CKV_AZURE_109 and Trivy AZU-0013: the
  // network ACL's default action.
  aliases: ["CKV_AZURE_189", "CKV_AZURE_109", "AZU-0013"],
  target: "terraform",
  remediation:
    'Set public_network_access_enabled = false and use a private endpoint, or add network_acls { default_action = "Deny", bypass = "AzureServices" } with the IP ranges and subnets that need the vault.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const vault of ofType(ctx, KEY_VAULT)) {
      const publicFound = setting(vault.attributes, ["public_network_access_enabled"]);
      const publicAccess = effectiveBool(vault.attributes, ["public_network_access_enabled"], true);
      if (publicAccess === false) continue;
      const acls = nested(vault.attributes, "network_acls");
      const action = acls.map((acl) => ({ raw: acl.default_action, value: str(acl.default_action) }))[0];
      if (action?.value?.toLowerCase() === "deny") continue;
      if (publicAccess === UNKNOWN) {
        if (publicFound && unresolvedInput(publicFound.value)) hits.push(cannotVerify(vault, publicFound.name, publicFound.value, ["CKV_AZURE_189"]));
        continue;
      }
      if (action?.value === UNKNOWN) {
        if (unresolvedInput(action.raw)) hits.push(cannotVerify(vault, "network_acls.default_action", action.raw, ["CKV_AZURE_109", "AZU-0013"]));
        continue;
      }
      const why = action ? 'network_acls default_action = "Allow"' : "no network_acls block (the default action is Allow)";
      hits.push(
        hitWith(
          vault,
          ["CKV_AZURE_189", "CKV_AZURE_109", "AZU-0013"],
          `Public network access is on and ${why}: the vault endpoint answers from any IP address, leaving only credentials between the internet and the secrets.`,
        ),
      );
    }
    return hits;
  },
};

export const keyVaultRbac: Rule = {
  id: "AZURE_KEY_VAULT_RBAC",
  title: "Key Vault uses access policies instead of Azure RBAC",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    "Set rbac_authorization_enabled = true (before azurerm 4.42: enable_rbac_authorization) and grant Key Vault Secrets User / Crypto User roles per identity and scope.",
  check(ctx) {
    return ofType(ctx, KEY_VAULT)
      .filter((vault) => effectiveBool(vault.attributes, ["rbac_authorization_enabled", "enable_rbac_authorization"], false) === false)
      .map((vault) =>
        hit(
          vault,
          "Vault access policies are in use: anyone with Contributor on the vault can grant themselves data access, and access cannot be given per secret or audited through role assignments.",
        ),
      );
  },
};

/** Resources that can run with a managed identity (an `identity` block). */
const IDENTITY_CAPABLE = ["azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_linux_function_app", "azurerm_windows_function_app"];

export const managedIdentity: Rule = {
  id: "AZURE_MANAGED_IDENTITY",
  title: "App or cluster runs without a managed identity",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation:
    'Add identity { type = "SystemAssigned" } (or a user-assigned identity) and use it to reach Key Vault, storage and databases instead of secrets in settings.',
  check(ctx) {
    const apps = ofType(ctx, ...IDENTITY_CAPABLE)
      .filter((app) => !hasBlock(app, "identity"))
      .map((app) => hit(app, "No identity block: the app can only reach other Azure services with secrets stored in its settings."));
    // An AKS cluster needs either a managed identity or a service principal whose secret expires and must be rotated.
    const clusters = ofType(ctx, "azurerm_kubernetes_cluster")
      .filter((cluster) => !hasBlock(cluster, "identity") && hasBlock(cluster, "service_principal"))
      .map((cluster) => hit(cluster, "The cluster authenticates with a service principal secret instead of a managed identity."));
    return [...apps, ...clusters];
  },
};

/** Key Vault and identity rules. */
export const azureIdentityRules: Rule[] = [keyVaultPurgeProtection, keyVaultNetwork, keyVaultRbac, managedIdentity];
