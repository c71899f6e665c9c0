import type { TerraformResource } from "../../iac/types.js";
import type { ResourcePlan as GenericResourcePlan } from "../pricer.js";
import { block, blocks, isExpression, optionalBool, optionalNumber, optionalString, requiredString, Unpriceable } from "../terraform/attributes.js";
import { modulePrefix, referencedName } from "../terraform/references.js";
import type { GcpSpec } from "./specs.js";

type Attrs = Record<string, unknown>;

/** What mappers may look at besides the resource itself. */
export interface GcpMapContext {
  /** every resource in the estimate, for references (secret versions, schedulers, forwarding rules) */
  resources: readonly TerraformResource[];
}

/** What the estimator should do with one Google Cloud resource. */
export type GcpResourcePlan = GenericResourcePlan<GcpSpec>;

type Mapper = (resource: TerraformResource, ctx: GcpMapContext) => GcpSpec[] | "free";

/**
 * Google resource types that cost nothing by themselves (network plumbing, IAM, configuration,
 * pieces whose cost is on the resource they serve). Sources: the VPC, load balancing, IAM and
 * Pub/Sub pricing pages: networks, subnets, firewall rules, routes and Cloud Router carry no charge;
 * backend services, URL maps, target proxies, health checks and Google-managed certificates are
 * covered by the forwarding-rule charge; subscriptions bill their throughput on the topic here.
 */
const FREE_TYPES: ReadonlySet<string> = new Set([
  "google_project",
  "google_project_service",
  "google_project_services",
  "google_project_iam_custom_role",
  "google_compute_network",
  "google_compute_subnetwork",
  "google_compute_firewall",
  "google_compute_route",
  "google_compute_router",
  "google_compute_router_interface",
  "google_compute_router_peer",
  "google_compute_shared_vpc_host_project",
  "google_compute_shared_vpc_service_project",
  "google_compute_network_peering",
  "google_service_networking_connection",
  "google_service_account",
  "google_service_account_key",
  "google_compute_backend_service",
  "google_compute_region_backend_service",
  "google_compute_backend_bucket",
  "google_compute_url_map",
  "google_compute_region_url_map",
  "google_compute_target_http_proxy",
  "google_compute_target_https_proxy",
  "google_compute_region_target_http_proxy",
  "google_compute_region_target_https_proxy",
  "google_compute_target_ssl_proxy",
  "google_compute_target_tcp_proxy",
  "google_compute_health_check",
  "google_compute_region_health_check",
  "google_compute_managed_ssl_certificate",
  "google_compute_ssl_certificate",
  "google_compute_ssl_policy",
  "google_compute_region_network_endpoint_group",
  "google_compute_global_network_endpoint_group",
  "google_pubsub_subscription",
  "google_sql_database",
  "google_sql_user",
  "google_sql_ssl_cert",
  // a secret version is billed on its secret (see mapSecret), a sink on its destination
  "google_secret_manager_secret_version",
  "google_logging_project_sink",
  "google_monitoring_notification_channel",
  "google_storage_bucket_object",
  "google_project_service_identity",
  "google_kms_key_ring",
]);

/** IAM members, bindings and policies on any resource: free. */
const IAM_TYPE = /_iam_(?:member|binding|policy|audit_config)$/;

/** Utility providers' resources (random, time, tls, null, terraform_data): nothing runs in the cloud. */
const UTILITY_TYPE = /^(?:random_|time_|tls_|null_resource$|terraform_data$)/;

/** True for a Google resource type (or a utility provider's) that costs nothing by itself. */
export function isFreeGcpType(type: string): boolean {
  return FREE_TYPES.has(type) || (type.startsWith("google_") && IAM_TYPE.test(type)) || UTILITY_TYPE.test(type);
}

// ---------------------------------------------------------------------------------------------
// Readers

/** A Kubernetes-style CPU quantity ("1", "2", "1000m") in vCPUs. */
export function parseCpu(value: string, key: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!match) throw new Unpriceable(`${key} should be a CPU quantity such as "1" or "500m", found ${JSON.stringify(value)}`);
  const amount = Number(match[1]);
  return match[2] === "m" ? amount / 1000 : amount;
}

const MEMORY_FACTORS_GIB: Readonly<Record<string, number>> = {
  Gi: 1,
  Mi: 1 / 1024,
  Ki: 1 / 1024 ** 2,
  G: 1e9 / 1024 ** 3,
  M: 1e6 / 1024 ** 3,
  k: 1e3 / 1024 ** 3,
  "": 1 / 1024 ** 3,
};

