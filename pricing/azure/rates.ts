/**
 * The Azure rate keys Atlas prices with, and how each one is found in the Azure Retail Prices API
 * (https://prices.azure.com/api/retail/prices, documented at
 * https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices).
 *
 * A key names one list price in USD per unit; the unit is the key's last segment (`hour`,
 * `gb-month`, `10k-operations`, ...). Each key carries a matcher on the API's item fields and the
 * conversion from the API's `unitOfMeasure` to the key's unit. The refresh command
 * (`pricing/refresh/azure.ts`) builds a rate card from these; `pricing/azure/price.ts` reads the
 * card through the key builders at the end of this file.
 *
 * Field values (service, product, SKU and meter names) follow the names the Retail Prices API
 * uses as publicly documented and as open-source cost tools (Infracost) filter on; a name Azure
 * changes makes its key "kept" at refresh, never a wrong figure.
 */

/** One row of the Retail Prices API's `Items` (the fields Atlas reads). */
export interface RetailPriceItem {
  currencyCode: string;
  tierMinimumUnits: number;
  retailPrice: number;
  armRegionName: string;
  meterName: string;
  productName: string;
  skuName: string;
  serviceName: string;
  unitOfMeasure: string;
  /** `Consumption`, `DevTestConsumption`, `Reservation` */
  type: string;
  armSkuName?: string;
}

/** An exact value, or a pattern the value must match. */
export type FieldPattern = string | RegExp;

/** Which API rows a key is read from. */
export interface RateMatcher {
  serviceName: string;
  productName?: FieldPattern;
  skuName?: FieldPattern;
  meterName?: FieldPattern;
  armSkuName?: string;
  /**
   * Where Azure lists the meter: in the region itself (default), under the `global` pseudo-region
   * (Front Door base fees, WAF policies), or under the region's billing zone (`zone1`).
   */
  listedIn?: "region" | "global" | "zone";
  /** Spot meters are matched only for keys that ask for them; every other key skips them. */
  spot?: boolean;
}

/** One rate key: its matcher and how an API price converts to the key's unit. */
export interface RateDefinition {
  key: string;
  /** What the key prices, for people reading a refresh report. */
  description: string;
  match: RateMatcher;
  /**
   * Accepted `unitOfMeasure` values, each with the factor that turns the API's price into the
   * key's price (e.g. a `hour` key from a "100 Hours" price: factor 0.01).
   */
  units: Readonly<Record<string, number>>;
}

const HOURS_PER_MONTH = 730;

/** API units → key units, one table per key unit. */
const PER_HOUR = { "1 Hour": 1, "100 Hours": 0.01 } as const;
const PER_MONTH = { "1/Month": 1, "1 Month": 1, "1 Hour": HOURS_PER_MONTH, "1/Hour": HOURS_PER_MONTH } as const;
const PER_DAY = { "1/Day": 1, "1 Day": 1 } as const;
const PER_GB_MONTH = { "1 GB/Month": 1, "1 GiB/Month": 1, "100 GB/Month": 0.01 } as const;
const PER_GB = { "1 GB": 1, "1 GiB": 1 } as const;
const PER_10K = { "10K": 1, "1M": 0.01, "1K": 10 } as const;
const PER_MILLION = { "1M": 1, "10K": 100, "1K": 1000 } as const;
const PER_SECOND = { "1 Second": 1, "1 GiB Second": 1, "1 GB Second": 1, "1 vCPU Second": 1, "100 Seconds": 0.01 } as const;

/** Regions with a shipped card, each with the billing zone Azure lists zone-priced meters under. */
export const AZURE_BILLING_ZONES: Readonly<Record<string, string>> = {
  eastus: "zone1",
  westeurope: "zone1",
  northeurope: "zone1",
  uksouth: "zone1",
};

const exact = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

// ---------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------

/** Linux VM sizes priced (pay-as-you-go and Spot), with the Retail API's product series. */
export const AZURE_VM_SIZES: Readonly<Record<string, string>> = {
  Standard_D2s_v5: "Dsv5",
  Standard_D4s_v5: "Dsv5",
  Standard_D8s_v5: "Dsv5",
  Standard_D16s_v5: "Dsv5",
  Standard_D2as_v5: "Dasv5",
  Standard_D4as_v5: "Dasv5",
  Standard_B2s: "BS",
  Standard_E2s_v5: "Esv5",
  Standard_E4s_v5: "Esv5",
};

