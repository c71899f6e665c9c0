import { HOURS_PER_MONTH } from "../catalogue.js";
import { fail, hourly, monthly, ok, tidyPrice, usage } from "../components/build.js";
import { priceOneSpec, type SpecPrice } from "../pricer.js";
import type { RateCard } from "../rate-card.js";
import type { PricingResult, RawComponent, UsageValues } from "../types.js";
import { getGcpRates } from "./catalogue.js";
import { type ComputeFamily, REDIS_BANDS, type RedisBand } from "./rates.js";
import { type GcpSpec, type GcpSpecKind, gcpSpecSchema } from "./specs.js";

type Spec<K extends GcpSpecKind> = Extract<GcpSpec, { kind: K }>;

const SECONDS_PER_HOUR = 3600;
/**
 * Cloud NAT bills gateway uptime per VM using it, up to 32 VMs (cloud.google.com/nat/pricing);
 * the spec does not say how many VMs, so a gateway is priced for 32: the most it costs.
 */
export const NAT_PRICED_VMS = 32;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR;

/** A rate from the card, or undefined; own keys only, so "constructor" is not a price. */
function rateOf(card: RateCard, key: string): number | undefined {
  return Object.hasOwn(card.rates, key) ? card.rates[key] : undefined;
}

/** Thrown inside this module when the card lacks a rate; turned into `{ ok: false }`. */
class MissingRate extends Error {}

function need(card: RateCard, key: string, what: string): number {
  const rate = rateOf(card, key);
  if (rate === undefined) throw new MissingRate(`${what}: rate "${key}" is not in the ${card.region} Google Cloud rate card`);
  return rate;
}

/** vCPUs and GB of memory of a Compute Engine machine type Atlas can price from per-vCPU and per-GB rates. */
export interface MachineShape {
  family: ComputeFamily;
  vcpu: number;
  memoryGb: number;
}

/**
 * Shapes from Google's machine-type tables (cloud.google.com/compute/docs/general-purpose-machines):
 * standard 4 GB per vCPU, highmem 8, highcpu 1. The shared-core E2 types are billed as a fraction
 * of a vCPU: e2-micro 0.25 vCPU + 1 GB, e2-small 0.5 + 2 GB, e2-medium 1 + 4 GB (their list prices
 * are exactly those fractions of the E2 vCPU and RAM rates).
 */
const SHARED_CORE: Readonly<Record<string, MachineShape>> = {
  "e2-micro": { family: "e2", vcpu: 0.25, memoryGb: 1 },
  "e2-small": { family: "e2", vcpu: 0.5, memoryGb: 2 },
  "e2-medium": { family: "e2", vcpu: 1, memoryGb: 4 },
};
const SIZES: Readonly<Record<ComputeFamily, Readonly<Record<string, readonly number[]>>>> = {
  e2: { standard: [2, 4, 8, 16, 32], highmem: [2, 4, 8, 16], highcpu: [2, 4, 8, 16, 32] },
  n2: { standard: [2, 4, 8, 16, 32, 48, 64, 80, 96, 128], highmem: [2, 4, 8, 16, 32, 48, 64, 80, 96, 128], highcpu: [2, 4, 8, 16, 32, 48, 64, 80, 96] },
};
const GB_PER_VCPU: Readonly<Record<string, number>> = { standard: 4, highmem: 8, highcpu: 1 };

/** The shape of `machineType`, or undefined when Atlas does not know it. */
export function machineShape(machineType: string): MachineShape | undefined {
  if (Object.hasOwn(SHARED_CORE, machineType)) return SHARED_CORE[machineType];
  const match = /^(e2|n2)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!match) return undefined;
  const family = match[1] as ComputeFamily;
  const series = match[2] ?? "";
  const vcpu = Number(match[3]);
  if (!SIZES[family][series]?.includes(vcpu)) return undefined;
  return { family, vcpu, memoryGb: vcpu * (GB_PER_VCPU[series] ?? 0) };
}

/** Enterprise Plus shapes (`db-perf-optimized-N-<vCPUs>`): 8 GB of memory per vCPU. */
const ENTERPRISE_PLUS_TIER = /^db-perf-optimized-N-(2|4|8|16|32|48|64|80|96|128)$/;