/** A Kubernetes-style memory quantity ("512Mi", "2Gi", "1G") in GiB. */
export function parseMemoryGib(value: string, key: string): number {
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(value.trim());
  const factor = match ? MEMORY_FACTORS_GIB[match[2] ?? ""] : undefined;
  if (!match || factor === undefined) throw new Unpriceable(`${key} should be a memory quantity such as "512Mi" or "2Gi", found ${JSON.stringify(value)}`);
  return Number(match[1]) * factor;
}

/** A literal value from a map attribute (`limits = { cpu = "1" }`), or undefined. */
function mapString(map: unknown, key: string, path: string): string | undefined {
  if (map === undefined || map === null) return undefined;
  if (isExpression(map)) throw new Unpriceable(`${path} is ${JSON.stringify(map)}, not a literal value; it is only known at plan time`);
  if (typeof map !== "object" || Array.isArray(map)) throw new Unpriceable(`${path} should be a map, found ${JSON.stringify(map)}`);
  return optionalString(map as Attrs, key);
}

/** Wraps a reader so its reason names the full attribute path. */
function at<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Unpriceable) throw new Unpriceable(`${path}: ${error.message}`);
    throw error;
  }
}

/** Resources of `type` in the same module as `from`. */
function sameModule(ctx: GcpMapContext, from: TerraformResource, type: string): TerraformResource[] {
  const prefix = modulePrefix(from);
  return ctx.resources.filter((candidate) => candidate.type === type && modulePrefix(candidate) === prefix);
}

// ---------------------------------------------------------------------------------------------
// Cloud Run

/** Summed CPU and memory limits of a Cloud Run template's containers (defaults 1 vCPU, 512 MiB each). */
function containerLimits(template: Attrs, path: string): { vcpu: number; memoryGb: number; cpuIdle: boolean | undefined } {
  const containers = blocks(template, "containers");
  if (isExpression(template.containers))
    throw new Unpriceable(`${path}.containers is ${JSON.stringify(template.containers)}; its limits are only known at plan time`);
  let vcpu = 0;
  let memoryGb = 0;
  let cpuIdle: boolean | undefined;
  const list = containers.length ? containers : [{}];
  list.forEach((container, index) => {
    const resources = block(container, "resources") ?? {};
    const where = `${path}.containers[${index}].resources`;
    const cpu = at(where, () => mapString(resources.limits, "cpu", "limits")) ?? "1";
    const memory = at(where, () => mapString(resources.limits, "memory", "limits")) ?? "512Mi";
    vcpu += parseCpu(cpu, `${where}.limits.cpu`);
    memoryGb += parseMemoryGib(memory, `${where}.limits.memory`);
    const idle = at(where, () => optionalBool(resources, "cpu_idle"));
    if (idle !== undefined) cpuIdle = idle;
  });
  return { vcpu, memoryGb, cpuIdle };
}

/**
 * `google_cloud_run_v2_service`: with `cpu_idle = false` CPU is always allocated (instance-based
 * billing, the minimum instances run all month); otherwise (the default) request-based billing,
 * where minimum instances idle at the idle rate and requests and serving time are usage.
 */
function mapCloudRunService(resource: TerraformResource): GcpSpec[] {
  const template = block(resource.attributes, "template") ?? {};
  const limits = containerLimits(template, "template");
  const scaling = block(template, "scaling") ?? block(resource.attributes, "scaling") ?? {};
  const minInstances = at("scaling", () => optionalNumber(scaling, "min_instance_count")) ?? 0;
  if (limits.cpuIdle === false) return [{ kind: "cloud-run", vcpu: limits.vcpu, memoryGb: limits.memoryGb, minInstances }];
  return [{ kind: "cloud-run-request-based", vcpu: limits.vcpu, memoryGb: limits.memoryGb, minInstances }];
}

/**
 * How many values a cron field takes between `min` and `max`: `*`, `*\/N`, `a`, `a-b`, `a-b/N`
 * and comma lists of those; undefined for anything else (names such as MON, `L`, `?`).
 */
function cronFieldCount(field: string, min: number, max: number, fold?: (value: number) => number): number | undefined {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = match[1] === "*" ? min : Number(match[2]);
    const to = match[1] === "*" ? max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return undefined;
    for (let value = from; value <= to; value += step) values.add(fold ? fold(value) : value);
  }
  return values.size;
}

