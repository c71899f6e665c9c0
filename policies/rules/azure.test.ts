import { describe, expect, it } from "vitest";
import type { IacFile } from "../../iac/types.js";
import { type ValidateOptions, validateIac } from "../engine.js";
import type { Environment } from "../types.js";
import { azureRules } from "./azure.js";

const tf = (content: string): IacFile[] => [{ path: "main.tf", content }];

/** `resource: aliases` of the findings of one rule, with "(unverified)" on cannot-verify findings. */
async function findingsOf(content: string, ruleId: string, options: ValidateOptions = {}): Promise<string[]> {
  const report = await validateIac(tf(content), options);
  return report.findings
    .filter((f) => f.rule_id === ruleId)
    .map((f) => `${f.resource}${f.unverified ? " (unverified)" : ""}${f.aliases.length > 0 ? `: ${f.aliases.join(" ")}` : ""}`);
}

/** A resource block from a map of already-formatted argument lines and nested blocks. */
function resource(type: string, name: string, body: string[]): string {
  return `resource "${type}" "${name}" {\n${body.map((line) => `  ${line}`).join("\n")}\n}\n`;
}

/** A storage account that passes every storage rule, plus `extra` lines. */
const storageAccount = (extra: string[] = [], omit: string[] = []) =>
  resource("azurerm_storage_account", "data", [
    'name = "acmedata"',
    'account_tier = "Standard"',
    'account_replication_type = "GRS"',
    ...[
      "allow_nested_items_to_be_public = false",
      "public_network_access_enabled = false",
      "shared_access_key_enabled = false",
      "blob_properties {\n    versioning_enabled = true\n    delete_retention_policy {\n      days = 7\n    }\n  }",
    ].filter((line) => !omit.some((name) => line.startsWith(name))),
    ...extra,
  ]);

/** A flexible server that passes every database rule in prod, plus `extra` lines. */
const flexibleServer = (type: "postgresql" | "mysql", extra: string[] = [], omit: string[] = []) =>
  resource(`azurerm_${type}_flexible_server`, "db", [
    'name = "acme-db"',
    ...[
      'delegated_subnet_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db"',
      "public_network_access_enabled = false",
      "backup_retention_days = 14",
      "geo_redundant_backup_enabled = true",
      'high_availability {\n    mode = "ZoneRedundant"\n  }',
    ].filter((line) => !omit.some((name) => line.startsWith(name))),
    ...extra,
  ]);

/** A key vault that passes every Key Vault rule, plus `extra` lines. */
const keyVault = (extra: string[] = [], omit: string[] = []) =>
  resource("azurerm_key_vault", "main", [
    'name = "acme-kv"',
    ...["purge_protection_enabled = true", "public_network_access_enabled = false", "rbac_authorization_enabled = true"].filter(
      (line) => !omit.some((name) => line.startsWith(name)),
    ),
    ...extra,
  ]) + resource("azurerm_monitor_diagnostic_setting", "kv", ["target_resource_id = azurerm_key_vault.main.id"]);

/** An AKS cluster that passes every AKS rule in prod, plus `extra` lines. */
const cluster = (extra: string[] = [], omit: string[] = []) =>
  resource("azurerm_kubernetes_cluster", "main", [
    'name = "aks"',
    ...[
      'identity {\n    type = "SystemAssigned"\n  }',
      "local_account_disabled = true",
      "azure_active_directory_role_based_access_control {\n    azure_rbac_enabled = true\n  }",
      'network_profile {\n    network_plugin = "azure"\n    network_policy = "azure"\n  }',
      "private_cluster_enabled = true",
      "azure_policy_enabled = true",
      'oms_agent {\n    log_analytics_workspace_id = "/subscriptions/0/workspaces/logs"\n  }',
      "oidc_issuer_enabled = true",
      "workload_identity_enabled = true",
      'automatic_upgrade_channel = "patch"',
      'sku_tier = "Standard"',
    ].filter((line) => !omit.some((name) => line.startsWith(name))),
    ...extra,
  ]);

/** An inbound allow rule of an NSG. */
const nsgRule = (port: string, source: string, protocol = "Tcp") =>
  resource("azurerm_network_security_rule", "in", [
    'direction = "Inbound"',
    'access = "Allow"',
    `protocol = "${protocol}"`,
    `destination_port_range = "${port}"`,
    `source_address_prefix = "${source}"`,
  ]);

