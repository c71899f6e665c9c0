import type { TerraformResource } from "../../iac/types.js";
import type { ResourcePlan as GenericResourcePlan } from "../pricer.js";
import { block, blocks, isExpression, optionalBool, optionalNumber, optionalString, requiredString, Unpriceable } from "../terraform/attributes.js";
import { findRelated, type MapContext } from "../terraform/references.js";
import type { AzureSpec } from "./specs.js";

/** What the Azure estimator should do with one resource. */
export type AzureResourcePlan = GenericResourcePlan<AzureSpec>;

type Attrs = Record<string, unknown>;
type Mapper = (resource: TerraformResource, ctx: MapContext) => AzureSpec[] | "free";

/**
 * azurerm types that cost nothing by themselves: resource groups, network plumbing, identity and
 * role assignments, configuration and child objects whose cost is billed on their parent (Front
 * Door routes and origins on the profile, queues on the namespace, databases on the server).
 */
export const AZURE_FREE_TYPES: ReadonlySet<string> = new Set([
  "azurerm_resource_group",
  "azurerm_virtual_network",
  "azurerm_subnet",
  "azurerm_network_security_group",
  "azurerm_network_security_rule",
  "azurerm_subnet_network_security_group_association",
  "azurerm_subnet_nat_gateway_association",
  "azurerm_nat_gateway_public_ip_association",
  "azurerm_route_table",
  "azurerm_route",
  "azurerm_subnet_route_table_association",
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azurerm_user_assigned_identity",
  "azurerm_federated_identity_credential",
  "azurerm_key_vault_secret",
  "azurerm_key_vault_access_policy",
  "azurerm_monitor_diagnostic_setting",
  "azurerm_monitor_action_group",
  "azurerm_cdn_frontdoor_endpoint",
  "azurerm_cdn_frontdoor_origin_group",
  "azurerm_cdn_frontdoor_origin",
  "azurerm_cdn_frontdoor_route",
  "azurerm_cdn_frontdoor_security_policy",
  "azurerm_cdn_frontdoor_custom_domain",
  "azurerm_cdn_frontdoor_custom_domain_association",
  "azurerm_cdn_frontdoor_rule_set",
  "azurerm_cdn_frontdoor_rule",
  "azurerm_servicebus_queue",
  "azurerm_servicebus_topic",
  "azurerm_servicebus_subscription",
  "azurerm_servicebus_queue_authorization_rule",
  "azurerm_servicebus_namespace_authorization_rule",
  "azurerm_storage_container",
  "azurerm_storage_management_policy",
  "azurerm_storage_account_network_rules",
  "azurerm_postgresql_flexible_server_database",
  "azurerm_postgresql_flexible_server_configuration",
  "azurerm_postgresql_flexible_server_firewall_rule",
  "azurerm_postgresql_flexible_server_active_directory_administrator",
  "azurerm_mysql_flexible_database",
  "azurerm_mysql_flexible_server_configuration",
  "azurerm_mysql_flexible_server_firewall_rule",
  "azurerm_mysql_flexible_server_active_directory_administrator",
  "azurerm_redis_firewall_rule",
  "azurerm_redis_cache_access_policy_assignment",
  // Static website hosting is configuration; its bytes and operations are the account's.
  "azurerm_storage_account_static_website",
  "azurerm_management_lock",
  "azurerm_private_dns_zone_virtual_network_link",
  "azurerm_private_dns_a_record",
  "azurerm_container_app_environment_storage",
  "azurerm_container_app_custom_domain",
  // An Application Gateway WAF policy is included in the WAF_v2 gateway price.
  "azurerm_web_application_firewall_policy",
]);

/** Other providers' types that create nothing billable (generated values, timers). */
const FREE_PREFIXES = ["random_", "time_", "tls_", "null_", "terraform_data"];

// ---------------------------------------------------------------------------------------------
// Small readers
// ---------------------------------------------------------------------------------------------

/** `1Gi`, `0.5Gi`, `512Mi` → GiB. */
function gibibytes(key: string, value: unknown): number {
  if (isExpression(value)) throw new Unpriceable(`${key} is ${JSON.stringify(value)}, not a literal value; it is only known at plan time`);
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)(Gi|Mi)$/.exec(value.trim()) : null;
  if (!match) throw new Unpriceable(`${key} should be a size like "1Gi", found ${JSON.stringify(value)}`);
  const amount = Number(match[1]);
  return match[2] === "Mi" ? amount / 1024 : amount;
}