/**
 * Runs a month of a cron schedule (minute hour day-of-month month day-of-week) over a 730-hour
 * month, or undefined when Atlas does not count it: the day-of-month and month fields must be `*`.
 */
export function cronRunsPerMonth(schedule: string): number | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute = "", hour = "", dayOfMonth, month, dayOfWeek = ""] = fields;
  if (dayOfMonth !== "*" || month !== "*") return undefined;
  const minutes = cronFieldCount(minute, 0, 59);
  const hours = cronFieldCount(hour, 0, 23);
  // 0 and 7 are both Sunday
  const weekdays = cronFieldCount(dayOfWeek, 0, 7, (value) => value % 7);
  if (minutes === undefined || hours === undefined || weekdays === undefined) return undefined;
  const daysPerMonth = (730 / 24) * (weekdays / 7);
  return daysPerMonth * hours * minutes;
}

/** Seconds of a duration written "600s" / "3.5s". */
function parseSeconds(value: string, key: string): number {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  if (!match) throw new Unpriceable(`${key} should be a duration such as "600s", found ${JSON.stringify(value)}`);
  return Number(match[1]);
}

/**
 * `google_cloud_run_v2_job`: Terraform says neither how often a job runs nor for how long. Atlas
 * prices it only when a Cloud Scheduler job in the same module targets it (its URI references the
 * job) on a cron schedule it can count, and then at the task timeout (`timeout`, default 600s): an
 * upper bound on each run's time. Otherwise it is unsupported, never $0.
 */
function mapCloudRunJob(resource: TerraformResource, ctx: GcpMapContext): GcpSpec[] {
  const outer = block(resource.attributes, "template") ?? {};
  const tasksPerRun = at("template", () => optionalNumber(outer, "task_count")) ?? 1;
  const inner = block(outer, "template") ?? {};
  const limits = containerLimits(inner, "template.template");
  const timeout = at("template.template", () => optionalString(inner, "timeout")) ?? "600s";
  const runMinutes = parseSeconds(timeout, "template.template.timeout") / 60;
  const scheduler = sameModule(ctx, resource, "google_cloud_scheduler_job").find((job) => {
    const target = block(job.attributes, "http_target");
    return target !== undefined && referencedName(target.uri, "google_cloud_run_v2_job") === resource.name;
  });
  if (!scheduler) {
    throw new Unpriceable(
      "how often this Cloud Run job runs is not in the Terraform (no Cloud Scheduler job in the module targets it); price it from a cloud-run-job spec",
    );
  }
  const schedule = requiredString(scheduler.attributes, "schedule");
  const runsPerMonth = cronRunsPerMonth(schedule);
  if (runsPerMonth === undefined) throw new Unpriceable(`the schedule "${schedule}" of ${scheduler.address} is not a cron pattern Atlas counts runs for`);
  return [{ kind: "cloud-run-job", vcpu: limits.vcpu, memoryGb: limits.memoryGb, tasksPerRun, runsPerMonth, runMinutes }];
}

// ---------------------------------------------------------------------------------------------
// GKE and Compute Engine

const REGION_PATTERN = /^[a-z]+-[a-z]+\d+$/;
const ZONE_PATTERN = /^[a-z]+-[a-z]+\d+-[a-z]$/;
/** GKE places a regional cluster's node pools in three of the region's zones unless told otherwise. */
const DEFAULT_REGIONAL_ZONES = 3;

function literalList(attrs: Attrs, key: string): string[] | undefined {
  const value = attrs[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) throw new Unpriceable(`${key} is ${JSON.stringify(value)}, not a literal value; it is only known at plan time`);
  if (!Array.isArray(value)) throw new Unpriceable(`${key} should be a list, found ${JSON.stringify(value)}`);
  return value.map(String);
}

/**
 * How many zones a node pool's per-zone node count applies to: its own `node_locations`, else
 * the cluster's, else 1 for a zonal cluster and 3 for a regional one (GKE's default).
 */
