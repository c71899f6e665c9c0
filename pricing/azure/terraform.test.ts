// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import type { TerraformResource } from "../../iac/types.js";
import { type AzureResourcePlan, planAzureResource } from "./terraform.js";

const STACK = readFileSync(join(import.meta.dirname, "fixtures", "web-api.tf"), "utf8");

let resources: TerraformResource[];
const plan = (address: string): AzureResourcePlan => {
  const resource = resources.find((r) => r.address === address);
  if (!resource) throw new Error(`no ${address} in the fixture`);
  return planAzureResource(resource, { resources });
};

beforeAll(async () => {
  const parsed = await parseTerraform([{ path: "main.tf", content: STACK }]);
  expect(parsed.errors).toEqual([]);
  resources = parsed.resources;
});

describe("planAzureResource on parsed HCL", () => {
  it("container app: containers summed, min_replicas always on", () => {
    // api 0.5 vCPU / 1Gi + sidecar 0.25 vCPU / 0.5Gi, min_replicas = 2
    expect(plan("azurerm_container_app.api")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [{ kind: "container-app", vcpu: 0.75, memoryGb: 1.5, replicas: 2 }],
    });
  });

  it("scheduled job: runs from the cron, each billed for its whole timeout", () => {
    // "0 2 * * 1-5": once a day on 5 of 7 weekdays, in a 730-hour month; parallelism 2; timeout 1800 s
    expect(plan("azurerm_container_app_job.nightly")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [
        { kind: "container-app-job", vcpu: 1, memoryGb: 2, replicasPerRun: 2, runsPerMonth: Number(((730 / 24) * (5 / 7)).toPrecision(12)), runMinutes: 30 },
      ],
    });
  });

  it("AKS: tier plus default pool at its autoscaling floor; a Spot pool", () => {
    expect(plan("azurerm_kubernetes_cluster.main")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [
        { kind: "aks-control-plane", tier: "standard" },
        { kind: "vm", size: "Standard_D4s_v5", count: 3 },
        // os_disk_type unset: Managed; os_disk_size_gb unset: 128 GiB; D4s takes premium storage
        { kind: "managed-disk", sku: "Premium_LRS", sizeGb: 128, count: 3 },
      ],
    });
    // os_disk_type = "Ephemeral": no managed disk
    expect(plan("azurerm_kubernetes_cluster_node_pool.spot")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [{ kind: "vm", size: "Standard_D8s_v5", count: 2, spot: true }],
    });
  });

  it("data tier: Postgres HA with storage in GB, Redis, storage account", () => {
    expect(plan("azurerm_postgresql_flexible_server.main")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [{ kind: "postgres-flexible", sku: "GP_Standard_D2ds_v5", storageGb: 131072 / 1024, highAvailability: "ZoneRedundant" }],
    });
    expect(plan("azurerm_redis_cache.main")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "redis", sku: "Standard", capacity: 1 }] });
    expect(plan("azurerm_storage_account.assets")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "storage-account", replication: "ZRS" }] });
  });

  it("messaging, edge and security", () => {
    expect(plan("azurerm_servicebus_namespace.main")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [{ kind: "service-bus", tier: "Premium", messagingUnits: 2 }],
    });
    expect(plan("azurerm_cdn_frontdoor_profile.main")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "front-door", tier: "Standard" }] });
    expect(plan("azurerm_cdn_frontdoor_firewall_policy.literal")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "waf-policy", customRules: 2 }] });
    expect(plan("azurerm_application_gateway.main")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "app-gateway", sku: "WAF_v2", minCapacity: 2 }] });
    // the RSA-HSM key points at this vault: counted here, free on its own
    expect(plan("azurerm_key_vault.main")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "key-vault", tier: "premium", hsmKeys: 1 }] });
    expect(plan("azurerm_key_vault_key.cmk")).toEqual({ kind: "free" });
  });

  it("monitoring and network", () => {
    expect(plan("azurerm_log_analytics_workspace.main")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "log-analytics" }] });
    // one scope, no dimensions: one time series
    expect(plan("azurerm_monitor_metric_alert.db_cpu")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "monitor-alert", count: 1 }] });
    expect(plan("azurerm_public_ip.nat")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "public-ip" }] });
    expect(plan("azurerm_private_endpoint.redis")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "private-endpoint" }] });
    expect(plan("azurerm_private_dns_zone.postgres")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "private-dns-zone" }] });
    // Premium registry with one geo-replica: two registry charges
    expect(plan("azurerm_container_registry.main")).toEqual({
      kind: "priced",
      instances: 1,
      specs: [
        { kind: "container-registry", sku: "Premium" },
        { kind: "container-registry", sku: "Premium" },
      ],
    });
    // count = 2 is expanded by the parser into two addresses
    expect(plan("azurerm_nat_gateway.main[0]")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "nat-gateway" }] });
    expect(plan("azurerm_nat_gateway.main[1]")).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "nat-gateway" }] });
  });

  it("free plumbing and children", () => {
    for (const address of [
      "azurerm_resource_group.main",
      "azurerm_virtual_network.main",
      "azurerm_subnet.apps",
      "azurerm_network_security_group.apps",
      "azurerm_user_assigned_identity.api",
      "azurerm_role_assignment.acr_pull",
      "azurerm_container_app_environment.main",
      "azurerm_postgresql_flexible_server_database.app",
      "azurerm_storage_container.uploads",
      "azurerm_servicebus_queue.jobs",
      "azurerm_cdn_frontdoor_endpoint.main",
      "azurerm_key_vault_secret.db",
      "azurerm_private_dns_zone_virtual_network_link.postgres",
      "random_password.db",
    ]) {
      expect(plan(address), address).toEqual({ kind: "free" });
    }
  });

  it("an unresolved price-deciding attribute is unsupported, naming it (never $0)", () => {
    expect(plan("azurerm_mysql_flexible_server.legacy")).toEqual({
      kind: "unsupported",
      reason: expect.stringContaining('sku_name is "${var.legacy_db_sku}"'),
    });
    expect(plan("azurerm_cdn_frontdoor_firewall_policy.main")).toEqual({ kind: "unsupported", reason: expect.stringContaining("sku_name") });
  });

  it("an unmapped azurerm type is unsupported", () => {
    expect(plan("azurerm_cosmosdb_account.events")).toEqual({ kind: "unsupported", reason: "no price mapping for azurerm_cosmosdb_account" });
  });
});

