import { HOURS_PER_MONTH } from "../catalogue.js";
import { priceOneSpec, type SpecPrice } from "../pricer.js";
import type { RateCard } from "../rate-card.js";
import type { PricingResult, RawComponent, UsageValues } from "../types.js";
import { getAzureRates } from "./catalogue.js";
import { flexibleComputeKey, MANAGED_DISK_TIERS, managedDiskKey, redisKey, storageKey, vmKey } from "./rates.js";
import { type AzureSpec, type AzureSpecKind, azureSpecSchema } from "./specs.js";

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Registries are billed per day; a 730-hour month has 730 / 24 of them. */
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Thrown inside this module when the card has no rate for a key; turned into `{ ok: false }`. */
class MissingRate extends Error {}

/** Reads rates from one card; a missing key stops pricing with a reason naming what is missing. */
function rateReader(card: RateCard) {
  return (key: string, what: string): number => {
    const value = Object.hasOwn(card.rates, key) ? card.rates[key] : undefined;
    if (value === undefined) throw new MissingRate(`${what} has no rate in the Azure ${card.region} card (${card.priceVersion}, key ${key})`);
    return value;
  };
}

/** A monthly usage figure, or null when none was given (the line then has no cost). */
function usageFigure(usage: UsageValues, key: string): number | null {
  const value = usage[key];
  return value === undefined ? null : value;
}

function hourly(name: string, price: number, running: number): RawComponent {
  return { name, unit: "hours", hourlyQuantity: running, monthlyQuantity: running * HOURS_PER_MONTH, price, usageBased: false };
}

function fixed(name: string, unit: string, quantity: number, price: number): RawComponent {
  return { name, unit, monthlyQuantity: quantity, price, usageBased: false };
}

function usageLine(name: string, unit: string, quantity: number | null, price: number): RawComponent {
  return { name, unit, monthlyQuantity: quantity, price, usageBased: true };
}

/** Usage figure divided into the unit the price is quoted in (e.g. operations → 10k operations). */
function scaled(figure: number | null, per: number): number | null {
  return figure === null ? null : figure / per;
}

type Rate = ReturnType<typeof rateReader>;
type SpecOf<K extends AzureSpecKind> = Extract<AzureSpec, { kind: K }>;

function containerApp(spec: SpecOf<"container-app">, rate: Rate, usage: UsageValues): RawComponent[] {
  const vcpuPrice = rate("container-apps.vcpu-second", "Container Apps vCPU");
  const memoryPrice = rate("container-apps.gib-second", "Container Apps memory");
  const requestPrice = rate("container-apps.million-requests", "Container Apps requests");
  return [
    fixed(
      `vCPU (${spec.replicas} always-on replica${spec.replicas === 1 ? "" : "s"} × ${spec.vcpu} vCPU)`,
      "vCPU-seconds",
      spec.vcpu * spec.replicas * SECONDS_PER_MONTH,
      vcpuPrice,
    ),
    fixed(
      `Memory (${spec.replicas} always-on replica${spec.replicas === 1 ? "" : "s"} × ${spec.memoryGb} GiB)`,
      "GiB-seconds",
      spec.memoryGb * spec.replicas * SECONDS_PER_MONTH,
      memoryPrice,
    ),
    usageLine("Requests", "1M requests", scaled(usageFigure(usage, "monthly_requests"), 1e6), requestPrice),
    // One replica-hour of this app's size at the active rates.
    usageLine(
      "Extra replicas at peak",
      "replica-hours",
      usageFigure(usage, "monthly_extra_replica_hours"),
      Number(((spec.vcpu * vcpuPrice + spec.memoryGb * memoryPrice) * 3600).toPrecision(12)),
    ),
  ];
}

function containerAppJob(spec: SpecOf<"container-app-job">, rate: Rate): RawComponent[] {
  const seconds = spec.replicasPerRun * spec.runsPerMonth * spec.runMinutes * 60;
  return [
    fixed(
      `Job vCPU (${spec.runsPerMonth} runs × ${spec.replicasPerRun} replica × ${spec.runMinutes} min × ${spec.vcpu} vCPU)`,
      "vCPU-seconds",
      spec.vcpu * seconds,
      rate("container-apps.vcpu-second", "Container Apps vCPU"),
    ),
    fixed(`Job memory (${spec.memoryGb} GiB)`, "GiB-seconds", spec.memoryGb * seconds, rate("container-apps.gib-second", "Container Apps memory")),
  ];
}

