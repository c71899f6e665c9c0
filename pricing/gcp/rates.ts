/**
 * The Google Cloud rate keys Atlas prices with, and how the refresh command finds each one in
 * the Cloud Billing Catalog API (`GET /v1/services/{serviceId}/skus`).
 *
 * A key names what it prices and, in its last segment, the unit of its rate
 * (`cloud-run.instance.vcpu-second`, `cloud-sql.ssd.gb-month`, `gcs.class-a.region.10k-operations`).
 * Each key has one matcher: the billing service, a pattern on the SKU description, the usage type
 * ("OnDemand" or "Preemptible" for Spot), optionally the SKU's `category.resourceGroup`, and the
 * catalogue units the refresh accepts with the factor that turns a price per catalogue unit into
 * a price per key unit (per million requests: ×1,000,000).
 *
 * SKU descriptions were written from Google's public catalogue as seen in public pricing tools and
 * billing exports; the ones marked "unconfirmed" could not be checked against a live read. A
 * matcher that finds nothing leaves the card's current value in place and the refresh says so.
 */

/**
 * Cloud Billing Catalog service ids. Sources: public billing exports and catalogue clients
 * (Compute Engine, Cloud SQL, Cloud Run, Cloud Storage, Kubernetes Engine, Networking, Pub/Sub,
 * Memorystore for Redis, Cloud Logging, Artifact Registry seen in several); Secret Manager
 * `EE82-7A5E-871C`, Cloud Scheduler `1F14-4801-0E16` and Cloud KMS `EE2F-D110-890C` each seen in
 * fewer sources (not confirmed by a live read here).
 */
export const GCP_BILLING_SERVICES = {
  "compute-engine": { id: "6F81-5844-456A", name: "Compute Engine" },
  "cloud-run": { id: "152E-C115-5142", name: "Cloud Run" },
  "cloud-sql": { id: "9662-B51E-5089", name: "Cloud SQL" },
  "cloud-storage": { id: "95FF-2EF5-5EA1", name: "Cloud Storage" },
  "memorystore-redis": { id: "5AF5-2C11-D467", name: "Cloud Memorystore for Redis" },
  pubsub: { id: "A1E8-BE35-7EBC", name: "Cloud Pub/Sub" },
  // Load balancing, Cloud NAT, Cloud Armor and internet egress SKUs moved from Compute Engine to
  // the Networking service; Cloud Armor's place there is unconfirmed.
  networking: { id: "E505-1604-58F8", name: "Networking" },
  "secret-manager": { id: "EE82-7A5E-871C", name: "Secret Manager" },
  "cloud-logging": { id: "5490-F7B7-8DF6", name: "Cloud Logging" },
  "kubernetes-engine": { id: "CCD8-9BF1-090E", name: "Kubernetes Engine" },
  "artifact-registry": { id: "149C-F9EC-3994", name: "Artifact Registry" },
  "cloud-scheduler": { id: "1F14-4801-0E16", name: "Cloud Scheduler" },
  "cloud-kms": { id: "EE2F-D110-890C", name: "Cloud Key Management Service (KMS)" },
  // id as seen in public billing exports, unconfirmed here; an unmatched key keeps the card's value
  "cloud-monitoring": { id: "58CD-E7C3-72CA", name: "Cloud Monitoring" },
} as const;

export type GcpBillingService = keyof typeof GCP_BILLING_SERVICES;

/** How one rate key is found among a service's SKUs. */
export interface SkuMatcher {
  /** the billing services whose SKUs are searched (network SKUs sit in Networking or, earlier, Compute Engine) */
  services: readonly GcpBillingService[];
  /** tested against the SKU's `description` */
  description: RegExp;
  /** `category.usageType`; Spot VMs are "Preemptible", everything else "OnDemand" */
  usageType: "OnDemand" | "Preemptible";
  /** `category.resourceGroup`, when the description alone is not distinctive */
  resourceGroup?: string;
  /**
   * Which `serviceRegions` entry the SKU must list: the card's own region (default), or the
   * multi-region containing it (`us`, `eu`, `asia`) for Cloud Storage multi- and dual-region.
   * A SKU listing "global" applies to every region (a region's own SKU wins over it).
   */
  location?: "region" | "multi-region";
  /** catalogue `usageUnit` → factor from a price per that unit to a price per the key's unit */
  units: Readonly<Record<string, number>>;
}