/** vCPUs and GB of RAM of a Cloud SQL tier billed per vCPU and GB (Enterprise, or Enterprise Plus), or undefined. */
export function cloudSqlShape(tier: string): { vcpu: number; memoryGb: number } | undefined {
  const plus = ENTERPRISE_PLUS_TIER.exec(tier);
  if (plus) return { vcpu: Number(plus[1]), memoryGb: Number(plus[1]) * 8 };
  // db-custom-<vCPUs>-<memory in MB>: 1 vCPU or an even number, 0.9–6.5 GB per vCPU.
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { vcpu: Number(custom[1]), memoryGb: Number(custom[2]) / 1024 };
  // Legacy predefined tiers, billed through the same vCPU and RAM SKUs.
  const legacy = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (legacy) {
    const vcpu = Number(legacy[2]);
    return { vcpu, memoryGb: vcpu * (legacy[1] === "standard" ? 3.75 : 6.5) };
  }
  return undefined;
}

/** The Memorystore capacity band of a `memoryGb` instance: M1 up to 4 GB, M2 to 10, M3 to 35, M4 to 100, M5 above. */
export function redisBand(memoryGb: number): RedisBand {
  const limits: readonly [RedisBand, number][] = [
    ["M1", 4],
    ["M2", 10],
    ["M3", 35],
    ["M4", 100],
  ];
  for (const [band, limit] of limits) if (memoryGb <= limit) return band;
  return REDIS_BANDS[4];
}

function priceCloudRun(spec: Spec<"cloud-run">, card: RateCard, values: UsageValues): RawComponent[] {
  const cpu = need(card, "cloud-run.instance.vcpu-second", "Cloud Run vCPU");
  const memory = need(card, "cloud-run.instance.gib-second", "Cloud Run memory");
  const instanceHour = tidyPrice((spec.vcpu * cpu + spec.memoryGb * memory) * SECONDS_PER_HOUR);
  return [
    monthly(`vCPU, CPU always allocated (${spec.minInstances} minimum instances)`, "vCPU-seconds", cpu, spec.minInstances * spec.vcpu * SECONDS_PER_MONTH),
    monthly(
      `Memory, CPU always allocated (${spec.minInstances} minimum instances)`,
      "GiB-seconds",
      memory,
      spec.minInstances * spec.memoryGb * SECONDS_PER_MONTH,
    ),
    usage("Instance-hours above the minimum", "instance-hours", instanceHour, values.monthly_extra_instance_hours),
  ];
}

function priceCloudRunRequestBased(spec: Spec<"cloud-run-request-based">, card: RateCard, values: UsageValues): RawComponent[] {
  const lines: RawComponent[] = [];
  if (spec.minInstances > 0) {
    const idleCpu = need(card, "cloud-run.request.min-instance.vcpu-second", "Cloud Run idle minimum instance vCPU");
    const idleMemory = need(card, "cloud-run.request.min-instance.gib-second", "Cloud Run idle minimum instance memory");
    lines.push(
      monthly(`Idle minimum instances vCPU (${spec.minInstances})`, "vCPU-seconds", idleCpu, spec.minInstances * spec.vcpu * SECONDS_PER_MONTH),
      monthly(`Idle minimum instances memory (${spec.minInstances})`, "GiB-seconds", idleMemory, spec.minInstances * spec.memoryGb * SECONDS_PER_MONTH),
    );
  }
  const cpu = need(card, "cloud-run.request.vcpu-second", "Cloud Run request-based vCPU");
  const memory = need(card, "cloud-run.request.gib-second", "Cloud Run request-based memory");
  const instanceSecond = tidyPrice(spec.vcpu * cpu + spec.memoryGb * memory);
  lines.push(
    usage("Requests", "1M requests", need(card, "cloud-run.requests.million", "Cloud Run requests"), values.monthly_requests, 1e6),
    usage("Billable instance time serving requests", "instance-seconds", instanceSecond, values.monthly_active_instance_seconds),
  );
  return lines;
}

function priceCloudRunJob(spec: Spec<"cloud-run-job">, card: RateCard): RawComponent[] {
  const cpu = need(card, "cloud-run.job.vcpu-second", "Cloud Run jobs vCPU");
  const memory = need(card, "cloud-run.job.gib-second", "Cloud Run jobs memory");
  const taskSeconds = spec.runsPerMonth * spec.tasksPerRun * spec.runMinutes * 60;
  return [monthly("Job vCPU", "vCPU-seconds", cpu, taskSeconds * spec.vcpu), monthly("Job memory", "GiB-seconds", memory, taskSeconds * spec.memoryGb)];
}