function flexibleServer(spec: SpecOf<"postgres-flexible" | "mysql-flexible">, rate: Rate, usage: UsageValues): RawComponent[] {
  const label = spec.kind === "postgres-flexible" ? "PostgreSQL" : "MySQL";
  // A high-availability standby is a second server; each read replica is another copy of both.
  const servers = (spec.highAvailability === "none" ? 1 : 2) * (1 + (spec.replicas ?? 0));
  const haNote = spec.highAvailability === "none" ? "" : `, HA ${spec.highAvailability}`;
  return [
    hourly(`${label} compute (${spec.sku}${haNote})`, rate(flexibleComputeKey(spec.kind, spec.sku), `${label} flexible server size ${spec.sku}`), servers),
    fixed(
      `Storage (${spec.storageGb} GB × ${servers})`,
      "GB-months",
      spec.storageGb * servers,
      rate(`${spec.kind}.storage.gb-month`, `${label} flexible server storage`),
    ),
    usageLine(
      "Backup storage beyond the free allowance",
      "GB-months",
      usageFigure(usage, "backup_storage_gb"),
      rate(`${spec.kind}.backup.gb-month`, `${label} backup storage`),
    ),
  ];
}

function redis(spec: SpecOf<"redis">, rate: Rate): RawComponent[] {
  const shards = spec.shards ?? 1;
  if (spec.sku !== "Premium" && shards > 1) throw new MissingRate(`Redis ${spec.sku} has no clustering; shards (${shards}) need the Premium SKU`);
  const size = `${spec.sku === "Premium" ? "P" : "C"}${spec.capacity}`;
  return [
    hourly(`Redis ${spec.sku} ${size}${shards > 1 ? ` × ${shards} shards` : ""}`, rate(redisKey(spec.sku, spec.capacity), `Redis ${spec.sku} ${size}`), shards),
  ];
}

function storageAccount(spec: SpecOf<"storage-account">, rate: Rate, usage: UsageValues): RawComponent[] {
  const stored = rate(storageKey(spec.replication, "gb-month"), `Blob storage hot ${spec.replication}`);
  const storedLine =
    spec.storageGb === undefined
      ? usageLine(`Hot ${spec.replication} data stored`, "GB-months", usageFigure(usage, "storage_gb"), stored)
      : fixed(`Hot ${spec.replication} data stored`, "GB-months", spec.storageGb, stored);
  return [
    storedLine,
    usageLine(
      "Write operations",
      "10k operations",
      scaled(usageFigure(usage, "monthly_write_operations"), 1e4),
      rate(storageKey(spec.replication, "write-10k"), `Blob storage ${spec.replication} writes`),
    ),
    usageLine(
      "Read operations",
      "10k operations",
      scaled(usageFigure(usage, "monthly_read_operations"), 1e4),
      rate(storageKey(spec.replication, "read-10k"), `Blob storage ${spec.replication} reads`),
    ),
  ];
}

function serviceBus(spec: SpecOf<"service-bus">, rate: Rate, usage: UsageValues): RawComponent[] {
  const operations = scaled(usageFigure(usage, "monthly_operations"), 1e6);
  if (spec.tier === "Basic")
    return [usageLine("Messaging operations", "1M operations", operations, rate("service-bus.Basic.million-operations", "Service Bus Basic operations"))];
  if (spec.tier === "Standard") {
    return [
      hourly("Service Bus Standard base charge", rate("service-bus.Standard.hour", "Service Bus Standard base charge"), 1),
      // The 13 million operations Standard includes a month are not deducted (see the card's source).
      usageLine("Messaging operations", "1M operations", operations, rate("service-bus.Standard.million-operations", "Service Bus Standard operations")),
    ];
  }
  const units = spec.messagingUnits ?? 1;
  return [
    hourly(
      `Service Bus Premium (${units} messaging unit${units === 1 ? "" : "s"})`,
      rate("service-bus.Premium.messaging-unit-hour", "Service Bus Premium messaging unit"),
      units,
    ),
  ];
}