function requireBlock(attrs: Attrs, key: string, where: string): Attrs {
  const found = block(attrs, key);
  if (!found) throw new Unpriceable(`${where} has no ${key} block; its size decides the price`);
  return found;
}

/** Nodes a pool runs all month: `min_count` when it autoscales (the floor), else `node_count`. */
function poolNodes(pool: Attrs, where: string): number {
  const autoscales = optionalBool(pool, "auto_scaling_enabled") ?? optionalBool(pool, "enable_auto_scaling") ?? false;
  if (autoscales) {
    const min = optionalNumber(pool, "min_count");
    if (min === undefined) throw new Unpriceable(`${where} autoscales without min_count; how many nodes always run is unknown`);
    return min;
  }
  const count = optionalNumber(pool, "node_count");
  if (count === undefined) throw new Unpriceable(`${where} has no node_count`);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Container Apps
// ---------------------------------------------------------------------------------------------

/** Total vCPU and memory of a template's containers. */
function templateSize(template: Attrs): { vcpu: number; memoryGb: number } {
  const containers = blocks(template, "container");
  if (!containers.length) throw new Unpriceable("template has no container block; its size decides the price");
  let vcpu = 0;
  let memoryGb = 0;
  for (const container of containers) {
    const cpu = optionalNumber(container, "cpu");
    if (cpu === undefined) throw new Unpriceable("container.cpu is not set");
    vcpu += cpu;
    memoryGb += gibibytes("container.memory", container.memory);
  }
  return { vcpu, memoryGb };
}

function requireConsumptionProfile(attrs: Attrs): void {
  const profile = optionalString(attrs, "workload_profile_name");
  if (profile !== undefined && profile !== "Consumption") {
    throw new Unpriceable(`workload profile "${profile}" is a dedicated profile billed per instance; only the Consumption profile is in the rate card`);
  }
}

function mapContainerApp(resource: TerraformResource): AzureSpec[] {
  requireConsumptionProfile(resource.attributes);
  const template = requireBlock(resource.attributes, "template", resource.address);
  const replicas = optionalNumber(template, "min_replicas") ?? 0;
  return [{ kind: "container-app", ...templateSize(template), replicas }];
}

/** How many values a cron field takes within `[low, high]`: `*`, `*\/n`, `a-b`, `a-b/n`, `a,b`, `n`. */
function cronFieldCount(field: string, low: number, high: number): number | undefined {
  let total = 0;
  for (const part of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const start = match[1] === "*" ? low : Number(match[2]);
    const end = match[1] === "*" ? high : match[3] === undefined ? (match[4] === undefined ? start : high) : Number(match[3]);
    const step = match[4] === undefined ? 1 : Number(match[4]);
    if (step < 1 || start < low || end > high || end < start) return undefined;
    total += Math.floor((end - start) / step) + 1;
  }
  return total;
}

/** Runs a month of a five-field cron whose day-of-month and month are `*` (730-hour month). */
function cronRunsPerMonth(cron: string): number {
  const fields = cron.trim().split(/\s+/);
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = ""] = fields;
  const minutes = cronFieldCount(minute, 0, 59);
  const hours = cronFieldCount(hour, 0, 23);
  const weekdays = dayOfWeek === "*" ? 7 : cronFieldCount(dayOfWeek.replace(/\b7\b/g, "0"), 0, 6);
  if (fields.length !== 5 || dayOfMonth !== "*" || month !== "*" || minutes === undefined || hours === undefined || weekdays === undefined) {
    throw new Unpriceable(`cron_expression "${cron}" is not a daily or weekly schedule Atlas can count runs for`);
  }
  const daysPerMonth = 730 / 24;
  return minutes * hours * daysPerMonth * (weekdays / 7);
}

/**
 * A scheduled Container Apps job: runs a month from its cron, each billed for its whole
 * `replica_timeout_in_seconds` (an upper bound: a run that ends sooner costs less).
 */