/** Flexible-server SKUs (`sku_name`) priced for PostgreSQL and MySQL. */
export const FLEXIBLE_SERVER_SKUS: readonly string[] = [
  "B_Standard_B1ms",
  "B_Standard_B2s",
  "B_Standard_B2ms",
  "GP_Standard_D2ds_v4",
  "GP_Standard_D4ds_v4",
  "GP_Standard_D2ds_v5",
  "GP_Standard_D4ds_v5",
  "GP_Standard_D8ds_v5",
  "GP_Standard_D16ds_v5",
  "MO_Standard_E2ds_v5",
  "MO_Standard_E4ds_v5",
];

/** Redis capacities priced per SKU: Basic C0-C2, Standard C0-C4, Premium P1-P3. */
export const REDIS_CAPACITIES: Readonly<Record<"Basic" | "Standard" | "Premium", readonly number[]>> = {
  Basic: [0, 1, 2],
  Standard: [0, 1, 2, 3, 4],
  Premium: [1, 2, 3],
};

/** Managed disk size tiers (GiB) by SKU: the disk is billed at the smallest tier that holds it. */
export const MANAGED_DISK_TIERS: Readonly<Record<"Premium_LRS" | "StandardSSD_LRS", readonly { tier: string; sizeGb: number }[]>> = {
  Premium_LRS: [
    { tier: "P4", sizeGb: 32 },
    { tier: "P6", sizeGb: 64 },
    { tier: "P10", sizeGb: 128 },
    { tier: "P15", sizeGb: 256 },
    { tier: "P20", sizeGb: 512 },
    { tier: "P30", sizeGb: 1024 },
    { tier: "P40", sizeGb: 2048 },
  ],
  StandardSSD_LRS: [
    { tier: "E4", sizeGb: 32 },
    { tier: "E6", sizeGb: 64 },
    { tier: "E10", sizeGb: 128 },
    { tier: "E15", sizeGb: 256 },
    { tier: "E20", sizeGb: 512 },
    { tier: "E30", sizeGb: 1024 },
    { tier: "E40", sizeGb: 2048 },
  ],
};

/** Storage replication types priced (general-purpose v2, hot tier). */
export const STORAGE_REPLICATIONS = ["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"] as const;

// ---------------------------------------------------------------------------------------------
// Key builders: the one place price.ts and the definitions below agree on key names
// ---------------------------------------------------------------------------------------------

/** `vm.Standard_D2s_v5.hour` or `vm.Standard_D2s_v5.spot.hour`. */
export function vmKey(size: string, spot: boolean): string {
  return spot ? `vm.${size}.spot.hour` : `vm.${size}.hour`;
}

/** `postgres-flexible.GP_Standard_D2ds_v5.hour` (one server's compute). */
export function flexibleComputeKey(engine: "postgres-flexible" | "mysql-flexible", sku: string): string {
  return `${engine}.${sku}.hour`;
}

/** `redis.Standard.C1.hour`: one cache (both nodes of Standard/Premium) per hour, as the pricing page lists it. */
export function redisKey(sku: "Basic" | "Standard" | "Premium", capacity: number): string {
  return `redis.${sku}.${sku === "Premium" ? "P" : "C"}${capacity}.hour`;
}

/** `managed-disk.P10.month`: one disk of that tier a month. */
export function managedDiskKey(tier: string): string {
  return `managed-disk.${tier}.month`;
}