function priceComputeInstance(spec: Spec<"compute-instance">, card: RateCard): RawComponent[] {
  const shape = machineShape(spec.machineType);
  if (!shape)
    throw new MissingRate(
      `Compute Engine machine type "${spec.machineType}" is not one Atlas prices (E2 and N2 standard/highmem/highcpu, e2-micro/small/medium)`,
    );
  const spot = spec.spot ?? false;
  const prefix = `compute.${shape.family}${spot ? ".spot" : ""}`;
  const what = `Compute Engine ${spec.machineType}${spot ? " Spot" : ""}`;
  const vcpuRate = need(card, `${prefix}.vcpu-hour`, what);
  const ramRate = need(card, `${prefix}.ram-gb-hour`, what);
  const price = tidyPrice(shape.vcpu * vcpuRate + shape.memoryGb * ramRate);
  return [hourly(`${spec.machineType} (${spot ? "Spot" : "on-demand"}, ${shape.vcpu} vCPU, ${shape.memoryGb} GB)`, price, spec.count ?? 1)];
}

function priceDisk(spec: Spec<"persistent-disk">, card: RateCard): RawComponent[] {
  const rate = need(card, `compute.${spec.type}.gb-month`, `Persistent disk ${spec.type}`);
  return [monthly(`Persistent disk ${spec.type}`, "GB-months", rate, spec.sizeGb * (spec.count ?? 1))];
}

/** Compute lines of one Cloud SQL instance: zonal or regional (HA) rates. */
function cloudSqlCompute(spec: Spec<"cloud-sql">, card: RateCard, ha: boolean, label: string): RawComponent[] {
  const engine = spec.engine;
  const plus = spec.edition === "ENTERPRISE_PLUS";
  if (plus !== ENTERPRISE_PLUS_TIER.test(spec.tier))
    throw new MissingRate(`Cloud SQL tier "${spec.tier}" does not belong to the ${plus ? "Enterprise Plus" : "Enterprise"} edition`);
  const mode = `${plus ? ".plus" : ""}${ha ? ".ha" : ""}`;
  if (spec.tier === "db-f1-micro" || spec.tier === "db-g1-small") {
    return [hourly(`${label} ${spec.tier}`, need(card, `cloud-sql.${engine}${mode}.${spec.tier}.hour`, `Cloud SQL ${spec.tier}`), 1)];
  }
  const shape = cloudSqlShape(spec.tier);
  if (!shape)
    throw new MissingRate(
      `Cloud SQL tier "${spec.tier}" is not a tier Atlas prices (Enterprise: db-custom-<vCPUs>-<MB>, db-n1-standard/highmem-N, db-f1-micro, db-g1-small; Enterprise Plus: db-perf-optimized-N-<vCPUs>)`,
    );
  return [
    hourly(`${label} vCPU (${spec.tier})`, need(card, `cloud-sql.${engine}${mode}.vcpu-hour`, "Cloud SQL vCPU"), shape.vcpu, "vCPU-hours"),
    hourly(`${label} memory (${spec.tier})`, need(card, `cloud-sql.${engine}${mode}.ram-gb-hour`, "Cloud SQL memory"), shape.memoryGb, "GB-hours"),
  ];
}

function priceCloudSql(spec: Spec<"cloud-sql">, card: RateCard, values: UsageValues): RawComponent[] {
  const ha = spec.highAvailability;
  const disk = (spec.storageType ?? "SSD").toLowerCase();
  const lines = [
    ...cloudSqlCompute(spec, card, ha, ha ? "Primary, high availability" : "Primary"),
    monthly(
      `Storage ${spec.storageType ?? "SSD"}${ha ? ", high availability" : ""}`,
      "GB-months",
      need(card, `cloud-sql.${disk}${ha ? ".ha" : ""}.gb-month`, "Cloud SQL storage"),
      spec.storageGb,
    ),
  ];
  const replicas = spec.replicas ?? 0;
  if (replicas > 0) {
    // a read replica is a zonal instance of the same tier with its own copy of the storage
    for (const line of cloudSqlCompute(spec, card, false, `Read replicas (${replicas})`)) {
      lines.push({ ...line, hourlyQuantity: (line.hourlyQuantity ?? 0) * replicas, monthlyQuantity: (line.monthlyQuantity ?? 0) * replicas });
    }
    lines.push(
      monthly(`Read replica storage (${replicas})`, "GB-months", need(card, `cloud-sql.${disk}.gb-month`, "Cloud SQL storage"), spec.storageGb * replicas),
    );
  }
  lines.push(usage("Backup storage", "GB-months", need(card, "cloud-sql.backup.gb-month", "Cloud SQL backups"), values.backup_storage_gb));
  return lines;
}