/** One rate key: what it prices and how the refresh finds it. */
export interface RateKeyDefinition {
  key: string;
  description: string;
  matcher: SkuMatcher;
}

const perHour = { h: 1 } as const;
const perGibHour = { "GiBy.h": 1 } as const;
const perGibMonth = { "GiBy.mo": 1 } as const;
const perGib = { GiBy: 1, TiBy: 1 / 1024 } as const;
const perMillion = { count: 1e6 } as const;
const per10k = { count: 1e4 } as const;
const perMonth = { mo: 1, "count.mo": 1, count: 1 } as const;

function def(key: string, description: string, matcher: SkuMatcher): RateKeyDefinition {
  return { key, description, matcher };
}

function onDemand(
  service: GcpBillingService | readonly GcpBillingService[],
  description: RegExp,
  units: SkuMatcher["units"],
  resourceGroup?: string,
): SkuMatcher {
  const services = typeof service === "string" ? [service] : service;
  return { services, description, usageType: "OnDemand", units, ...(resourceGroup === undefined ? {} : { resourceGroup }) };
}

/** Network SKUs: Networking now, Compute Engine in older catalogues. */
const NETWORK = ["networking", "compute-engine"] as const;

/** Compute Engine families priced from their per-vCPU and per-GB RAM SKUs. */
export const COMPUTE_FAMILIES = ["e2", "n2"] as const;
export type ComputeFamily = (typeof COMPUTE_FAMILIES)[number];

function computeFamilyKeys(family: ComputeFamily): RateKeyDefinition[] {
  const label = family.toUpperCase();
  return [
    def(
      `compute.${family}.vcpu-hour`,
      `${label} vCPU, on-demand`,
      onDemand("compute-engine", new RegExp(`^${label} Instance Core running in `), perHour, "CPU"),
    ),
    def(
      `compute.${family}.ram-gb-hour`,
      `${label} RAM per GB, on-demand`,
      onDemand("compute-engine", new RegExp(`^${label} Instance Ram running in `), perGibHour, "RAM"),
    ),
    def(`compute.${family}.spot.vcpu-hour`, `${label} vCPU, Spot`, {
      services: ["compute-engine"],
      description: new RegExp(`^Spot Preemptible ${label} Instance Core running in `),
      usageType: "Preemptible",
      resourceGroup: "CPU",
      units: perHour,
    }),
    def(`compute.${family}.spot.ram-gb-hour`, `${label} RAM per GB, Spot`, {
      services: ["compute-engine"],
      description: new RegExp(`^Spot Preemptible ${label} Instance Ram running in `),
      usageType: "Preemptible",
      resourceGroup: "RAM",
      units: perGibHour,
    }),
  ];
}

/** Cloud SQL engines with rate keys. */
export const CLOUD_SQL_ENGINES = ["postgres", "mysql"] as const;
const SQL_ENGINE_NAME = { postgres: "PostgreSQL", mysql: "MySQL" } as const;