function mapContainerAppJob(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  requireConsumptionProfile(attrs);
  const schedule = block(attrs, "schedule_trigger_config");
  if (!schedule) {
    const trigger = block(attrs, "event_trigger_config") ? "event-triggered" : "manually triggered";
    throw new Unpriceable(`a ${trigger} job's runs a month depend on traffic or operators; price it with the container-app-job spec and a run count`);
  }
  const cron = requiredString(schedule, "cron_expression");
  const timeout = optionalNumber(attrs, "replica_timeout_in_seconds");
  if (timeout === undefined) throw new Unpriceable("replica_timeout_in_seconds is not set; how long a run is billed is unknown");
  const replicasPerRun = optionalNumber(schedule, "parallelism") ?? 1;
  const template = requireBlock(attrs, "template", resource.address);
  return [
    {
      kind: "container-app-job",
      ...templateSize(template),
      replicasPerRun: Math.max(1, replicasPerRun),
      runsPerMonth: Number(cronRunsPerMonth(cron).toPrecision(12)),
      runMinutes: timeout / 60,
    },
  ];
}

function mapContainerAppEnvironment(resource: TerraformResource): "free" {
  for (const profile of blocks(resource.attributes, "workload_profile")) {
    const type = optionalString(profile, "workload_profile_type");
    if (type !== undefined && type !== "Consumption") {
      throw new Unpriceable(`workload profile type "${type}" is billed per instance and per environment; only the Consumption profile is in the rate card`);
    }
  }
  return "free";
}

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

/**
 * The managed OS disks of a node pool: none when `os_disk_type` is Ephemeral (the OS lives on the
 * VM's local storage), else one per node of `os_disk_size_gb` (128 GiB, Azure's usual default,
 * when unset), Premium SSD for sizes that take premium storage (an `s` in the size), else Standard SSD.
 */
function osDisks(pool: Attrs, size: string, nodes: number): AzureSpec[] {
  const type = optionalString(pool, "os_disk_type") ?? "Managed";
  if (type === "Ephemeral" || nodes === 0) return [];
  if (type !== "Managed") throw new Unpriceable(`os_disk_type should be Managed or Ephemeral, found "${type}"`);
  const sizeGb = optionalNumber(pool, "os_disk_size_gb") ?? 128;
  const premiumCapable = /^Standard_[A-Z]+\d+[a-z]*s/.test(size);
  return [{ kind: "managed-disk", sku: premiumCapable ? "Premium_LRS" : "StandardSSD_LRS", sizeGb, count: nodes }];
}

function mapKubernetesCluster(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const tier = optionalString(attrs, "sku_tier") ?? "Free";
  if (tier !== "Free" && tier !== "Standard") throw new Unpriceable(`sku_tier "${tier}" is not in the rate card (Free and Standard are)`);
  const pool = requireBlock(attrs, "default_node_pool", resource.address);
  const size = requiredString(pool, "vm_size");
  const nodes = poolNodes(pool, "default_node_pool");
  return [{ kind: "aks-control-plane", tier: tier === "Standard" ? "standard" : "free" }, { kind: "vm", size, count: nodes }, ...osDisks(pool, size, nodes)];
}