function frontDoor(spec: SpecOf<"front-door">, rate: Rate, usage: UsageValues): RawComponent[] {
  return [
    fixed(`Front Door ${spec.tier} base fee`, "months", 1, rate(`front-door.${spec.tier}.month`, `Front Door ${spec.tier} base fee`)),
    usageLine(
      "Requests",
      "10k requests",
      scaled(usageFigure(usage, "monthly_requests"), 1e4),
      rate(`front-door.${spec.tier}.10k-requests`, `Front Door ${spec.tier} requests`),
    ),
    usageLine(
      "Data transfer to clients",
      "GB",
      usageFigure(usage, "monthly_outbound_gb"),
      rate(`front-door.${spec.tier}.outbound-gb`, `Front Door ${spec.tier} data transfer`),
    ),
  ];
}

function appGateway(spec: SpecOf<"app-gateway">, rate: Rate, usage: UsageValues): RawComponent[] {
  const unitPrice = rate(`app-gateway.${spec.sku}.capacity-unit-hour`, `Application Gateway ${spec.sku} capacity units`);
  return [
    hourly(`Application Gateway ${spec.sku} (fixed)`, rate(`app-gateway.${spec.sku}.hour`, `Application Gateway ${spec.sku}`), 1),
    hourly(`Capacity units (minimum ${spec.minCapacity})`, unitPrice, spec.minCapacity),
    usageLine("Capacity units beyond the minimum", "capacity-unit-hours", usageFigure(usage, "monthly_capacity_unit_hours"), unitPrice),
  ];
}

function wafPolicy(spec: SpecOf<"waf-policy">, rate: Rate, usage: UsageValues): RawComponent[] {
  const policies = spec.count ?? 1;
  return [
    fixed("WAF policy", "months", policies, rate("waf-policy.month", "Front Door WAF policy")),
    fixed(`Custom rules (${spec.customRules})`, "rule-months", spec.customRules * policies, rate("waf-policy.custom-rule-month", "Front Door WAF custom rule")),
    usageLine(
      "Requests inspected",
      "1M requests",
      scaled(usageFigure(usage, "monthly_requests"), 1e6),
      rate("waf-policy.million-requests", "Front Door WAF requests"),
    ),
  ];
}

function keyVault(spec: SpecOf<"key-vault">, rate: Rate, usage: UsageValues): RawComponent[] {
  const hsmKeys = spec.hsmKeys ?? 0;
  if (spec.tier === "standard" && hsmKeys > 0)
    throw new MissingRate(`Key Vault standard cannot hold HSM-protected keys (${hsmKeys} asked); they need the premium tier`);
  const lines = [
    usageLine(
      "Operations",
      "10k operations",
      scaled(usageFigure(usage, "monthly_operations"), 1e4),
      rate(`key-vault.${spec.tier}.10k-operations`, `Key Vault ${spec.tier} operations`),
    ),
  ];
  if (hsmKeys > 0) lines.push(fixed(`HSM-protected keys (${hsmKeys})`, "key-months", hsmKeys, rate("key-vault.premium.hsm-key-month", "Key Vault HSM key")));
  return lines;
}