function cloudSqlKeys(engine: (typeof CLOUD_SQL_ENGINES)[number]): RateKeyDefinition[] {
  const prefix = `^Cloud SQL for ${SQL_ENGINE_NAME[engine]}: `;
  const sql = (pattern: string, units: SkuMatcher["units"]) => onDemand("cloud-sql", new RegExp(`${prefix}${pattern}`), units);
  // "Zonal - vCPU in ..." does not match "Zonal - Enterprise Plus vCPU in ...": Enterprise edition only.
  return [
    def(`cloud-sql.${engine}.vcpu-hour`, `Cloud SQL ${engine} Enterprise vCPU, zonal`, sql("Zonal - vCPU in ", perHour)),
    def(`cloud-sql.${engine}.ram-gb-hour`, `Cloud SQL ${engine} Enterprise RAM per GB, zonal`, sql("Zonal - RAM in ", perGibHour)),
    def(`cloud-sql.${engine}.ha.vcpu-hour`, `Cloud SQL ${engine} Enterprise vCPU, regional (HA)`, sql("Regional - vCPU in ", perHour)),
    def(`cloud-sql.${engine}.ha.ram-gb-hour`, `Cloud SQL ${engine} Enterprise RAM per GB, regional (HA)`, sql("Regional - RAM in ", perGibHour)),
    def(`cloud-sql.${engine}.db-f1-micro.hour`, `Cloud SQL ${engine} db-f1-micro, zonal`, sql("Zonal - Micro instance in ", perHour)),
    def(`cloud-sql.${engine}.db-g1-small.hour`, `Cloud SQL ${engine} db-g1-small, zonal`, sql("Zonal - Small instance in ", perHour)),
    def(`cloud-sql.${engine}.ha.db-f1-micro.hour`, `Cloud SQL ${engine} db-f1-micro, regional (HA)`, sql("Regional - Micro instance in ", perHour)),
    def(`cloud-sql.${engine}.ha.db-g1-small.hour`, `Cloud SQL ${engine} db-g1-small, regional (HA)`, sql("Regional - Small instance in ", perHour)),
    // Enterprise Plus: its own vCPU and RAM SKUs ("Zonal - Enterprise Plus vCPU in ...")
    def(`cloud-sql.${engine}.plus.vcpu-hour`, `Cloud SQL ${engine} Enterprise Plus vCPU, zonal`, sql("Zonal - Enterprise Plus vCPU in ", perHour)),
    def(`cloud-sql.${engine}.plus.ram-gb-hour`, `Cloud SQL ${engine} Enterprise Plus RAM per GB, zonal`, sql("Zonal - Enterprise Plus RAM in ", perGibHour)),
    def(
      `cloud-sql.${engine}.plus.ha.vcpu-hour`,
      `Cloud SQL ${engine} Enterprise Plus vCPU, regional (HA)`,
      sql("Regional - Enterprise Plus vCPU in ", perHour),
    ),
    def(
      `cloud-sql.${engine}.plus.ha.ram-gb-hour`,
      `Cloud SQL ${engine} Enterprise Plus RAM per GB, regional (HA)`,
      sql("Regional - Enterprise Plus RAM in ", perGibHour),
    ),
  ];
}

/** Memorystore for Redis capacity bands by provisioned size: M1 1–4 GB … M5 above 100 GB. */
export const REDIS_BANDS = ["M1", "M2", "M3", "M4", "M5"] as const;
export type RedisBand = (typeof REDIS_BANDS)[number];

function redisKeys(): RateKeyDefinition[] {
  const tiers = [
    ["BASIC", "Basic"],
    ["STANDARD_HA", "Standard"],
  ] as const;
  return tiers.flatMap(([tier, label]) =>
    REDIS_BANDS.map((band) =>
      def(
        `memorystore.${tier}.${band}.gb-hour`,
        `Memorystore for Redis ${label} tier, ${band} capacity band, per GB`,
        onDemand("memorystore-redis", new RegExp(`^Redis Capacity ${label} ${band}\\b`), perGibHour),
      ),
    ),
  );
}