function priceRedis(spec: Spec<"memorystore-redis">, card: RateCard): RawComponent[] {
  const band = redisBand(spec.memoryGb);
  const rate = need(card, `memorystore.${spec.tier}.${band}.gb-hour`, `Memorystore ${spec.tier} ${band}`);
  return [hourly(`Redis ${spec.tier} capacity (${band} band)`, rate, spec.memoryGb, "GB-hours")];
}

function priceBucket(spec: Spec<"gcs-bucket">, card: RateCard, values: UsageValues): RawComponent[] {
  const storageRate = need(card, `gcs.standard.${spec.locationType}.gb-month`, `Cloud Storage Standard ${spec.locationType}`);
  const opsLocation = spec.locationType === "region" ? "region" : "multi-region";
  const classA = need(card, `gcs.class-a.${opsLocation}.10k-operations`, "Cloud Storage Class A operations");
  const classB = need(card, `gcs.class-b.${opsLocation}.10k-operations`, "Cloud Storage Class B operations");
  const storageName = `Standard storage (${spec.locationType})`;
  return [
    spec.storageGb === undefined
      ? usage(storageName, "GB-months", storageRate, values.storage_gb)
      : monthly(storageName, "GB-months", storageRate, spec.storageGb),
    usage("Class A operations", "10k operations", classA, values.monthly_class_a_operations, 1e4),
    usage("Class B operations", "10k operations", classB, values.monthly_class_b_operations, 1e4),
  ];
}

function priceLoadBalancer(spec: Spec<"load-balancer">, card: RateCard, values: UsageValues): RawComponent[] {
  const lines = [hourly("Forwarding rules, first 5 (minimum charge)", need(card, "lb.forwarding-rules.first-5.hour", "Load balancer forwarding rules"), 1)];
  const extra = Math.max(0, spec.forwardingRules - 5);
  if (extra > 0) lines.push(hourly("Forwarding rules beyond 5", need(card, "lb.forwarding-rule.additional.hour", "Load balancer forwarding rules"), extra));
  lines.push(usage("Data processed", "GB", need(card, "lb.data-processed.gib", "Load balancer data processed"), values.monthly_data_processed_gb));
  return lines;
}

function priceArmor(spec: Spec<"cloud-armor">, card: RateCard, values: UsageValues): RawComponent[] {
  return [
    monthly("Security policy", "policy-months", need(card, "armor.policy.month", "Cloud Armor policy"), 1),
    monthly("Rules", "rule-months", need(card, "armor.rule.month", "Cloud Armor rule"), spec.rules),
    usage("Requests", "1M requests", need(card, "armor.requests.million", "Cloud Armor requests"), values.monthly_requests, 1e6),
  ];
}

/**
 * Cloud Monitoring alerting: Google announced a charge per alerting condition a month but its
 * start date could not be confirmed, so the shipped cards hold no rate; a card that has
 * `monitoring.alert-condition.month` prices it.
 */
function priceAlerts(spec: Spec<"monitoring-alert">, card: RateCard): RawComponent[] {
  if (spec.conditions === 0) return [];
  const rate = rateOf(card, "monitoring.alert-condition.month");
  if (rate === undefined) {
    throw new MissingRate(
      `Cloud Monitoring alerting conditions: Google announced a per-condition monthly charge whose start date is unconfirmed, so the ${card.region} rate card holds no rate ("monitoring.alert-condition.month")`,
    );
  }
  return [monthly("Alerting conditions", "condition-months", rate, spec.conditions)];
}

