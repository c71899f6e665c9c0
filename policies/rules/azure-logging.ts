import type { Rule } from "../types.js";
import { effectiveNumber } from "./azure-common.js";
import { hit, ofType, references, UNKNOWN } from "./helpers/terraform.js";

/** Azure logging rules: Log Analytics retention and diagnostic settings on sensitive resources. */

/** Days of logs kept below which an incident is often found too late to investigate. */
const MINIMUM_RETENTION_DAYS = 30;

export const logAnalyticsRetention: Rule = {
  id: "AZURE_LOG_ANALYTICS_RETENTION",
  title: "Log Analytics workspace keeps logs less than 30 days",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation: `Set retention_in_days to at least ${MINIMUM_RETENTION_DAYS} (the default; 90 or more in prod is common), or archive to a storage account.`,
  check(ctx) {
    return ofType(ctx, "azurerm_log_analytics_workspace").flatMap((workspace) => {
      // The provider keeps 30 days when retention_in_days is absent (7 on the Free SKU).
      const days = effectiveNumber(workspace.attributes, "retention_in_days", MINIMUM_RETENTION_DAYS);
      if (days === UNKNOWN || days >= MINIMUM_RETENTION_DAYS) return [];
      return [hit(workspace, `retention_in_days = ${days}: logs are gone before most incidents are noticed.`)];
    });
  },
};

export const keyVaultDiagnostics: Rule = {
  id: "AZURE_KEY_VAULT_DIAGNOSTICS",
  title: "Key Vault has no diagnostic setting",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation:
    'Add an azurerm_monitor_diagnostic_setting with target_resource_id = the vault\'s id, enabled_log { category_group = "audit" } and a Log Analytics workspace.',
  check(ctx) {
    const settings = ofType(ctx, "azurerm_monitor_diagnostic_setting");
    return ofType(ctx, "azurerm_key_vault")
      .filter((vault) => !settings.some((setting) => references(setting.attributes.target_resource_id, vault)))
      .map((vault) => hit(vault, "No azurerm_monitor_diagnostic_setting targets this vault: who read which secret or used which key is not recorded."));
  },
};

/** Logging rules. */
export const azureLoggingRules: Rule[] = [logAnalyticsRetention, keyVaultDiagnostics];
