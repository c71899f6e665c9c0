import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { booleanRule, effectiveBool, minimumTlsRule, setting } from "./azure-common.js";
import { cannotVerify, hitWith, nested, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Azure Storage account rules (azurerm_storage_account and its companions). Defaults are those
 * of the azurerm 4.x storage_account documentation: nested items may be public, public network
 * access is on, HTTPS only is on, minimum TLS is TLS1_2, shared keys are allowed.
 */

const ACCOUNT = "azurerm_storage_account";

/** Separate network rules resources that configure `account` (`storage_account_id`, 3.x `storage_account_name`). */
function networkRuleResources(ctx: RuleContext, account: TerraformResource): TerraformResource[] {
  const name = str(account.attributes.name);
  return ofType(ctx, "azurerm_storage_account_network_rules").filter(
    (rules) =>
      rules.module === account.module &&
      (references(rules.attributes.storage_account_id, account) ||
        references(rules.attributes.storage_account_name, account) ||
        (name !== undefined && name !== UNKNOWN && rules.attributes.storage_account_name === name)),
  );
}

export const storagePublicAccess: Rule = {
  id: "AZURE_STORAGE_PUBLIC_ACCESS",
  title: "Storage account lets blobs or containers be read anonymously",
  severity: "high",
  // CKV_AZURE_190: allow_nested_items_to_be_public on the account; CKV_AZURE_34 and Trivy
  // AZU-0007: container_access_type on a container.
  aliases: ["CKV_AZURE_190", "CKV_AZURE_34", "AZU-0007"],
  target: "terraform",
  remediation:
    'Set allow_nested_items_to_be_public = false on the account (it defaults to true) and keep container_access_type = "private"; share data with SAS tokens or Entra ID instead.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const account of ofType(ctx, ACCOUNT)) {
      const names = ["allow_nested_items_to_be_public", "allow_blob_public_access"];
      const found = setting(account.attributes, names);
      const value = effectiveBool(account.attributes, names, true);
      if (value === UNKNOWN) {
        if (found && unresolvedInput(found.value)) hits.push(cannotVerify(account, found.name, found.value, ["CKV_AZURE_190"]));
      } else if (value) {
        const why = found ? `${found.name} = true` : "allow_nested_items_to_be_public is not set (the provider default is true)";
        hits.push(hitWith(account, ["CKV_AZURE_190"], `${why}: any container in the account can be switched to anonymous public read.`));
      }
    }
    for (const container of ofType(ctx, "azurerm_storage_container")) {
      const access = str(container.attributes.container_access_type);
      if (access === UNKNOWN) {
        if (unresolvedInput(container.attributes.container_access_type)) {
          hits.push(cannotVerify(container, "container_access_type", container.attributes.container_access_type, ["CKV_AZURE_34", "AZU-0007"]));
        }
      } else if (access === "blob" || access === "container") {
        const what = access === "container" ? "list and read every blob" : "read any blob whose name they know";
        hits.push(hitWith(container, ["CKV_AZURE_34", "AZU-0007"], `container_access_type = "${access}" lets anyone on the internet ${what}.`));
      }
    }
    return hits;
  },
};

export const storagePublicNetwork: Rule = {
  id: "AZURE_STORAGE_PUBLIC_NETWORK",
  title: "Storage account accepts connections from any network",
  severity: "medium",
  // CKV_AZURE_59: public_network_access_enabled; CKV_AZURE_35 and Trivy AZU-0012: the network
  // rules' default action (no rules at all means Allow).
  aliases: ["CKV_AZURE_59", "CKV_AZURE_35", "AZU-0012"],
  target: "terraform",
  remediation:
    'Set public_network_access_enabled = false and reach the account through a private endpoint, or add network_rules { default_action = "Deny" } with the IP ranges and subnets that need it.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const account of ofType(ctx, ACCOUNT)) {
      const publicAccess = effectiveBool(account.attributes, ["public_network_access_enabled"], true);
      if (publicAccess !== true) continue;
      const actions = [...nested(account.attributes, "network_rules"), ...networkRuleResources(ctx, account).map((r) => r.attributes)].map((rules) =>
        str(rules.default_action),
      );
      if (actions.some((action) => action === UNKNOWN || action?.toLowerCase() === "deny")) continue;
      const why = actions.length === 0 ? "there are no network rules, so the default action is Allow" : 'the network rules\' default_action is "Allow"';
      hits.push(
        hitWith(
          account,
          ["CKV_AZURE_59", "CKV_AZURE_35", "AZU-0012"],
          `Public network access is on and ${why}: the account endpoint answers from any IP address.`,
        ),
      );
    }
    return hits;
  },
};