function zoneCount(pool: Attrs | undefined, cluster: Attrs | undefined, where: string): number {
  const own = pool ? literalList(pool, "node_locations") : undefined;
  if (own?.length) return own.length;
  const clusterZones = cluster ? literalList(cluster, "node_locations") : undefined;
  if (clusterZones?.length) {
    // the cluster's node_locations are its zones besides the one in `location` for a zonal cluster
    const location = cluster ? optionalString(cluster, "location") : undefined;
    return location && ZONE_PATTERN.test(location) && !clusterZones.includes(location) ? clusterZones.length + 1 : clusterZones.length;
  }
  const location = cluster ? optionalString(cluster, "location") : undefined;
  if (location === undefined) throw new Unpriceable(`${where}: the cluster's location is not known, so neither is the number of zones its nodes run in`);
  if (ZONE_PATTERN.test(location)) return 1;
  if (REGION_PATTERN.test(location)) return DEFAULT_REGIONAL_ZONES;
  throw new Unpriceable(`${where}: cluster location "${location}" is neither a region nor a zone`);
}

/** Machine, Spot and boot disk of a `node_config` block (GKE defaults e2-medium, 100 GB pd-balanced). */
function nodeSpecs(nodeConfig: Attrs, nodes: number): GcpSpec[] {
  const machineType = at("node_config", () => optionalString(nodeConfig, "machine_type")) ?? "e2-medium";
  const spot =
    (at("node_config", () => optionalBool(nodeConfig, "spot")) ?? false) || (at("node_config", () => optionalBool(nodeConfig, "preemptible")) ?? false);
  const sizeGb = at("node_config", () => optionalNumber(nodeConfig, "disk_size_gb")) ?? 100;
  const diskType = at("node_config", () => optionalString(nodeConfig, "disk_type")) ?? "pd-balanced";
  if (diskType !== "pd-standard" && diskType !== "pd-balanced" && diskType !== "pd-ssd") {
    throw new Unpriceable(`node_config.disk_type "${diskType}" is not a persistent disk type Atlas prices`);
  }
  return [
    { kind: "compute-instance", machineType, count: nodes, spot },
    { kind: "persistent-disk", type: diskType, sizeGb, count: nodes },
  ];
}

/** The cluster a node pool belongs to: by reference in `cluster`, else the only one in the module. */
function poolCluster(resource: TerraformResource, ctx: GcpMapContext): TerraformResource | undefined {
  const clusters = sameModule(ctx, resource, "google_container_cluster");
  const name = referencedName(resource.attributes.cluster, "google_container_cluster");
  if (name !== undefined) return clusters.find((candidate) => candidate.name === name);
  return clusters.length === 1 ? clusters[0] : undefined;
}

/**
 * `google_container_cluster`: the management fee (the free-tier credit for one zonal or Autopilot
 * cluster is not deducted), plus the default node pool unless `remove_default_node_pool` or
 * Autopilot: `initial_node_count` (default 1) nodes per zone. Autopilot pod charges depend on the
 * workloads and are not estimated.
 */
function mapCluster(resource: TerraformResource): GcpSpec[] {
  const attrs = resource.attributes;
  const specs: GcpSpec[] = [{ kind: "gke-cluster" }];
  const autopilot = optionalBool(attrs, "enable_autopilot") ?? false;
  const removeDefault = optionalBool(attrs, "remove_default_node_pool") ?? false;
  if (autopilot || removeDefault) return specs;
  const perZone = optionalNumber(attrs, "initial_node_count") ?? 1;
  const nodes = perZone * zoneCount(undefined, attrs, "default node pool");
  return [...specs, ...nodeSpecs(block(attrs, "node_config") ?? {}, nodes)];
}

/**
 * `google_container_node_pool`: `node_count`, else the autoscaling minimum (`min_node_count` per
 * zone, or `total_min_node_count` for the whole pool), else `initial_node_count`, else 1; a
 * per-zone count is multiplied by the zones the pool runs in (see `zoneCount`).
 */