function mapKubernetesNodePool(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const size = requiredString(attrs, "vm_size");
  const priority = optionalString(attrs, "priority") ?? "Regular";
  const os = optionalString(attrs, "os_type") ?? "Linux";
  if (os !== "Linux") throw new Unpriceable(`os_type "${os}": only Linux VM rates are in the rate card`);
  const nodes = poolNodes(attrs, resource.address);
  return [{ kind: "vm", size, count: nodes, spot: priority === "Spot" }, ...osDisks(attrs, size, nodes)];
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

function highAvailability(attrs: Attrs): "none" | "SameZone" | "ZoneRedundant" {
  const ha = block(attrs, "high_availability");
  if (!ha) return "none";
  const mode = requiredString(ha, "mode");
  if (mode !== "SameZone" && mode !== "ZoneRedundant") throw new Unpriceable(`high_availability.mode should be SameZone or ZoneRedundant, found "${mode}"`);
  return mode;
}

function mapPostgresFlexible(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  // azurerm's default storage is 32 GiB (storage_mb 32768).
  const storageMb = optionalNumber(attrs, "storage_mb") ?? 32768;
  return [{ kind: "postgres-flexible", sku: requiredString(attrs, "sku_name"), storageGb: storageMb / 1024, highAvailability: highAvailability(attrs) }];
}

function mapMysqlFlexible(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const storage = block(attrs, "storage");
  // azurerm's default storage is 20 GB.
  const storageGb = (storage ? optionalNumber(storage, "size_gb") : undefined) ?? 20;
  return [{ kind: "mysql-flexible", sku: requiredString(attrs, "sku_name"), storageGb, highAvailability: highAvailability(attrs) }];
}

function mapRedisCache(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const sku = requiredString(attrs, "sku_name");
  if (sku !== "Basic" && sku !== "Standard" && sku !== "Premium") throw new Unpriceable(`sku_name should be Basic, Standard or Premium, found "${sku}"`);
  const family = requiredString(attrs, "family");
  const expected = sku === "Premium" ? "P" : "C";
  if (family !== expected) throw new Unpriceable(`family "${family}" does not go with sku_name ${sku} (expected ${expected})`);
  const capacity = optionalNumber(attrs, "capacity");
  if (capacity === undefined) throw new Unpriceable("capacity is not set");
  if (!Number.isInteger(capacity) || capacity > 6) throw new Unpriceable(`capacity should be a whole number from 0 to 6, found ${capacity}`);
  const shards = optionalNumber(attrs, "shard_count");
  return [{ kind: "redis", sku, capacity, ...(shards === undefined || shards === 0 ? {} : { shards }) }];
}

const REPLICATIONS = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"] as const;

function mapStorageAccount(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const tier = optionalString(attrs, "account_tier") ?? "Standard";
  if (tier !== "Standard") throw new Unpriceable(`account_tier "${tier}": only Standard general-purpose v2 rates are in the rate card`);
  const kind = optionalString(attrs, "account_kind") ?? "StorageV2";
  if (kind !== "StorageV2") throw new Unpriceable(`account_kind "${kind}": only StorageV2 rates are in the rate card`);
  const access = optionalString(attrs, "access_tier") ?? "Hot";
  if (access !== "Hot") throw new Unpriceable(`access_tier "${access}": only the Hot tier's rates are in the rate card`);
  const replication = requiredString(attrs, "account_replication_type");
  const known = REPLICATIONS.find((r) => r === replication);
  if (!known) throw new Unpriceable(`account_replication_type "${replication}" is not one of ${REPLICATIONS.join(", ")}`);
  return [{ kind: "storage-account", replication: known }];
}

// ---------------------------------------------------------------------------------------------
// Messaging, edge, security, monitoring, network
// ---------------------------------------------------------------------------------------------

function mapServiceBusNamespace(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const tier = requiredString(attrs, "sku");
  if (tier !== "Basic" && tier !== "Standard" && tier !== "Premium") throw new Unpriceable(`sku should be Basic, Standard or Premium, found "${tier}"`);
  if (tier !== "Premium") return [{ kind: "service-bus", tier }];
  const capacity = optionalNumber(attrs, "capacity") ?? 1;
  return [{ kind: "service-bus", tier, messagingUnits: Math.max(1, capacity) }];
}

function frontDoorTier(attrs: Attrs): "Standard" | "Premium" {
  const sku = requiredString(attrs, "sku_name");
  if (sku === "Standard_AzureFrontDoor") return "Standard";
  if (sku === "Premium_AzureFrontDoor") return "Premium";
  throw new Unpriceable(`sku_name should be Standard_AzureFrontDoor or Premium_AzureFrontDoor, found "${sku}"`);
}

function mapFrontDoorProfile(resource: TerraformResource): AzureSpec[] {
  return [{ kind: "front-door", tier: frontDoorTier(resource.attributes) }];
}

/** Standard policies are billed per policy and rule; Premium profiles include WAF in their base fee. */
function mapFrontDoorFirewallPolicy(resource: TerraformResource): AzureSpec[] | "free" {
  if (frontDoorTier(resource.attributes) === "Premium") return "free";
  return [{ kind: "waf-policy", customRules: blocks(resource.attributes, "custom_rule").length }];
}

function mapApplicationGateway(resource: TerraformResource): AzureSpec[] {
  const attrs = resource.attributes;
  const sku = requireBlock(attrs, "sku", resource.address);
  const name = requiredString(sku, "name");
  if (name !== "Standard_v2" && name !== "WAF_v2") throw new Unpriceable(`sku.name "${name}": only the v2 SKUs (Standard_v2, WAF_v2) are in the rate card`);
  const autoscale = block(attrs, "autoscale_configuration");
  const minCapacity = autoscale ? optionalNumber(autoscale, "min_capacity") : optionalNumber(sku, "capacity");
  if (minCapacity === undefined) throw new Unpriceable("neither autoscale_configuration.min_capacity nor sku.capacity is set");
  return [{ kind: "app-gateway", sku: name, minCapacity }];
}

const HSM_KEY_TYPES = new Set(["RSA-HSM", "EC-HSM"]);

/** A vault with the HSM-protected keys declared against it (each billed per key a month). */
function mapKeyVault(resource: TerraformResource, ctx: MapContext): AzureSpec[] {
  const sku = requiredString(resource.attributes, "sku_name");
  if (sku !== "standard" && sku !== "premium") throw new Unpriceable(`sku_name should be standard or premium, found "${sku}"`);
  const hsmKeys = ctx.resources.filter(
    (key) =>
      key.type === "azurerm_key_vault_key" &&
      HSM_KEY_TYPES.has(String(key.attributes.key_type)) &&
      findRelated(ctx, key, "azurerm_key_vault", key.attributes.key_vault_id) === resource,
  ).length;
  return [{ kind: "key-vault", tier: sku, ...(hsmKeys ? { hsmKeys } : {}) }];
}

/** Software keys cost operations (priced on the vault); HSM keys are counted on their vault. */
function mapKeyVaultKey(resource: TerraformResource, ctx: MapContext): "free" {
  const type = optionalString(resource.attributes, "key_type");
  if (type === undefined || !HSM_KEY_TYPES.has(type)) return "free";
  if (findRelated(ctx, resource, "azurerm_key_vault", resource.attributes.key_vault_id)) return "free";
  throw new Unpriceable(`HSM-protected key (${type}) whose key vault is not among the resources priced; it is billed per key a month on its vault`);
}

function mapLogAnalytics(resource: TerraformResource): AzureSpec[] {
  const sku = optionalString(resource.attributes, "sku") ?? "PerGB2018";
  if (sku !== "PerGB2018") throw new Unpriceable(`sku "${sku}": only pay-as-you-go (PerGB2018) ingestion is in the rate card`);
  return [{ kind: "log-analytics" }];
}

/**
 * One time series per scope and per combination of dimension values. A value that is a reference
 * (a queue's name) is still one value; the `*` wildcard or a whole list known only at plan time
 * makes the count unknown.
 */
function mapMetricAlert(resource: TerraformResource): AzureSpec[] | "free" {
  const attrs = resource.attributes;
  if (optionalBool(attrs, "enabled") === false) return "free";
  const scopes = attrs.scopes;
  if (!Array.isArray(scopes)) {
    if (scopes === undefined || scopes === null) throw new Unpriceable("scopes is not set");
    throw new Unpriceable(`scopes is ${JSON.stringify(scopes)}; how many resources it monitors is only known at plan time`);
  }
  let series = scopes.length;
  for (const criteria of blocks(attrs, "criteria")) {
    for (const dimension of blocks(criteria, "dimension")) {
      const values = dimension.values;
      if (!Array.isArray(values) || values.some((v) => v === "*")) {
        throw new Unpriceable(
          `dimension ${JSON.stringify(dimension.name)} has values ${JSON.stringify(values)}; how many time series it monitors is only known at run time`,
        );
      }
      series *= values.length;
    }
  }
  return [{ kind: "monitor-alert", count: series }];
}

function mapPublicIp(resource: TerraformResource): AzureSpec[] {
  const sku = optionalString(resource.attributes, "sku") ?? "Standard";
  if (sku !== "Standard") throw new Unpriceable(`sku "${sku}": only Standard public IPs are in the rate card (Basic is retired)`);
  return [{ kind: "public-ip" }];
}

/** A registry, plus one more registry charge per geo-replica (Premium). */
function mapContainerRegistry(resource: TerraformResource): AzureSpec[] {
  const sku = requiredString(resource.attributes, "sku");
  if (sku !== "Basic" && sku !== "Standard" && sku !== "Premium") throw new Unpriceable(`sku should be Basic, Standard or Premium, found "${sku}"`);
  const replicas = blocks(resource.attributes, "georeplications").length;
  return Array.from({ length: 1 + replicas }, (): AzureSpec => ({ kind: "container-registry", sku }));
}

const MAPPERS: Readonly<Record<string, Mapper>> = {
  azurerm_container_app: mapContainerApp,
  azurerm_container_app_job: mapContainerAppJob,
  azurerm_container_app_environment: mapContainerAppEnvironment,
  azurerm_kubernetes_cluster: mapKubernetesCluster,
  azurerm_kubernetes_cluster_node_pool: mapKubernetesNodePool,
  azurerm_postgresql_flexible_server: mapPostgresFlexible,
  azurerm_mysql_flexible_server: mapMysqlFlexible,
  azurerm_redis_cache: mapRedisCache,
  azurerm_storage_account: mapStorageAccount,
  azurerm_servicebus_namespace: mapServiceBusNamespace,
  azurerm_cdn_frontdoor_profile: mapFrontDoorProfile,
  azurerm_cdn_frontdoor_firewall_policy: mapFrontDoorFirewallPolicy,
  azurerm_application_gateway: mapApplicationGateway,
  azurerm_key_vault: mapKeyVault,
  azurerm_key_vault_key: mapKeyVaultKey,
  azurerm_log_analytics_workspace: mapLogAnalytics,
  azurerm_monitor_metric_alert: mapMetricAlert,
  azurerm_nat_gateway: () => [{ kind: "nat-gateway" }],
  azurerm_public_ip: mapPublicIp,
  azurerm_private_endpoint: () => [{ kind: "private-endpoint" }],
  azurerm_container_registry: mapContainerRegistry,
  azurerm_private_dns_zone: () => [{ kind: "private-dns-zone" }],
  azurerm_dns_zone: () => [{ kind: "private-dns-zone" }],
};

const LITERAL_SET = /^\$\{(?:toset\()?\[((?:\s*"[^"$]*"\s*,?)*)\]\)?\}$/;

/** How many copies `count` or `for_each` makes (1 without either), as `estimateCost` counts them. */
function instanceCount(attrs: Attrs): number {
  const count = optionalNumber(attrs, "count");
  if (count !== undefined) return count;
  const forEach = attrs.for_each;
  if (forEach === undefined || forEach === null) return 1;
  const literalSet = typeof forEach === "string" ? LITERAL_SET.exec(forEach) : null;
  if (literalSet) return new Set(literalSet[1]?.match(/"[^"]*"/g) ?? []).size;
  if (isExpression(forEach)) throw new Unpriceable(`for_each is ${JSON.stringify(forEach)}; how many instances it makes is only known at plan time`);
  if (Array.isArray(forEach)) return forEach.length;
  if (typeof forEach === "object") return Object.keys(forEach).length;
  throw new Unpriceable(`for_each should be a map or set, found ${JSON.stringify(forEach)}`);
}

/**
 * Decides how to price one azurerm resource: its Azure specs, free, or unsupported and why. An
 * attribute that decides the price but is an unresolved expression makes it unsupported (naming
 * the attribute), never $0; an azurerm type without a mapping is unsupported too.
 */
export function planAzureResource(resource: TerraformResource, ctx: { resources: readonly TerraformResource[] }): AzureResourcePlan {
  const mapper = Object.hasOwn(MAPPERS, resource.type) ? MAPPERS[resource.type] : undefined;
  if (!mapper) {
    if (AZURE_FREE_TYPES.has(resource.type) || FREE_PREFIXES.some((prefix) => resource.type.startsWith(prefix))) return { kind: "free" };
    return { kind: "unsupported", reason: `no price mapping for ${resource.type}` };
  }
  try {
    const specs = mapper(resource, ctx);
    if (specs === "free") return { kind: "free" };
    return { kind: "priced", specs, instances: instanceCount(resource.attributes) };
  } catch (error) {
    if (error instanceof Unpriceable) return { kind: "unsupported", reason: error.message };
    throw error;
  }
}