function lines(spec: GcpSpec, card: RateCard, values: UsageValues): RawComponent[] {
  switch (spec.kind) {
    case "cloud-run":
      return priceCloudRun(spec, card, values);
    case "cloud-run-request-based":
      return priceCloudRunRequestBased(spec, card, values);
    case "cloud-run-job":
      return priceCloudRunJob(spec, card);
    case "gke-cluster":
      return [hourly("Cluster management fee", need(card, "gke.cluster.hour", "GKE cluster"), spec.count ?? 1)];
    case "compute-instance":
      return priceComputeInstance(spec, card);
    case "persistent-disk":
      return priceDisk(spec, card);
    case "cloud-sql":
      return priceCloudSql(spec, card, values);
    case "memorystore-redis":
      return priceRedis(spec, card);
    case "gcs-bucket":
      return priceBucket(spec, card, values);
    case "pubsub":
      return [usage("Message throughput", "GB", need(card, "pubsub.throughput.gib", "Pub/Sub throughput"), values.monthly_throughput_gb)];
    case "load-balancer":
      return priceLoadBalancer(spec, card, values);
    case "cloud-armor":
      return priceArmor(spec, card, values);
    case "secret-manager":
      return [
        monthly("Active secret versions", "version-months", need(card, "secret-manager.version.month", "Secret Manager versions"), spec.versions),
        usage(
          "Access operations",
          "10k operations",
          need(card, "secret-manager.access.10k-operations", "Secret Manager access"),
          values.monthly_access_operations,
          1e4,
        ),
      ];
    case "cloud-logging":
      return [usage("Log ingestion", "GB", need(card, "logging.ingestion.gib", "Cloud Logging ingestion"), values.monthly_ingested_gb)];
    case "monitoring-alert":
      return priceAlerts(spec, card);
    case "static-ip":
      return [
        hourly(
          "Static IP address, reserved and not used by a forwarding rule here (free once one uses it)",
          need(card, "network.static-ip.unused.hour", "Static IP address"),
          spec.count ?? 1,
        ),
      ];
    case "artifact-registry":
      return [usage("Stored artifacts", "GB-months", need(card, "artifact-registry.storage.gb-month", "Artifact Registry storage"), values.storage_gb)];
    case "cloud-scheduler":
      return [monthly("Scheduler jobs", "job-months", need(card, "scheduler.job.month", "Cloud Scheduler jobs"), spec.jobs)];
    case "cloud-nat":
      return [
        hourly(
          `NAT gateway uptime (for ${NAT_PRICED_VMS} VMs per gateway, an upper bound)`,
          tidyPrice(NAT_PRICED_VMS * need(card, "nat.gateway.vm-hour", "Cloud NAT gateway")),
          spec.count ?? 1,
        ),
        usage("Data processed", "GB", need(card, "nat.data-processed.gib", "Cloud NAT data processed"), values.monthly_data_processed_gb),
      ];
    case "kms-key":
      return [
        monthly(
          "Active key versions (software)",
          "version-months",
          need(card, "kms.software-key-version.month", "Cloud KMS key versions"),
          spec.versions * (spec.count ?? 1),
        ),
        usage(
          "Cryptographic operations",
          "10k operations",
          need(card, "kms.operations.10k-operations", "Cloud KMS operations"),
          values.monthly_operations,
          1e4,
        ),
      ];
    case "data-transfer": {
      const rate = need(card, "egress.internet.premium.gib", "Internet egress");
      const name = "Internet egress, premium tier";
      return [spec.monthlyGb === undefined ? usage(name, "GB", rate, values.monthly_gb) : monthly(name, "GB", rate, spec.monthlyGb)];
    }
  }
}

/**
 * Full-precision cost components of one Google Cloud spec from a region's rate card: lines for
 * what runs regardless of traffic, and usage lines (quantity null without a figure) for the keys in
 * `GCP_USAGE_KEYS`. A size or rate the card does not have gives `{ ok: false, reason }`.
 *
 * Conventions: Cloud Run and Memorystore memory figures are taken as GiB; usage figures named
 * `_gb` are priced at the per-GiB catalogue rate; Cloud NAT's gateway is priced at its hourly cap
 * (the charge is per VM up to that cap); HA Cloud SQL uses the regional rates (twice zonal).
 */
export function priceGcpSpec(spec: GcpSpec, card: RateCard, values: UsageValues = {}): PricingResult {
  try {
    return ok(lines(spec, card, values));
  } catch (error) {
    if (error instanceof MissingRate) return fail(error.message);
    throw error;
  }
}

/** Price of one Google Cloud spec, rounded the same way the estimate rounds resources. */
export type GcpComponentPrice = SpecPrice<GcpSpecKind>;

/**
 * Prices a Google Cloud spec from its size alone, for the architect, before any Terraform exists.
 * @throws AtlasError `VALIDATION_FAILED` for a malformed spec or usage, a region without a card,
 *   or a size/rate the card lacks (then `details.unpricedIn` names the region)
 */
export function priceGcpComponent(spec: GcpSpec, region: string, values: UsageValues = {}): GcpComponentPrice {
  return priceOneSpec(gcpSpecSchema, "Google Cloud spec", spec, values, () => {
    const card = getGcpRates(region);
    return { region: card.region, priceVersion: card.priceVersion, price: (parsed, figures) => priceGcpSpec(parsed, card, figures) };
  });
}