function mapNodePool(resource: TerraformResource, ctx: GcpMapContext): GcpSpec[] {
  const attrs = resource.attributes;
  const autoscaling = block(attrs, "autoscaling");
  const total = autoscaling ? at("autoscaling", () => optionalNumber(autoscaling, "total_min_node_count")) : undefined;
  let nodes: number;
  if (total !== undefined) {
    nodes = total;
  } else {
    const perZone =
      optionalNumber(attrs, "node_count") ??
      (autoscaling ? at("autoscaling", () => optionalNumber(autoscaling, "min_node_count")) : undefined) ??
      optionalNumber(attrs, "initial_node_count") ??
      1;
    const cluster = poolCluster(resource, ctx);
    const ownZones = literalList(attrs, "node_locations");
    if (!ownZones?.length && !cluster) {
      const location = optionalString(attrs, "location");
      if (location && ZONE_PATTERN.test(location)) nodes = perZone;
      else if (location && REGION_PATTERN.test(location)) nodes = perZone * DEFAULT_REGIONAL_ZONES;
      else throw new Unpriceable("the node pool's cluster is not in this Terraform, so the number of zones its nodes run in is unknown");
    } else {
      nodes = perZone * zoneCount(attrs, cluster?.attributes, resource.address);
    }
  }
  return nodeSpecs(block(attrs, "node_config") ?? {}, nodes);
}

/** `google_compute_instance`: machine type (on-demand or Spot) and boot disk (default 10 GB pd-standard). */
function mapComputeInstance(resource: TerraformResource): GcpSpec[] {
  const attrs = resource.attributes;
  const machineType = requiredString(attrs, "machine_type");
  const scheduling = block(attrs, "scheduling") ?? {};
  const model = at("scheduling", () => optionalString(scheduling, "provisioning_model"));
  const spot = model === "SPOT" || (at("scheduling", () => optionalBool(scheduling, "preemptible")) ?? false);
  const params = block(block(attrs, "boot_disk") ?? {}, "initialize_params") ?? {};
  const sizeGb = at("boot_disk.initialize_params", () => optionalNumber(params, "size")) ?? 10;
  const type = at("boot_disk.initialize_params", () => optionalString(params, "type")) ?? "pd-standard";
  if (type !== "pd-standard" && type !== "pd-balanced" && type !== "pd-ssd")
    throw new Unpriceable(`boot disk type "${type}" is not a persistent disk type Atlas prices`);
  return [
    { kind: "compute-instance", machineType, spot },
    { kind: "persistent-disk", type, sizeGb },
  ];
}

// ---------------------------------------------------------------------------------------------
// Data

/** `google_sql_database_instance`: tier, HA (`availability_type = "REGIONAL"`), disk (default 10 GB PD_SSD). */
function mapSqlInstance(resource: TerraformResource): GcpSpec[] {
  const attrs = resource.attributes;
  const version = requiredString(attrs, "database_version");
  const engine = version.startsWith("POSTGRES") ? "postgres" : version.startsWith("MYSQL") ? "mysql" : undefined;
  if (!engine) throw new Unpriceable(`database_version ${version} is not priced (PostgreSQL and MySQL only; SQL Server adds licence charges)`);
  const settings = block(attrs, "settings");
  if (!settings) throw new Unpriceable("settings is not set");
  const edition = at("settings", () => optionalString(settings, "edition")) ?? "ENTERPRISE";
  if (edition !== "ENTERPRISE" && edition !== "ENTERPRISE_PLUS") throw new Unpriceable(`settings.edition ${edition} is not a Cloud SQL edition Atlas prices`);
  const tier = at("settings", () => requiredString(settings, "tier"));
  const availability = at("settings", () => optionalString(settings, "availability_type")) ?? "ZONAL";
  const storageGb = at("settings", () => optionalNumber(settings, "disk_size")) ?? 10;
  const diskType = at("settings", () => optionalString(settings, "disk_type")) ?? "PD_SSD";
  if (diskType !== "PD_SSD" && diskType !== "PD_HDD") throw new Unpriceable(`settings.disk_type ${diskType} is not priced`);
  return [
    {
      kind: "cloud-sql",
      engine,
      tier,
      highAvailability: availability === "REGIONAL",
      storageGb,
      storageType: diskType === "PD_HDD" ? "HDD" : "SSD",
      ...(edition === "ENTERPRISE_PLUS" ? { edition } : {}),
    },
  ];
}

/** `google_redis_instance`: tier (default BASIC) and `memory_size_gb`. */
function mapRedis(resource: TerraformResource): GcpSpec[] {
  const tier = optionalString(resource.attributes, "tier") ?? "BASIC";
  if (tier !== "BASIC" && tier !== "STANDARD_HA") throw new Unpriceable(`tier ${tier} is not a Memorystore for Redis tier`);
  const memoryGb = optionalNumber(resource.attributes, "memory_size_gb");
  if (memoryGb === undefined || memoryGb <= 0) throw new Unpriceable("memory_size_gb is not set");
  return [{ kind: "memorystore-redis", tier, memoryGb }];
}