/** Every rate key a Google Cloud card may hold, with its matcher. */
export const GCP_RATE_KEYS: readonly RateKeyDefinition[] = [
  // Cloud Run: instance-based (CPU always allocated) and request-based services; jobs.
  def(
    "cloud-run.instance.vcpu-second",
    "Cloud Run services, instance-based billing, vCPU",
    onDemand("cloud-run", /^Services CPU \(Instance-based billing\) in /, { s: 1 }),
  ),
  def(
    "cloud-run.instance.gib-second",
    "Cloud Run services, instance-based billing, memory",
    onDemand("cloud-run", /^Services Memory \(Instance-based billing\) in /, { "GiBy.s": 1 }),
  ),
  def(
    "cloud-run.request.vcpu-second",
    "Cloud Run services, request-based billing, vCPU (tier 1)",
    onDemand("cloud-run", /^Services CPU \(Request-based billing\)/, { s: 1 }),
  ),
  def(
    "cloud-run.request.gib-second",
    "Cloud Run services, request-based billing, memory (tier 1)",
    onDemand("cloud-run", /^Services Memory \(Request-based billing\)/, { "GiBy.s": 1 }),
  ),
  def(
    "cloud-run.request.min-instance.vcpu-second",
    "Cloud Run request-based billing, idle minimum instance vCPU (tier 1)",
    onDemand("cloud-run", /^Services Min Instance CPU \(Request-based billing\)/, { s: 1 }),
  ),
  def(
    "cloud-run.request.min-instance.gib-second",
    "Cloud Run request-based billing, idle minimum instance memory (tier 1)",
    onDemand("cloud-run", /^Services Min Instance Memory \(Request-based billing\)/, { "GiBy.s": 1 }),
  ),
  def("cloud-run.requests.million", "Cloud Run requests (request-based billing)", onDemand("cloud-run", /^Requests\b/, perMillion)),
  def("cloud-run.job.vcpu-second", "Cloud Run jobs, vCPU", onDemand("cloud-run", /^Jobs CPU in /, { s: 1 })),
  def("cloud-run.job.gib-second", "Cloud Run jobs, memory", onDemand("cloud-run", /^Jobs Memory in /, { "GiBy.s": 1 })),
  // GKE: the cluster management fee is the same for Standard zonal/regional and Autopilot.
  def("gke.cluster.hour", "GKE cluster management fee", onDemand("kubernetes-engine", /^(?:Regional|Zonal|Autopilot) Kubernetes Clusters?$/, perHour)),
  ...COMPUTE_FAMILIES.flatMap(computeFamilyKeys),
  // Persistent disk, zonal (the "Regional ..." SKUs are left out by the anchors).
  def("compute.pd-standard.gb-month", "Standard persistent disk", onDemand("compute-engine", /^Storage PD Capacity\b/, perGibMonth)),
  def("compute.pd-balanced.gb-month", "Balanced persistent disk", onDemand("compute-engine", /^Balanced PD Capacity\b/, perGibMonth)),
  def("compute.pd-ssd.gb-month", "SSD persistent disk", onDemand("compute-engine", /^SSD backed PD Capacity\b/, perGibMonth)),
  ...CLOUD_SQL_ENGINES.flatMap(cloudSqlKeys),
  // Cloud SQL storage and backups cost the same for both engines; PostgreSQL's SKUs are read.
  def("cloud-sql.ssd.gb-month", "Cloud SQL SSD storage, zonal", onDemand("cloud-sql", /^Cloud SQL for PostgreSQL: Zonal - Standard storage in /, perGibMonth)),
  def(
    "cloud-sql.ssd.ha.gb-month",
    "Cloud SQL SSD storage, regional (HA)",
    onDemand("cloud-sql", /^Cloud SQL for PostgreSQL: Regional - Standard storage in /, perGibMonth),
  ),
  def(
    "cloud-sql.hdd.gb-month",
    "Cloud SQL HDD storage, zonal",
    onDemand("cloud-sql", /^Cloud SQL for PostgreSQL: Zonal - (?:HDD|Low cost) storage in /, perGibMonth),
  ),
  def(
    "cloud-sql.hdd.ha.gb-month",
    "Cloud SQL HDD storage, regional (HA)",
    onDemand("cloud-sql", /^Cloud SQL for PostgreSQL: Regional - (?:HDD|Low cost) storage in /, perGibMonth),
  ),
  def("cloud-sql.backup.gb-month", "Cloud SQL backups", onDemand("cloud-sql", /^Cloud SQL for PostgreSQL: Backups in /, perGibMonth)),
  ...redisKeys(),
  // Cloud Storage, Standard class.
  def("gcs.standard.region.gb-month", "Cloud Storage Standard, regional", onDemand("cloud-storage", /^Standard Storage /, perGibMonth, "RegionalStorage")),
  def("gcs.standard.dual-region.gb-month", "Cloud Storage Standard, dual-region (unconfirmed SKU naming)", {
    ...onDemand("cloud-storage", /Dual-Region Standard Storage|Standard Storage .*Dual-region/i, perGibMonth),
    location: "multi-region",
  }),
  def("gcs.standard.multi-region.gb-month", "Cloud Storage Standard, multi-region", {
    ...onDemand("cloud-storage", /^(?:Multi-Region )?Standard Storage /, perGibMonth, "MultiRegionalStorage"),
    location: "multi-region",
  }),
  def(
    "gcs.class-a.region.10k-operations",
    "Cloud Storage Class A operations, regional",
    onDemand("cloud-storage", /^Regional Standard Class A Operations/, per10k),
  ),
  def(
    "gcs.class-b.region.10k-operations",
    "Cloud Storage Class B operations, regional",
    onDemand("cloud-storage", /^Regional Standard Class B Operations/, per10k),
  ),
  def("gcs.class-a.multi-region.10k-operations", "Cloud Storage Class A operations, multi- and dual-region", {
    ...onDemand("cloud-storage", /^Multi-Region Standard Class A Operations/, per10k),
    location: "multi-region",
  }),
  def("gcs.class-b.multi-region.10k-operations", "Cloud Storage Class B operations, multi- and dual-region", {
    ...onDemand("cloud-storage", /^Multi-Region Standard Class B Operations/, per10k),
    location: "multi-region",
  }),
  def("pubsub.throughput.gib", "Pub/Sub message delivery throughput", onDemand("pubsub", /^Message Delivery Basic/, perGib)),
  // Load balancing: one charge covers the first five forwarding rules; each further rule is extra.
  def(
    "lb.forwarding-rules.first-5.hour",
    "Load balancer forwarding rules, first 5 (minimum charge)",
    onDemand(NETWORK, /Forwarding Rule Minimum Service Charge/, perHour),
  ),
  def(
    "lb.forwarding-rule.additional.hour",
    "Load balancer forwarding rule beyond the first 5",
    onDemand(NETWORK, /Forwarding Rule Additional Service Charge/, perHour),
  ),
  def("lb.data-processed.gib", "Load balancer data processed", onDemand(NETWORK, /Load Balancing.*Data Process/i, perGib)),
  // Cloud Armor Standard (SKU names unconfirmed; if none matches, the refresh keeps the card's values).
  def("armor.policy.month", "Cloud Armor Standard policy", onDemand(NETWORK, /^Cloud Armor Policy Charge/, perMonth)),
  def("armor.rule.month", "Cloud Armor Standard rule", onDemand(NETWORK, /^Cloud Armor Rule Charge/, perMonth)),
  def("armor.requests.million", "Cloud Armor Standard requests", onDemand(NETWORK, /^Cloud Armor Request Charge/, perMillion)),
  def("secret-manager.version.month", "Secret Manager active secret version", onDemand("secret-manager", /^Secret version replica storage/, perMonth)),
  def("secret-manager.access.10k-operations", "Secret Manager access operations", onDemand("secret-manager", /^Secret access operations/, per10k)),
  def("logging.ingestion.gib", "Cloud Logging ingestion (beyond the free 50 GiB)", onDemand("cloud-logging", /^(?:Log Volume|Log Storage cost)$/, perGib)),
  def("artifact-registry.storage.gb-month", "Artifact Registry storage", onDemand("artifact-registry", /^Artifact Registry Storage/, perGibMonth)),
  def("scheduler.job.month", "Cloud Scheduler job (beyond the free 3)", onDemand("cloud-scheduler", /^(?:Cloud Scheduler )?Jobs?$/i, perMonth)),
  // Cloud KMS, software keys ("Active software symmetric key versions" is seen in billing exports; the operations SKU name is unconfirmed).
  def("kms.software-key-version.month", "Cloud KMS active software key version", onDemand("cloud-kms", /^Active software symmetric key versions/i, perMonth)),
  def(
    "kms.operations.10k-operations",
    "Cloud KMS cryptographic operations, software keys",
    onDemand("cloud-kms", /^(?:Cryptographic|Crypto) operations\b.*software/i, per10k),
  ),
  // SKU names unconfirmed: if none matches, the refresh keeps the card's value and says so
  def("network.static-ip.unused.hour", "Static external IP address reserved and not in use", onDemand(NETWORK, /^Static Ip Charge/i, perHour)),
  def("monitoring.alert-condition.month", "Cloud Monitoring alerting policy condition", onDemand("cloud-monitoring", /^Alerting Policy Condition/i, perMonth)),
  // Cloud NAT: uptime per VM-hour for the VMs using the gateway (capped above 32 VMs); data processed.
  def("nat.gateway.vm-hour", "Cloud NAT gateway uptime, per VM using it", onDemand(NETWORK, /^(?:Cloud )?NAT Gateway: Uptime(?: charge)?\b/i, perHour)),
  def("nat.data-processed.gib", "Cloud NAT data processed", onDemand(NETWORK, /^(?:Cloud )?NAT Gateway: Data Processing(?: charge)?\b/i, perGib)),
  // Internet egress, premium tier, to the same continent: the first paid tier.
  def(
    "egress.internet.premium.gib",
    "Internet egress, premium tier, same continent, first tier",
    onDemand(NETWORK, /^Network Internet Data Transfer Out from (Americas|EMEA|APAC) to \1$/, perGib),
  ),
];

/** The definition of `key`, if it is one of `GCP_RATE_KEYS`. */
export function rateKeyDefinition(key: string): RateKeyDefinition | undefined {
  return GCP_RATE_KEYS.find((entry) => entry.key === key);
}