interface Case {
  fail: string;
  pass: string;
  /** the resource the fail case must point at */
  resource: string;
  env?: Environment;
}

/** One failing and one passing configuration per Azure rule. */
const CASES: Record<string, Case> = {
  AZURE_STORAGE_PUBLIC_ACCESS: {
    fail: storageAccount([], ["allow_nested_items_to_be_public"]),
    pass: storageAccount(),
    resource: "azurerm_storage_account.data",
  },
  AZURE_STORAGE_PUBLIC_NETWORK: {
    fail: storageAccount(['network_rules {\n    default_action = "Allow"\n  }'], ["public_network_access_enabled"]),
    pass: storageAccount(['network_rules {\n    default_action = "Deny"\n  }'], ["public_network_access_enabled"]),
    resource: "azurerm_storage_account.data",
  },
  AZURE_STORAGE_HTTPS_ONLY: {
    fail: storageAccount(["https_traffic_only_enabled = false"]),
    pass: storageAccount(["enable_https_traffic_only = true"]),
    resource: "azurerm_storage_account.data",
  },
  AZURE_STORAGE_MIN_TLS: {
    fail: storageAccount(['min_tls_version = "TLS1_1"']),
    pass: storageAccount(['min_tls_version = "TLS1_2"']),
    resource: "azurerm_storage_account.data",
  },
  AZURE_STORAGE_SHARED_KEY: {
    fail: storageAccount([], ["shared_access_key_enabled"]),
    pass: storageAccount(),
    resource: "azurerm_storage_account.data",
  },
  AZURE_STORAGE_BLOB_RECOVERY: {
    fail: storageAccount([], ["blob_properties"]),
    pass: storageAccount(),
    resource: "azurerm_storage_account.data",
  },
  AZURE_DATABASE_PUBLIC_ACCESS: {
    fail: flexibleServer("mysql", [], ["delegated_subnet_id", "public_network_access_enabled"]),
    pass: flexibleServer("mysql"),
    resource: "azurerm_mysql_flexible_server.db",
  },
  AZURE_DATABASE_BACKUP_RETENTION: {
    fail: flexibleServer("mysql", ["backup_retention_days = 3"], ["backup_retention_days"]),
    pass: flexibleServer("mysql", [], ["backup_retention_days"]),
    resource: "azurerm_mysql_flexible_server.db",
    env: "prod",
  },
  AZURE_DATABASE_GEO_BACKUP: {
    fail: flexibleServer("postgresql", [], ["geo_redundant_backup_enabled"]),
    pass: flexibleServer("postgresql"),
    resource: "azurerm_postgresql_flexible_server.db",
    env: "prod",
  },
  AZURE_DATABASE_SECURE_TRANSPORT: {
    fail:
      flexibleServer("mysql") +
      resource("azurerm_mysql_flexible_server_configuration", "tls", [
        'name = "require_secure_transport"',
        "server_name = azurerm_mysql_flexible_server.db.name",
        'value = "OFF"',
      ]),
    pass:
      flexibleServer("mysql") +
      resource("azurerm_mysql_flexible_server_configuration", "tls", [
        'name = "require_secure_transport"',
        "server_name = azurerm_mysql_flexible_server.db.name",
        'value = "ON"',
      ]),
    resource: "azurerm_mysql_flexible_server_configuration.tls",
  },
  AZURE_DATABASE_HIGH_AVAILABILITY_PROD: {
    fail: flexibleServer("postgresql", [], ["high_availability"]),
    pass: flexibleServer("postgresql"),
    resource: "azurerm_postgresql_flexible_server.db",
    env: "prod",
  },
  AZURE_REDIS_NON_SSL_PORT: {
    fail: resource("azurerm_redis_cache", "c", ["non_ssl_port_enabled = true", "public_network_access_enabled = false"]),
    pass: resource("azurerm_redis_cache", "c", ["public_network_access_enabled = false"]),
    resource: "azurerm_redis_cache.c",
  },
  AZURE_REDIS_MIN_TLS: {
    fail: resource("azurerm_redis_cache", "c", ['minimum_tls_version = "1.0"']),
    pass: resource("azurerm_redis_cache", "c", ['minimum_tls_version = "1.2"']),
    resource: "azurerm_redis_cache.c",
  },
  AZURE_REDIS_PUBLIC_NETWORK: {
    fail: resource("azurerm_redis_cache", "c", []),
    pass: resource("azurerm_redis_cache", "c", ["public_network_access_enabled = false"]),
    resource: "azurerm_redis_cache.c",
  },
  AZURE_SERVICEBUS_LOCAL_AUTH: {
    fail: resource("azurerm_servicebus_namespace", "bus", ["local_auth_enabled = true"]),
    pass: resource("azurerm_servicebus_namespace", "bus", ["local_auth_enabled = false"]),
    resource: "azurerm_servicebus_namespace.bus",
  },
  AZURE_SERVICEBUS_MIN_TLS: {
    fail: resource("azurerm_servicebus_namespace", "bus", ['minimum_tls_version = "1.1"']),
    pass: resource("azurerm_servicebus_namespace", "bus", []),
    resource: "azurerm_servicebus_namespace.bus",
  },
  AZURE_SERVICEBUS_PUBLIC_NETWORK: {
    fail: resource("azurerm_servicebus_namespace", "bus", []),
    pass: resource("azurerm_servicebus_namespace", "bus", ["public_network_access_enabled = false"]),
    resource: "azurerm_servicebus_namespace.bus",
  },
  AZURE_KEY_VAULT_PURGE_PROTECTION: {
    fail: keyVault([], ["purge_protection_enabled"]),
    pass: keyVault(),
    resource: "azurerm_key_vault.main",
  },
  AZURE_KEY_VAULT_NETWORK: {
    fail: keyVault([], ["public_network_access_enabled"]),
    pass: keyVault(['network_acls {\n    default_action = "Deny"\n    bypass = "AzureServices"\n  }'], ["public_network_access_enabled"]),
    resource: "azurerm_key_vault.main",
  },
  AZURE_KEY_VAULT_RBAC: {
    fail: keyVault([], ["rbac_authorization_enabled"]),
    pass: keyVault([], ["rbac_authorization_enabled"]).replace('name = "acme-kv"', 'name = "acme-kv"\n  enable_rbac_authorization = true'),
    resource: "azurerm_key_vault.main",
  },
  AZURE_KEY_VAULT_DIAGNOSTICS: {
    fail: resource("azurerm_key_vault", "main", ["purge_protection_enabled = true"]),
    pass: keyVault(),
    resource: "azurerm_key_vault.main",
  },
  AZURE_MANAGED_IDENTITY: {
    fail: resource("azurerm_linux_web_app", "web", ['name = "web"']),
    pass: resource("azurerm_linux_web_app", "web", ['name = "web"', 'identity {\n    type = "SystemAssigned"\n  }']),
    resource: "azurerm_linux_web_app.web",
  },
  AZURE_NSG_SSH_OPEN: { fail: nsgRule("20-25", "*"), pass: nsgRule("22", "10.0.0.0/8"), resource: "azurerm_network_security_rule.in" },
  AZURE_NSG_RDP_OPEN: { fail: nsgRule("3389", "Internet"), pass: nsgRule("443", "Internet"), resource: "azurerm_network_security_rule.in" },
  AZURE_NSG_ALL_PORTS_OPEN: { fail: nsgRule("*", "0.0.0.0/0", "*"), pass: nsgRule("*", "VirtualNetwork", "*"), resource: "azurerm_network_security_rule.in" },
  AZURE_SUBNET_NO_NSG: {
    fail: resource("azurerm_subnet", "app", ['name = "app"']),
    pass:
      resource("azurerm_subnet", "app", ['name = "app"']) +
      resource("azurerm_subnet", "gw", ['name = "GatewaySubnet"']) +
      resource("azurerm_subnet_network_security_group_association", "app", [
        "subnet_id = azurerm_subnet.app.id",
        "network_security_group_id = azurerm_network_security_group.app.id",
      ]),
    resource: "azurerm_subnet.app",
  },
  AZURE_APP_GATEWAY_WAF: {
    fail: resource("azurerm_application_gateway", "gw", ['sku {\n    name = "Standard_v2"\n    tier = "Standard_v2"\n  }']),
    pass: resource("azurerm_application_gateway", "gw", [
      'sku {\n    name = "WAF_v2"\n    tier = "WAF_v2"\n  }',
      "firewall_policy_id = azurerm_web_application_firewall_policy.waf.id",
    ]),
    resource: "azurerm_application_gateway.gw",
  },
  AZURE_APP_GATEWAY_TLS: {
    fail: resource("azurerm_application_gateway", "gw", ['ssl_policy {\n    policy_type = "Predefined"\n    policy_name = "AppGwSslPolicy20170401"\n  }']),
    pass: resource("azurerm_application_gateway", "gw", ['ssl_policy {\n    policy_type = "Predefined"\n    policy_name = "AppGwSslPolicy20220101"\n  }']),
    resource: "azurerm_application_gateway.gw",
  },
  AZURE_FRONT_DOOR_WAF: {
    fail: resource("azurerm_cdn_frontdoor_profile", "fd", ['sku_name = "Premium_AzureFrontDoor"']),
    pass:
      resource("azurerm_cdn_frontdoor_profile", "fd", ['sku_name = "Premium_AzureFrontDoor"']) +
      resource("azurerm_cdn_frontdoor_security_policy", "waf", ["cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.fd.id"]),
    resource: "azurerm_cdn_frontdoor_profile.fd",
  },
  AZURE_FRONT_DOOR_HTTPS_REDIRECT: {
    fail: resource("azurerm_cdn_frontdoor_route", "r", ['supported_protocols = ["Http", "Https"]', "https_redirect_enabled = false"]),
    pass: resource("azurerm_cdn_frontdoor_route", "r", ['supported_protocols = ["Http", "Https"]']),
    resource: "azurerm_cdn_frontdoor_route.r",
  },
  AZURE_AKS_RBAC: { fail: cluster(["role_based_access_control_enabled = false"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_LOCAL_ACCOUNTS: { fail: cluster([], ["local_account_disabled"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_ENTRA_RBAC: { fail: cluster([], ["azure_active_directory"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_NETWORK_POLICY: { fail: cluster([], ["network_profile"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_API_SERVER_PUBLIC: {
    fail: cluster([], ["private_cluster_enabled"]),
    pass: cluster(['api_server_access_profile {\n    authorized_ip_ranges = ["203.0.113.0/24"]\n  }'], ["private_cluster_enabled"]),
    resource: "azurerm_kubernetes_cluster.main",
  },
  AZURE_AKS_AZURE_POLICY: { fail: cluster([], ["azure_policy_enabled"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_MONITORING: { fail: cluster([], ["oms_agent"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_WORKLOAD_IDENTITY: { fail: cluster([], ["workload_identity_enabled"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main" },
  AZURE_AKS_UPGRADE_CHANNEL: {
    fail: cluster(['automatic_upgrade_channel = "none"'], ["automatic_upgrade_channel"]),
    pass: cluster(['automatic_channel_upgrade = "stable"'], ["automatic_upgrade_channel"]),
    resource: "azurerm_kubernetes_cluster.main",
  },
  AZURE_AKS_SKU_TIER_PROD: { fail: cluster([], ["sku_tier"]), pass: cluster(), resource: "azurerm_kubernetes_cluster.main", env: "prod" },
  AZURE_CONTAINER_APP_INSECURE_INGRESS: {
    fail: resource("azurerm_container_app", "app", ["ingress {\n    target_port = 8080\n    allow_insecure_connections = true\n  }"]),
    pass: resource("azurerm_container_app", "app", ["ingress {\n    target_port = 8080\n  }"]),
    resource: "azurerm_container_app.app",
  },
  AZURE_CONTAINER_APP_IDENTITY: {
    fail: resource("azurerm_container_app", "app", [
      'registry {\n    server = "acme.azurecr.io"\n    username = "acme"\n    password_secret_name = "acr"\n  }',
    ]),
    pass: resource("azurerm_container_app", "app", [
      'identity {\n    type = "SystemAssigned"\n  }',
      'registry {\n    server = "acme.azurecr.io"\n    identity = "System"\n  }',
    ]),
    resource: "azurerm_container_app.app",
  },
  AZURE_ACR_ADMIN_USER: {
    fail: resource("azurerm_container_registry", "acr", ["admin_enabled = true"]),
    pass: resource("azurerm_container_registry", "acr", ["admin_enabled = false"]),
    resource: "azurerm_container_registry.acr",
  },
  AZURE_ACR_PUBLIC_NETWORK: {
    fail: resource("azurerm_container_registry", "acr", []),
    pass: resource("azurerm_container_registry", "acr", ["public_network_access_enabled = false"]),
    resource: "azurerm_container_registry.acr",
  },
  AZURE_ACR_ANONYMOUS_PULL: {
    fail: resource("azurerm_container_registry", "acr", ["anonymous_pull_enabled = true"]),
    pass: resource("azurerm_container_registry", "acr", []),
    resource: "azurerm_container_registry.acr",
  },
  AZURE_LOG_ANALYTICS_RETENTION: {
    fail: resource("azurerm_log_analytics_workspace", "logs", ["retention_in_days = 7"]),
    pass: resource("azurerm_log_analytics_workspace", "logs", []),
    resource: "azurerm_log_analytics_workspace.logs",
  },
};

describe("Azure rules: one failing and one passing configuration each", () => {
  it("covers every Azure rule, with ids in the AZURE_<AREA>_<WHAT> form", () => {
    const ids = azureRules.map((rule) => rule.id);
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^AZURE_[A-Z0-9]+(_[A-Z0-9]+)+$/);
  });

  it("claims only Checkov and Trivy ids of Azure checks", () => {
    for (const alias of azureRules.flatMap((rule) => rule.aliases)) expect(alias).toMatch(/^(CKV2?_AZURE_\d+|AZU-\d{4})$/);
  });

  describe.each(Object.entries(CASES))("%s", (id, spec) => {
    const options = spec.env ? { environment: spec.env } : {};
    it("fires on the failing configuration", async () => {
      const found = await findingsOf(spec.fail, id, options);
      expect(found.map((line) => line.split(":")[0])).toEqual([spec.resource]);
    });
    it("stays silent on the passing configuration", async () => {
      expect(await findingsOf(spec.pass, id, options)).toEqual([]);
    });
  });
});

describe("Azure rules and the environment", () => {
  it("applies production-only checks in prod alone", async () => {
    const server = flexibleServer("postgresql", ["backup_retention_days = 3"], ["backup_retention_days", "geo_redundant_backup_enabled", "high_availability"]);
    const prodOnly = ["AZURE_DATABASE_BACKUP_RETENTION", "AZURE_DATABASE_GEO_BACKUP", "AZURE_DATABASE_HIGH_AVAILABILITY_PROD"];
    for (const id of prodOnly) {
      expect(await findingsOf(server, id, { environment: "dev" })).toEqual([]);
      expect(await findingsOf(server, id, { environment: "prod" })).toHaveLength(1);
    }
  });
});

describe("Azure alias precision", () => {
  it("NSG: SSH, RDP and all-port rules carry the ids of what they open", async () => {
    const content = [
      nsgRule("22", "*").replace('"in"', '"ssh"'),
      nsgRule("3389", "Internet", "Udp").replace('"in"', '"rdp_udp"'),
      nsgRule("*", "0.0.0.0/0", "Icmp").replace('"in"', '"icmp"'),
    ].join("");
    expect(await findingsOf(content, "AZURE_NSG_SSH_OPEN")).toEqual(["azurerm_network_security_rule.ssh: CKV_AZURE_10 AZU-0050 AZU-0047"]);
    // Checkov's RDP check reads TCP rules only; Trivy's reads every protocol but ICMP.
    expect(await findingsOf(content, "AZURE_NSG_RDP_OPEN")).toEqual(["azurerm_network_security_rule.rdp_udp: AZU-0048 AZU-0047"]);
    // ICMP on "every port" reaches neither SSH nor RDP.
    expect(await findingsOf(content, "AZURE_NSG_ALL_PORTS_OPEN")).toEqual(["azurerm_network_security_rule.icmp: AZU-0047"]);
  });

  it("NSG: a rule opening every port is reported once, not also as SSH and RDP", async () => {
    const report = await validateIac(tf(nsgRule("*", "*", "*")));
    expect(report.findings.filter((f) => f.rule_id.startsWith("AZURE_NSG_")).map((f) => `${f.rule_id}: ${f.aliases.join(" ")}`)).toEqual([
      "AZURE_NSG_ALL_PORTS_OPEN: CKV_AZURE_10 CKV_AZURE_9 AZU-0047 AZU-0050 AZU-0048",
    ]);
  });

  it("storage: account-level and container-level public access are different checks", async () => {
    const content = storageAccount([], ["allow_nested_items_to_be_public"]) + resource("azurerm_storage_container", "c", ['container_access_type = "blob"']);
    expect(await findingsOf(content, "AZURE_STORAGE_PUBLIC_ACCESS")).toEqual([
      "azurerm_storage_account.data: CKV_AZURE_190",
      "azurerm_storage_container.c: CKV_AZURE_34 AZU-0007",
    ]);
  });

  it("storage: missing versioning alone is not the soft-delete checks", async () => {
    const content = storageAccount(["blob_properties {\n    delete_retention_policy {\n      days = 7\n    }\n  }"], ["blob_properties"]);
    expect(await findingsOf(content, "AZURE_STORAGE_BLOB_RECOVERY")).toEqual(["azurerm_storage_account.data"]);
  });

  it("databases: Checkov's geo-backup check is the PostgreSQL one only", async () => {
    const content =
      flexibleServer("postgresql", [], ["geo_redundant_backup_enabled"]) +
      flexibleServer("mysql", [], ["geo_redundant_backup_enabled"]).replace('"db"', '"my"');
    expect(await findingsOf(content, "AZURE_DATABASE_GEO_BACKUP", { environment: "prod" })).toEqual([
      "azurerm_postgresql_flexible_server.db: CKV_AZURE_136",
      "azurerm_mysql_flexible_server.my",
    ]);
  });

  it("databases: a firewall rule for every IPv4 address is AZU-0029; the Azure-services rule is not", async () => {
    const rule = (name: string, start: string, end: string) =>
      resource("azurerm_postgresql_flexible_server_firewall_rule", name, [`start_ip_address = "${start}"`, `end_ip_address = "${end}"`]);
    const content = flexibleServer("postgresql") + rule("all", "0.0.0.0", "255.255.255.255") + rule("azure", "0.0.0.0", "0.0.0.0");
    expect(await findingsOf(content, "AZURE_DATABASE_PUBLIC_ACCESS")).toEqual(["azurerm_postgresql_flexible_server_firewall_rule.all: AZU-0029"]);
  });

  it("Key Vault: purge protection with an out-of-range retention is Trivy's check only", async () => {
    const content = keyVault(["soft_delete_retention_days = 120"]);
    expect(await findingsOf(content, "AZURE_KEY_VAULT_PURGE_PROTECTION")).toEqual(["azurerm_key_vault.main: AZU-0016"]);
  });
});

describe("Azure values Terraform only knows at plan time", () => {
  it("says 'Cannot verify' for high checks on unresolved inputs and stays silent for medium ones", async () => {
    const content = [
      storageAccount(
        ["https_traffic_only_enabled = var.https_only", "network_rules {\n    default_action = var.default_action\n  }"],
        ["public_network_access_enabled"],
      ),
      nsgRule("22", "x").replace('source_address_prefix = "x"', "source_address_prefix = var.admin_source"),
      resource("azurerm_kubernetes_cluster", "k", ["role_based_access_control_enabled = var.rbac"]),
    ].join("");
    const report = await validateIac(tf(content));
    const unverified = report.findings.filter((f) => f.unverified).map((f) => `${f.rule_id} ${f.resource}: ${f.aliases.join(" ")}`);
    expect(unverified.sort()).toEqual([
      "AZURE_AKS_RBAC azurerm_kubernetes_cluster.k: CKV_AZURE_5 AZU-0042",
      "AZURE_NSG_SSH_OPEN azurerm_network_security_rule.in: CKV_AZURE_10 AZU-0050 AZU-0047",
      "AZURE_STORAGE_HTTPS_ONLY azurerm_storage_account.data: CKV_AZURE_3 AZU-0008",
    ]);
    expect(report.findings.filter((f) => f.unverified).every((f) => f.message.startsWith("Cannot verify"))).toBe(true);
    // The network default action is a medium check: unknown, it is neither passed nor reported.
    expect(report.findings.some((f) => f.rule_id === "AZURE_STORAGE_PUBLIC_NETWORK")).toBe(false);
    expect(report.status).toBe("FAIL");
  });

  it("uses a variable's default: a default of false is a real finding", async () => {
    const content = `variable "https_only" {\n  default = false\n}\n${storageAccount(["https_traffic_only_enabled = var.https_only"])}`;
    expect(await findingsOf(content, "AZURE_STORAGE_HTTPS_ONLY")).toEqual(["azurerm_storage_account.data: CKV_AZURE_3 AZU-0008"]);
  });
});