/** Multi-regions and predefined dual-regions of Cloud Storage (cloud.google.com/storage/docs/locations). */
const GCS_MULTI_REGIONS: ReadonlySet<string> = new Set(["US", "EU", "ASIA"]);
const GCS_DUAL_REGIONS: ReadonlySet<string> = new Set(["NAM4", "EUR4", "EUR5", "EUR7", "EUR8", "ASIA1"]);

/** `google_storage_bucket` (Standard class): the location decides regional, dual- or multi-region rates. */
function mapBucket(resource: TerraformResource): GcpSpec[] {
  const attrs = resource.attributes;
  const storageClass = (optionalString(attrs, "storage_class") ?? "STANDARD").toUpperCase();
  if (storageClass !== "STANDARD") throw new Unpriceable(`storage_class ${storageClass} is not priced (Standard only)`);
  const location = requiredString(attrs, "location").toUpperCase();
  const custom = block(attrs, "custom_placement_config");
  const locationType = GCS_MULTI_REGIONS.has(location) ? (custom ? "dual-region" : "multi-region") : GCS_DUAL_REGIONS.has(location) ? "dual-region" : "region";
  return [{ kind: "gcs-bucket", locationType }];
}

// ---------------------------------------------------------------------------------------------
// Network and operations

const FORWARDING_RULE_TYPES = ["google_compute_global_forwarding_rule", "google_compute_forwarding_rule"] as const;

/**
 * Forwarding rules: one hourly charge covers the first five rules (of a project, per region or
 * globally) and each further rule adds to it. So the rules of one scope are priced together on the
 * first by address (with the total count); the others show as free, their cost being on it.
 */
function mapForwardingRule(resource: TerraformResource, ctx: GcpMapContext): GcpSpec[] | "free" {
  const peers = ctx.resources.filter((candidate) => candidate.type === resource.type);
  const first = [...peers].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))[0];
  if (first && first.address !== resource.address) return "free";
  // `count` / `for_each` copies are counted here, so the plan does not multiply again (see planGcpResource)
  const rules = peers.reduce((sum, peer) => sum + instanceCount(peer.attributes), 0);
  return [{ kind: "load-balancer", forwardingRules: Math.max(1, rules) }];
}

/** `google_compute_security_policy`: one policy and its rules (at least the default rule). */
function mapSecurityPolicy(resource: TerraformResource): GcpSpec[] {
  if (isExpression(resource.attributes.rule))
    throw new Unpriceable(`rule is ${JSON.stringify(resource.attributes.rule)}; how many rules the policy has is only known at plan time`);
  if (resource.notes?.some((note) => note.includes("rule"))) throw new Unpriceable(`how many rules the policy has is not known: ${resource.notes.join("; ")}`);
  return [{ kind: "cloud-armor", rules: Math.max(1, blocks(resource.attributes, "rule").length) }];
}

/**
 * `google_secret_manager_secret`: its active versions (the `google_secret_manager_secret_version`
 * resources of the module that reference it, at least one) times its replica locations
 * (user-managed replicas; automatic replication bills as one).
 */
function mapSecret(resource: TerraformResource, ctx: GcpMapContext): GcpSpec[] {
  const versions = sameModule(ctx, resource, "google_secret_manager_secret_version").filter(
    (version) => referencedName(version.attributes.secret, "google_secret_manager_secret") === resource.name,
  ).length;
  const userManaged = block(block(resource.attributes, "replication") ?? {}, "user_managed");
  const locations = userManaged ? Math.max(1, blocks(userManaged, "replicas").length) : 1;
  // a secret with no version in the Terraform gets its value out of band: counted as one version
  return [{ kind: "secret-manager", versions: Math.max(1, versions) * locations }];
}

/**
 * `google_kms_crypto_key`: one active software key version. Rotation (`rotation_period`) adds a
 * version each period and old versions stay billed until destroyed, so the figure is a floor that
 * grows with the key's age; HSM and external keys are priced differently and not estimated.
 */
function mapKmsKey(resource: TerraformResource): GcpSpec[] {
  const template = block(resource.attributes, "version_template") ?? {};
  const protection = at("version_template", () => optionalString(template, "protection_level")) ?? "SOFTWARE";
  if (protection !== "SOFTWARE") throw new Unpriceable(`version_template.protection_level ${protection} is not priced (software keys only)`);
  const purpose = optionalString(resource.attributes, "purpose") ?? "ENCRYPT_DECRYPT";
  if (purpose !== "ENCRYPT_DECRYPT") throw new Unpriceable(`purpose ${purpose} is not priced (symmetric encryption keys only)`);
  return [{ kind: "kms-key", versions: 1 }];
}