/** The components of one spec, or throws `MissingRate`. */
function components(spec: AzureSpec, rate: Rate, usage: UsageValues): RawComponent[] {
  switch (spec.kind) {
    case "container-app":
      return containerApp(spec, rate, usage);
    case "container-app-job":
      return containerAppJob(spec, rate);
    case "aks-control-plane": {
      const clusters = spec.count ?? 1;
      if (spec.tier === "free") return [hourly("AKS control plane (Free tier, no uptime SLA)", 0, clusters)];
      return [hourly("AKS control plane (Standard tier)", rate("aks.standard.cluster-hour", "AKS Standard tier"), clusters)];
    }
    case "vm":
      return [
        hourly(
          `Linux VM (${spec.size}, ${spec.spot ? "Spot" : "pay-as-you-go"})`,
          rate(vmKey(spec.size, spec.spot ?? false), `VM size ${spec.size}${spec.spot ? " (Spot)" : ""}`),
          spec.count ?? 1,
        ),
      ];
    case "postgres-flexible":
    case "mysql-flexible":
      return flexibleServer(spec, rate, usage);
    case "redis":
      return redis(spec, rate);
    case "storage-account":
      return storageAccount(spec, rate, usage);
    case "service-bus":
      return serviceBus(spec, rate, usage);
    case "front-door":
      return frontDoor(spec, rate, usage);
    case "app-gateway":
      return appGateway(spec, rate, usage);
    case "waf-policy":
      return wafPolicy(spec, rate, usage);
    case "key-vault":
      return keyVault(spec, rate, usage);
    case "log-analytics":
      return [usageLine("Log data ingestion", "GB", usageFigure(usage, "monthly_ingested_gb"), rate("log-analytics.ingestion.gb", "Log Analytics ingestion"))];
    case "monitor-alert":
      return [
        fixed("Metric alert time series", "time-series-months", spec.count ?? 1, rate("monitor.metric-alert.time-series-month", "Azure Monitor metric alert")),
      ];
    case "nat-gateway":
      return [
        hourly("NAT gateway", rate("nat-gateway.hour", "NAT gateway"), spec.count ?? 1),
        usageLine("Data processed", "GB", usageFigure(usage, "monthly_data_processed_gb"), rate("nat-gateway.gb", "NAT gateway data processed")),
      ];
    case "public-ip":
      return [hourly("Public IPv4 address (Standard)", rate("public-ip.standard.hour", "Standard public IP"), spec.count ?? 1)];
    case "private-endpoint":
      return [
        hourly("Private endpoint", rate("private-endpoint.hour", "Private endpoint"), spec.count ?? 1),
        usageLine("Data processed", "GB", usageFigure(usage, "monthly_data_processed_gb"), rate("private-endpoint.gb", "Private endpoint data processed")),
      ];
    case "container-registry":
      return [fixed(`Container Registry ${spec.sku}`, "days", DAYS_PER_MONTH, rate(`container-registry.${spec.sku}.day`, `Container Registry ${spec.sku}`))];
    case "private-dns-zone":
      return [fixed("DNS zone", "zone-months", spec.count ?? 1, rate("private-dns.zone-month", "Azure DNS zone"))];
    case "managed-disk": {
      const tier = MANAGED_DISK_TIERS[spec.sku].find((t) => t.sizeGb >= spec.sizeGb);
      if (!tier) throw new MissingRate(`a ${spec.sizeGb} GiB ${spec.sku} disk is larger than the disk tiers in the rate card`);
      const disks = spec.count ?? 1;
      return [
        fixed(`Managed disk ${tier.tier} (${spec.sizeGb} GiB ${spec.sku})`, "disk-months", disks, rate(managedDiskKey(tier.tier), `Managed disk ${tier.tier}`)),
      ];
    }
    case "data-transfer": {
      const price = rate("data-transfer.internet.gb", "Data transfer out");
      return spec.monthlyGb === undefined
        ? [usageLine("Data transfer out to the internet", "GB", usageFigure(usage, "monthly_gb"), price)]
        : [fixed("Data transfer out to the internet", "GB", spec.monthlyGb, price)];
    }
  }
}

/**
 * Prices one Azure spec from `card`: lines for what runs regardless of traffic (hours, base fees,
 * configured storage) and usage-based lines for the figures in `AZURE_USAGE_KEYS`, whose quantity
 * is null without a figure (no cost, never a silent $0). A size or SKU the card has no rate for
 * gives `{ ok: false, reason }` naming it.
 */
export function priceAzureSpec(spec: AzureSpec, card: RateCard, usage: UsageValues): PricingResult {
  try {
    return { ok: true, components: components(spec, rateReader(card), usage) };
  } catch (error) {
    if (error instanceof MissingRate) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Price of one Azure component, rounded the way `estimateAzure` rounds resources. */
export type AzureComponentPrice = SpecPrice<AzureSpecKind>;

/**
 * Prices an Azure component from its size alone, for the architect, with the same arithmetic and
 * rounding as `priceComponent` (each line rounded to cents once, totals summed in cents).
 *
 * @example priceAzureComponent({ kind: "postgres-flexible", sku: "GP_Standard_D2ds_v5", storageGb: 128, highAvailability: "ZoneRedundant" }, "westeurope")
 * @throws AtlasError `VALIDATION_FAILED` for a malformed spec or usage, a region without a card, or
 *   a size the card has no rate for (`details.unpricedIn` names the region then)
 */
export function priceAzureComponent(spec: AzureSpec, region: string, usage: UsageValues = {}): AzureComponentPrice {
  return priceOneSpec(azureSpecSchema, "Azure component spec", spec, usage, () => {
    const card = getAzureRates(region);
    return { region: card.region, priceVersion: card.priceVersion, price: (parsed, figures) => priceAzureSpec(parsed, card, figures) };
  });
}