export const storageHttpsOnly = booleanRule({
  id: "AZURE_STORAGE_HTTPS_ONLY",
  title: "Storage account accepts unencrypted HTTP",
  severity: "high",
  aliases: ["CKV_AZURE_3", "AZU-0008"],
  remediation: "Set https_traffic_only_enabled = true (azurerm 3.x: enable_https_traffic_only) so requests over plain HTTP are refused.",
  types: [ACCOUNT],
  names: ["https_traffic_only_enabled", "enable_https_traffic_only"],
  providerDefault: true,
  safe: true,
  message: (attribute) => `${attribute} = false: data and shared keys or SAS tokens can travel over plain HTTP.`,
});

export const storageMinTls = minimumTlsRule({
  id: "AZURE_STORAGE_MIN_TLS",
  title: "Storage account accepts TLS older than 1.2",
  severity: "high",
  aliases: ["CKV_AZURE_44", "AZU-0011"],
  remediation: 'Set min_tls_version = "TLS1_2" (the azurerm 4.x default).',
  types: [ACCOUNT],
  names: ["min_tls_version"],
  modern: "TLS1_2",
});

export const storageSharedKey = booleanRule({
  id: "AZURE_STORAGE_SHARED_KEY",
  title: "Storage account allows Shared Key authorization",
  severity: "low",
  aliases: ["CKV2_AZURE_40"],
  remediation:
    "Set shared_access_key_enabled = false and grant access with Entra ID roles (Storage Blob Data Reader/Contributor) to managed identities; set storage_use_azuread = true in the provider.",
  types: [ACCOUNT],
  names: ["shared_access_key_enabled"],
  providerDefault: true,
  safe: false,
  message: (attribute, declared) =>
    `${declared ? `${attribute} = true` : `${attribute} is not set (the provider default is true)`}: the account keys give full access to all data and cannot be scoped or traced to a person.`,
});

export const storageBlobRecovery: Rule = {
  id: "AZURE_STORAGE_BLOB_RECOVERY",
  title: "Storage account cannot recover deleted or overwritten blobs",
  severity: "low",
  // CKV2_AZURE_38 and Trivy AZU-0056 are about blob soft delete only, not versioning.
  aliases: ["CKV2_AZURE_38", "AZU-0056"],
  target: "terraform",
  remediation: "Add blob_properties { delete_retention_policy { days = 7 } versioning_enabled = true } (and container_delete_retention_policy) to the account.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const account of ofType(ctx, ACCOUNT)) {
      // Premium file shares and queue-only accounts have no blob service to protect.
      const kind = str(account.attributes.account_kind);
      if (kind === "FileStorage") continue;
      const properties = nested(account.attributes, "blob_properties");
      const days = properties.flatMap((p) => nested(p, "delete_retention_policy")).map((policy) => policy.days);
      const softDelete = days.some((d) => d === undefined || str(d) === UNKNOWN || Number(d) > 0);
      const versioning = properties.some((p) => p.versioning_enabled === true || p.versioning_enabled === "true" || str(p.versioning_enabled) === UNKNOWN);
      if (softDelete && versioning) continue;
      const missing = [softDelete ? "" : "blob soft delete", versioning ? "" : "versioning"].filter(Boolean).join(" and ");
      hits.push(hitWith(account, softDelete ? [] : ["CKV2_AZURE_38", "AZU-0056"], `No ${missing}: a deleted or overwritten blob is gone for good.`));
    }
    return hits;
  },
};

/** Storage account rules. */
export const azureStorageRules: Rule[] = [storagePublicAccess, storagePublicNetwork, storageHttpsOnly, storageMinTls, storageSharedKey, storageBlobRecovery];