/** `google_monitoring_alert_policy`: its conditions. */
function mapAlertPolicy(resource: TerraformResource): GcpSpec[] {
  if (isExpression(resource.attributes.conditions)) throw new Unpriceable("conditions is only known at plan time");
  return [{ kind: "monitoring-alert", conditions: blocks(resource.attributes, "conditions").length }];
}

/** Global or regional external IP: free while a forwarding rule uses it or when reserved for VPC peering. */
function mapAddress(resource: TerraformResource, ctx: GcpMapContext): GcpSpec[] | "free" {
  const purpose = optionalString(resource.attributes, "purpose");
  if (purpose === "VPC_PEERING" || purpose === "PRIVATE_SERVICE_CONNECT") return "free";
  const usedByRule = ctx.resources.some(
    (candidate) =>
      (FORWARDING_RULE_TYPES as readonly string[]).includes(candidate.type) &&
      modulePrefix(candidate) === modulePrefix(resource) &&
      referencedName(candidate.attributes.ip_address, resource.type) === resource.name,
  );
  if (usedByRule) return "free";
  // a GKE Ingress (outside the Terraform) may use it, which makes it free: priced as unused, an upper bound
  return [{ kind: "static-ip" }];
}

const MAPPERS: Readonly<Record<string, Mapper>> = {
  google_cloud_run_v2_service: mapCloudRunService,
  google_cloud_run_v2_job: mapCloudRunJob,
  google_container_cluster: mapCluster,
  google_container_node_pool: mapNodePool,
  google_compute_instance: mapComputeInstance,
  google_sql_database_instance: mapSqlInstance,
  google_redis_instance: mapRedis,
  google_storage_bucket: mapBucket,
  google_compute_global_forwarding_rule: mapForwardingRule,
  google_compute_forwarding_rule: mapForwardingRule,
  google_compute_security_policy: mapSecurityPolicy,
  google_secret_manager_secret: mapSecret,
  google_monitoring_alert_policy: mapAlertPolicy,
  google_kms_crypto_key: mapKmsKey,
  google_compute_global_address: mapAddress,
  google_compute_address: mapAddress,
};

/** Types whose whole cost is one spec that no attribute changes. */
const FIXED_SPECS: Readonly<Record<string, GcpSpec>> = {
  google_cloud_scheduler_job: { kind: "cloud-scheduler", jobs: 1 },
  google_pubsub_topic: { kind: "pubsub" },
  google_logging_project_bucket_config: { kind: "cloud-logging" },
  google_artifact_registry_repository: { kind: "artifact-registry" },
  google_compute_router_nat: { kind: "cloud-nat" },
};

const LITERAL_SET = /^\$\{(?:toset\()?\[((?:\s*"[^"$]*"\s*,?)*)\]\)?\}$/;

/** How many copies `count` or `for_each` makes (1 without either). */
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
 * Decides how to price a Google Cloud Terraform resource: its specs, free, or unsupported and why.
 * An attribute pricing needs that is an unresolved expression makes it unsupported, naming it.
 */
export function planGcpResource(resource: TerraformResource, ctx: GcpMapContext): GcpResourcePlan {
  const mapper = Object.hasOwn(MAPPERS, resource.type) ? MAPPERS[resource.type] : undefined;
  const fixed = Object.hasOwn(FIXED_SPECS, resource.type) ? FIXED_SPECS[resource.type] : undefined;
  if (!mapper && !fixed) {
    if (isFreeGcpType(resource.type)) return { kind: "free" };
    return { kind: "unsupported", reason: `no price mapping for ${resource.type}` };
  }
  try {
    const specs = mapper ? mapper(resource, ctx) : fixed ? [fixed] : [];
    if (specs === "free") return { kind: "free" };
    const instances = (FORWARDING_RULE_TYPES as readonly string[]).includes(resource.type) ? 1 : instanceCount(resource.attributes);
    return { kind: "priced", specs, instances };
  } catch (error) {
    if (error instanceof Unpriceable) return { kind: "unsupported", reason: error.message };
    throw error;
  }
}