/** `storage.hot.LRS.gb-month`, `storage.hot.LRS.write-10k`, `storage.hot.LRS.read-10k`. */
export function storageKey(replication: string, what: "gb-month" | "write-10k" | "read-10k"): string {
  return `storage.hot.${replication}.${what}`;
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

function vmDefinitions(): RateDefinition[] {
  const definitions: RateDefinition[] = [];
  for (const [size, series] of Object.entries(AZURE_VM_SIZES)) {
    // The API's SKU name is the size without `Standard_` and with spaces: "D2s v5".
    const skuName = size.replace(/^Standard_/, "").replace(/_/g, " ");
    for (const spot of [false, true]) {
      definitions.push({
        key: vmKey(size, spot),
        description: `Linux VM ${size}${spot ? " (Spot)" : ""}`,
        match: {
          serviceName: "Virtual Machines",
          armSkuName: size,
          // Windows rows are a separate product ("... Series Windows"); Linux rows have no suffix.
          productName: new RegExp(`^Virtual Machines ${series} Series$`),
          skuName: spot ? exact(`${skuName} Spot`) : exact(skuName),
          spot,
        },
        units: PER_HOUR,
      });
    }
  }
  return definitions;
}

/** The API's product name and SKU for a flexible-server compute SKU (`GP_Standard_D2ds_v5`). */
function flexibleCompute(service: string, sku: string): RateMatcher {
  const [tier, , size = "", version = ""] = sku.split("_");
  const tierName = tier === "B" ? "Burstable" : tier === "GP" ? "General Purpose" : "Memory Optimized";
  if (tier === "B") {
    // Burstable rows: "... Flexible Server Burstable BS Series Compute", SKU "B1ms".
    return {
      serviceName: service,
      productName: new RegExp(`^${service} Flexible Server ${tierName} (?:- )?BS Series Compute$`),
      skuName: exact(size),
      meterName: new RegExp(`^${size}(?: vCore)?$`, "i"),
    };
  }
  // General Purpose / Memory Optimized rows: "... Ddsv5 Series Compute", SKU "2 vCore", meter "vCore".
  const cores = /\d+/.exec(size)?.[0] ?? "";
  const series = `${size.replace(/\d+/, "")}${version}`;
  return {
    serviceName: service,
    productName: new RegExp(`^${service} Flexible Server ${tierName} (?:- )?${series} Series Compute$`),
    skuName: exact(`${cores} vCore`),
    meterName: /^vCore$/,
  };
}

function flexibleServerDefinitions(): RateDefinition[] {
  const engines = [
    { engine: "postgres-flexible", service: "Azure Database for PostgreSQL", short: "PostgreSQL" },
    { engine: "mysql-flexible", service: "Azure Database for MySQL", short: "MySQL" },
  ] as const;
  const definitions: RateDefinition[] = [];
  for (const { engine, service, short } of engines) {
    for (const sku of FLEXIBLE_SERVER_SKUS) {
      definitions.push({
        key: flexibleComputeKey(engine, sku),
        description: `${short} flexible server compute ${sku}`,
        match: flexibleCompute(service, sku),
        units: PER_HOUR,
      });
    }
    definitions.push(
      {
        key: `${engine}.storage.gb-month`,
        description: `${short} flexible server storage`,
        match: { serviceName: service, productName: new RegExp(`^Az(?:ure)? DB for ${short} Flexible Server Storage$`), meterName: "Storage Data Stored" },
        units: PER_GB_MONTH,
      },
      {
        key: `${engine}.backup.gb-month`,
        description: `${short} flexible server backup storage beyond the free allowance`,
        match: { serviceName: service, productName: `${service} Flexible Server Backup Storage`, meterName: "Backup Storage LRS Data Stored" },
        units: PER_GB_MONTH,
      },
    );
  }
  return definitions;
}

function redisDefinitions(): RateDefinition[] {
  const definitions: RateDefinition[] = [];
  for (const [sku, capacities] of Object.entries(REDIS_CAPACITIES) as ["Basic" | "Standard" | "Premium", readonly number[]][]) {
    for (const capacity of capacities) {
      const size = `${sku === "Premium" ? "P" : "C"}${capacity}`;
      // The API prices each cache node; Standard and Premium caches run two (primary and replica).
      const nodes = sku === "Basic" ? 1 : 2;
      definitions.push({
        key: redisKey(sku, capacity),
        description: `Azure Cache for Redis ${sku} ${size} (${nodes} node${nodes > 1 ? "s" : ""})`,
        match: { serviceName: "Redis Cache", productName: `Azure Redis Cache ${sku}`, skuName: size, meterName: new RegExp(`^${size} Cache(?: Instance)?$`) },
        units: { "1 Hour": nodes, "100 Hours": nodes / 100 },
      });
    }
  }
  return definitions;
}

function storageDefinitions(): RateDefinition[] {
  const definitions: RateDefinition[] = [];
  for (const replication of STORAGE_REPLICATIONS) {
    // The API spells the read-access types with a dash: "Hot RA-GRS".
    const apiName = replication.replace(/^RA/, "RA-");
    definitions.push(
      {
        key: storageKey(replication, "gb-month"),
        description: `Blob storage hot ${replication}, data stored`,
        match: { serviceName: "Storage", productName: "General Block Blob v2", skuName: `Hot ${apiName}`, meterName: `Hot ${apiName} Data Stored` },
        units: PER_GB_MONTH,
      },
      {
        key: storageKey(replication, "write-10k"),
        description: `Blob storage hot ${replication}, write operations`,
        match: { serviceName: "Storage", productName: "General Block Blob v2", skuName: `Hot ${apiName}`, meterName: /^Hot (?:[A-Z-]+ )?Write Operations$/ },
        units: PER_10K,
      },
      {
        key: storageKey(replication, "read-10k"),
        description: `Blob storage hot ${replication}, read operations`,
        match: { serviceName: "Storage", productName: "General Block Blob v2", skuName: `Hot ${apiName}`, meterName: /^Hot (?:[A-Z-]+ )?Read Operations$/ },
        units: PER_10K,
      },
    );
  }
  return definitions;
}

function managedDiskDefinitions(): RateDefinition[] {
  const products = { Premium_LRS: "Premium SSD Managed Disks", StandardSSD_LRS: "Standard SSD Managed Disks" } as const;
  return (Object.keys(MANAGED_DISK_TIERS) as (keyof typeof MANAGED_DISK_TIERS)[]).flatMap((sku) =>
    MANAGED_DISK_TIERS[sku].map(
      ({ tier, sizeGb }): RateDefinition => ({
        key: managedDiskKey(tier),
        description: `${products[sku]} ${tier} (${sizeGb} GiB) LRS, per disk a month`,
        match: { serviceName: "Storage", productName: products[sku], skuName: `${tier} LRS`, meterName: new RegExp(`^${tier} LRS Disks?$`) },
        units: PER_MONTH,
      }),
    ),
  );
}

/** Every key with its matcher. Keys are unique; `AZURE_RATE_KEYS` lists them. */
export const AZURE_RATE_DEFINITIONS: readonly RateDefinition[] = [
  {
    key: "container-apps.vcpu-second",
    description: "Container Apps consumption plan, active vCPU per second",
    match: { serviceName: "Azure Container Apps", skuName: "Standard", meterName: /^Standard vCPU Active Usage$/ },
    units: PER_SECOND,
  },
  {
    key: "container-apps.gib-second",
    description: "Container Apps consumption plan, active memory per GiB-second",
    match: { serviceName: "Azure Container Apps", skuName: "Standard", meterName: /^Standard Memory Active Usage$/ },
    units: PER_SECOND,
  },
  {
    key: "container-apps.million-requests",
    description: "Container Apps consumption plan, HTTP requests",
    match: { serviceName: "Azure Container Apps", skuName: "Standard", meterName: /^Standard Requests$/ },
    units: PER_MILLION,
  },
  {
    key: "aks.standard.cluster-hour",
    description: "AKS Standard tier (uptime SLA), per cluster-hour",
    match: { serviceName: "Azure Kubernetes Service", skuName: "Standard", meterName: /^Standard (?:Uptime SLA|Hosted Control Plane)$/ },
    units: PER_HOUR,
  },
  ...vmDefinitions(),
  ...flexibleServerDefinitions(),
  ...redisDefinitions(),
  ...storageDefinitions(),
  ...managedDiskDefinitions(),
  {
    key: "service-bus.Basic.million-operations",
    description: "Service Bus Basic, messaging operations",
    match: { serviceName: "Service Bus", skuName: "Basic", meterName: "Basic Messaging Operations" },
    units: PER_MILLION,
  },
  {
    key: "service-bus.Standard.hour",
    description: "Service Bus Standard, base charge",
    match: { serviceName: "Service Bus", skuName: "Standard", meterName: "Standard Base Unit" },
    units: { "1 Hour": 1, "1/Hour": 1, "1/Month": 1 / HOURS_PER_MONTH },
  },
  {
    key: "service-bus.Standard.million-operations",
    description: "Service Bus Standard, messaging operations beyond the 13 million included",
    match: { serviceName: "Service Bus", skuName: "Standard", meterName: "Standard Messaging Operations" },
    units: PER_MILLION,
  },
  {
    key: "service-bus.Premium.messaging-unit-hour",
    description: "Service Bus Premium, per messaging unit",
    match: { serviceName: "Service Bus", skuName: "Premium", meterName: "Premium Messaging Unit" },
    units: { "1 Hour": 1, "1/Hour": 1, "1/Day": 1 / 24 },
  },
  ...(["Standard", "Premium"] as const).flatMap((tier): RateDefinition[] => [
    {
      key: `front-door.${tier}.month`,
      description: `Front Door ${tier} profile base fee`,
      match: { serviceName: "Azure Front Door Service", skuName: tier, meterName: new RegExp(`^${tier} Base Fees?$`), listedIn: "global" },
      units: PER_MONTH,
    },
    {
      key: `front-door.${tier}.10k-requests`,
      description: `Front Door ${tier} requests (North America / Europe zone)`,
      match: { serviceName: "Azure Front Door Service", skuName: tier, meterName: new RegExp(`^${tier} Requests$`), listedIn: "zone" },
      units: PER_10K,
    },
    {
      key: `front-door.${tier}.outbound-gb`,
      description: `Front Door ${tier} data transfer to clients (first tier, North America / Europe zone)`,
      match: { serviceName: "Azure Front Door Service", skuName: tier, meterName: new RegExp(`^${tier} Data Transfer Out$`), listedIn: "zone" },
      units: PER_GB,
    },
  ]),
  ...(["Standard_v2", "WAF_v2"] as const).flatMap((sku): RateDefinition[] => {
    const apiSku = sku.replace("_", " ");
    return [
      {
        key: `app-gateway.${sku}.hour`,
        description: `Application Gateway ${sku}, fixed charge per gateway-hour`,
        match: { serviceName: "Application Gateway", skuName: apiSku, meterName: `${apiSku} Fixed Cost` },
        units: PER_HOUR,
      },
      {
        key: `app-gateway.${sku}.capacity-unit-hour`,
        description: `Application Gateway ${sku}, per capacity unit-hour`,
        match: { serviceName: "Application Gateway", skuName: apiSku, meterName: `${apiSku} Capacity Units` },
        units: PER_HOUR,
      },
    ];
  }),
  {
    key: "waf-policy.month",
    description: "Front Door Standard WAF policy, per policy a month",
    match: { serviceName: "Azure Front Door Service", skuName: "Standard", meterName: /^Standard Policy$/, listedIn: "global" },
    units: PER_MONTH,
  },
  {
    key: "waf-policy.custom-rule-month",
    description: "Front Door Standard WAF custom rule, per rule a month",
    match: { serviceName: "Azure Front Door Service", skuName: "Standard", meterName: /^Standard Rule$/, listedIn: "global" },
    units: PER_MONTH,
  },
  {
    key: "waf-policy.million-requests",
    description: "Front Door Standard WAF requests processed",
    match: { serviceName: "Azure Front Door Service", skuName: "Standard", meterName: /^Standard Policy Requests$/, listedIn: "global" },
    units: PER_MILLION,
  },
  {
    key: "key-vault.standard.10k-operations",
    description: "Key Vault Standard, operations",
    match: { serviceName: "Key Vault", skuName: "Standard", meterName: "Operations" },
    units: PER_10K,
  },
  {
    key: "key-vault.premium.10k-operations",
    description: "Key Vault Premium, operations",
    match: { serviceName: "Key Vault", skuName: "Premium", meterName: "Operations" },
    units: PER_10K,
  },
  {
    key: "key-vault.premium.hsm-key-month",
    description: "Key Vault Premium, HSM-protected RSA 2048 key per month",
    match: { serviceName: "Key Vault", skuName: "Premium", meterName: /^Premium HSM-protected RSA 2048-bit Keys?$/ },
    units: PER_MONTH,
  },
  {
    key: "log-analytics.ingestion.gb",
    description: "Log Analytics pay-as-you-go (Analytics logs) ingestion, beyond the 5 GB free grant",
    match: {
      serviceName: "Log Analytics",
      skuName: /^(?:Pay-as-you-go|Per GB 2018|Analytics Logs)$/,
      meterName: /^(?:Pay-as-you-go |Analytics Logs )?Data Ingestion$/,
    },
    units: PER_GB,
  },
  {
    key: "monitor.metric-alert.time-series-month",
    description: "Azure Monitor metric alert, per monitored time series a month (after the 10 free)",
    match: { serviceName: "Azure Monitor", meterName: "Alerts Metric Monitored" },
    units: PER_MONTH,
  },
  {
    key: "nat-gateway.hour",
    description: "NAT gateway, per gateway-hour",
    match: { serviceName: "NAT Gateway", meterName: "Standard Gateway" },
    units: PER_HOUR,
  },
  {
    key: "nat-gateway.gb",
    description: "NAT gateway, data processed",
    match: { serviceName: "NAT Gateway", meterName: "Standard Data Processed" },
    units: PER_GB,
  },
  {
    key: "public-ip.standard.hour",
    description: "Standard static public IPv4 address",
    match: { serviceName: "Virtual Network", productName: "IP Addresses", skuName: "Standard", meterName: "Standard IPv4 Static Public IP" },
    units: PER_HOUR,
  },
  {
    key: "private-endpoint.hour",
    description: "Private endpoint, per endpoint-hour",
    match: { serviceName: "Virtual Network", productName: "Virtual Network Private Link", meterName: "Standard Private Endpoint" },
    units: PER_HOUR,
  },
  {
    key: "private-endpoint.gb",
    description: "Private endpoint, data processed (ingress; egress is billed the same again)",
    match: { serviceName: "Virtual Network", productName: "Virtual Network Private Link", meterName: "Standard Data Processed - Ingress" },
    units: PER_GB,
  },
  ...(["Basic", "Standard", "Premium"] as const).map(
    (sku): RateDefinition => ({
      key: `container-registry.${sku}.day`,
      description: `Container Registry ${sku}, per registry-day`,
      match: { serviceName: "Container Registry", productName: "Container Registry", skuName: sku, meterName: `${sku} Registry Unit` },
      units: PER_DAY,
    }),
  ),
  {
    key: "private-dns.zone-month",
    description: "Azure DNS private zone (first 25 zones), per zone a month",
    match: { serviceName: "Azure DNS", meterName: /^Private Zones?$/ },
    units: PER_MONTH,
  },
  {
    key: "data-transfer.internet.gb",
    description: "Data transfer out to the internet (first paid tier, after the free 100 GB)",
    match: { serviceName: "Bandwidth", productName: /^Rtn Preference: MGN$/, meterName: "Standard Data Transfer Out" },
    units: PER_GB,
  },
];

/** Every rate key, sorted. */
export const AZURE_RATE_KEYS: readonly string[] = AZURE_RATE_DEFINITIONS.map((d) => d.key).sort();

function fieldMatches(pattern: FieldPattern | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  return typeof pattern === "string" ? pattern === value : pattern.test(value);
}

/** The `armRegionName` a key's meter is listed under when pricing `region`. */
export function listingRegion(definition: RateDefinition, region: string): string {
  const where = definition.match.listedIn ?? "region";
  if (where === "global") return "global";
  if (where === "zone") return AZURE_BILLING_ZONES[region] ?? "zone1";
  return region;
}

/**
 * True when `item` is a row `definition` may be read from for `region`: pay-as-you-go
 * (`type` exactly "Consumption", so never DevTest or Reservation), listed in the right region,
 * never Windows, Spot or Low Priority unless the key asks for Spot, in a unit the key converts.
 */
export function matchesRate(definition: RateDefinition, item: RetailPriceItem, region: string): boolean {
  const { match } = definition;
  if (item.type !== "Consumption") return false;
  if (item.armRegionName.toLowerCase() !== listingRegion(definition, region)) return false;
  if (item.serviceName !== match.serviceName) return false;
  if (!Object.hasOwn(definition.units, item.unitOfMeasure)) return false;
  if (/windows/i.test(item.productName) || /windows/i.test(item.skuName)) return false;
  if (/low priority/i.test(item.skuName) || /low priority/i.test(item.meterName)) return false;
  const isSpot = /\bspot\b/i.test(item.skuName) || /\bspot\b/i.test(item.meterName);
  if (isSpot !== (match.spot ?? false)) return false;
  if (match.armSkuName !== undefined && item.armSkuName !== match.armSkuName) return false;
  return fieldMatches(match.productName, item.productName) && fieldMatches(match.skuName, item.skuName) && fieldMatches(match.meterName, item.meterName);
}

/** The API's price converted to the key's unit (throws for a unit the key does not accept). */
export function convertPrice(definition: RateDefinition, item: RetailPriceItem): number {
  const factor = definition.units[item.unitOfMeasure];
  if (factor === undefined) throw new Error(`${definition.key}: unit "${item.unitOfMeasure}" is not convertible`);
  return Number((item.retailPrice * factor).toPrecision(12));
}