describe("planAzureResource on attribute edge cases", () => {
  const one = (type: string, attributes: Record<string, unknown>): AzureResourcePlan => {
    const resource: TerraformResource = { type, name: "x", address: `${type}.x`, file: "main.tf", line: 1, attributes };
    return planAzureResource(resource, { resources: [resource] });
  };

  it("count and literal for_each multiply; an unknown for_each is unsupported", () => {
    expect(one("azurerm_public_ip", { count: 3 })).toMatchObject({ kind: "priced", instances: 3 });
    expect(one("azurerm_public_ip", { for_each: '${toset(["a", "b"])}' })).toMatchObject({ kind: "priced", instances: 2 });
    expect(one("azurerm_public_ip", { for_each: "${var.zones}" })).toEqual({ kind: "unsupported", reason: expect.stringContaining("for_each") });
  });

  it("sizes and tiers outside the card are unsupported with the reason", () => {
    expect(one("azurerm_container_app", { workload_profile_name: "D4", template: [{ container: [{ cpu: 1, memory: "2Gi" }] }] })).toMatchObject({
      kind: "unsupported",
    });
    expect(one("azurerm_container_app", { template: [{ container: [{ cpu: "${var.cpu}", memory: "2Gi" }] }] })).toEqual({
      kind: "unsupported",
      reason: expect.stringContaining("cpu"),
    });
    expect(one("azurerm_storage_account", { account_tier: "Premium", account_replication_type: "LRS" })).toMatchObject({ kind: "unsupported" });
    expect(one("azurerm_storage_account", { access_tier: "Cool", account_replication_type: "LRS" })).toMatchObject({ kind: "unsupported" });
    expect(one("azurerm_redis_cache", { sku_name: "Premium", family: "C", capacity: 1 })).toMatchObject({ kind: "unsupported" });
    expect(one("azurerm_application_gateway", { sku: [{ name: "Standard_Small", tier: "Standard", capacity: 2 }] })).toMatchObject({ kind: "unsupported" });
    expect(one("azurerm_kubernetes_cluster", { sku_tier: "Premium", default_node_pool: [{ vm_size: "Standard_D4s_v5", node_count: 3 }] })).toMatchObject({
      kind: "unsupported",
    });
    expect(one("azurerm_kubernetes_cluster", { default_node_pool: [{ vm_size: "Standard_D4s_v5", auto_scaling_enabled: true }] })).toEqual({
      kind: "unsupported",
      reason: expect.stringContaining("min_count"),
    });
    expect(
      one("azurerm_container_app_job", {
        replica_timeout_in_seconds: 60,
        manual_trigger_config: [{ parallelism: 1 }],
        template: [{ container: [{ cpu: 1, memory: "2Gi" }] }],
      }),
    ).toMatchObject({
      kind: "unsupported",
    });
    expect(
      one("azurerm_container_app_job", {
        replica_timeout_in_seconds: 60,
        schedule_trigger_config: [{ cron_expression: "0 2 1 * *" }],
        template: [{ container: [{ cpu: 1, memory: "2Gi" }] }],
      }),
    ).toEqual({ kind: "unsupported", reason: expect.stringContaining("0 2 1 * *") });
    expect(one("azurerm_monitor_metric_alert", { scopes: ["${azurerm_x.y.id}"], criteria: [{ dimension: [{ name: "Queue", values: ["*"] }] }] })).toMatchObject(
      {
        kind: "unsupported",
      },
    );
  });

  it("metric alerts: scopes × dimension values, a referenced value counting as one", () => {
    const alert = one("azurerm_monitor_metric_alert", {
      scopes: ["${azurerm_servicebus_namespace.main.id}", "${azurerm_servicebus_namespace.other.id}"],
      criteria: [{ dimension: [{ name: "EntityName", values: ["${azurerm_servicebus_queue.jobs.name}", "orders", "billing"] }] }],
    });
    // 2 scopes × 3 entity names
    expect(alert).toEqual({ kind: "priced", instances: 1, specs: [{ kind: "monitor-alert", count: 2 * 3 }] });
  });

  it("defaults: Postgres 32 GiB, MySQL 20 GB, Free AKS tier; disabled alerts and Premium WAF policies are free", () => {
    expect(one("azurerm_postgresql_flexible_server", { sku_name: "B_Standard_B1ms" })).toMatchObject({ specs: [{ storageGb: 32, highAvailability: "none" }] });
    expect(one("azurerm_mysql_flexible_server", { sku_name: "B_Standard_B1ms" })).toMatchObject({ specs: [{ storageGb: 20 }] });
    expect(one("azurerm_kubernetes_cluster", { default_node_pool: [{ vm_size: "Standard_D2s_v5", node_count: 1, os_disk_size_gb: 64 }] })).toMatchObject({
      specs: [{ kind: "aks-control-plane", tier: "free" }, { count: 1 }, { kind: "managed-disk", sizeGb: 64, count: 1 }],
    });
    expect(one("azurerm_storage_account_static_website", {})).toEqual({ kind: "free" });
    expect(one("azurerm_redis_cache_access_policy_assignment", {})).toEqual({ kind: "free" });
    expect(one("azurerm_monitor_metric_alert", { enabled: false, scopes: [] })).toEqual({ kind: "free" });
    expect(one("azurerm_cdn_frontdoor_firewall_policy", { sku_name: "Premium_AzureFrontDoor" })).toEqual({ kind: "free" });
  });
});
