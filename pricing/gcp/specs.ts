import { z } from "zod";

const count = z.number().int().nonnegative().optional();
const amount = z.number().nonnegative();

/**
 * A Google Cloud piece of infrastructure described by size alone, as the architect knows it
 * before any Terraform exists (the contract between `nodes/architect` and `pricing/gcp`). `count`
 * (default 1) multiplies configuration-based items; usage-based items read the monthly figures
 * listed in `GCP_USAGE_KEYS`, and without a figure they are usage-based lines with no cost.
 */
export const gcpSpecSchema = z.discriminatedUnion("kind", [
  /**
   * Cloud Run service with CPU always allocated (instance-based billing): `minInstances` run all
   * month; usage: instance-hours above the minimum at peak (no per-request fee in this mode)
   */
  z.object({ kind: z.literal("cloud-run"), vcpu: amount, memoryGb: amount, minInstances: z.number().int().nonnegative() }),
  /** Cloud Run job on a schedule: each run starts `tasksPerRun` tasks for `runMinutes` */
  z.object({
    kind: z.literal("cloud-run-job"),
    vcpu: amount,
    memoryGb: amount,
    tasksPerRun: z.number().int().positive(),
    runsPerMonth: amount,
    runMinutes: amount,
  }),
  /** GKE cluster management fee, per cluster-hour (Standard or Autopilot) */
  z.object({ kind: z.literal("gke-cluster"), count }),
  /** Compute Engine VMs (GKE nodes) by machine type (`e2-standard-4`), on-demand or Spot */
  z.object({ kind: z.literal("compute-instance"), machineType: z.string().min(1), count, spot: z.boolean().optional() }),
  /** Persistent disk (`pd-balanced`, `pd-ssd`, `pd-standard`) per GB-month: GKE node boot disks */
  z.object({ kind: z.literal("persistent-disk"), type: z.enum(["pd-standard", "pd-balanced", "pd-ssd"]), sizeGb: amount, count }),
  /**
   * Cloud SQL (Enterprise edition): `db-custom-<vcpu>-<memoryMb>` billed per vCPU and GB of RAM,
   * or a shared-core tier (`db-f1-micro`, `db-g1-small`); HA doubles compute and storage
   */
  z.object({
    kind: z.literal("cloud-sql"),
    engine: z.enum(["postgres", "mysql"]),
    tier: z.string().min(1),
    highAvailability: z.boolean(),
    storageGb: amount,
    storageType: z.enum(["SSD", "HDD"]).optional(),
    /** read replicas: each a copy of compute and storage */
    replicas: count,
    /** `ENTERPRISE` (default) or `ENTERPRISE_PLUS` (99.99 % SLA for HA instances, priced higher per vCPU and GB) */
    edition: z.enum(["ENTERPRISE", "ENTERPRISE_PLUS"]).optional(),
  }),
  /** Memorystore for Redis: `BASIC` or `STANDARD_HA`, per GB-hour of provisioned capacity */
  z.object({ kind: z.literal("memorystore-redis"), tier: z.enum(["BASIC", "STANDARD_HA"]), memoryGb: z.number().positive() }),
  /** Cloud Storage bucket (Standard class): stored data and operations are usage */
  z.object({ kind: z.literal("gcs-bucket"), locationType: z.enum(["region", "dual-region", "multi-region"]), storageGb: amount.optional() }),
  /** Pub/Sub topic and its subscriptions: throughput is usage */
  z.object({ kind: z.literal("pubsub") }),
  /** External or internal Application Load Balancer: forwarding rules per hour; data processed is usage */
  z.object({ kind: z.literal("load-balancer"), forwardingRules: z.number().int().positive() }),
  /** Cloud Armor security policy (Standard): per policy and per rule a month; requests are usage */
  z.object({ kind: z.literal("cloud-armor"), rules: z.number().int().nonnegative() }),
  /** Secret Manager: active secret versions a month; access operations are usage */
  z.object({ kind: z.literal("secret-manager"), versions: z.number().int().nonnegative() }),
  /** Cloud Logging: ingestion beyond the free allotment is usage */
  z.object({ kind: z.literal("cloud-logging") }),
  /** Cloud Monitoring alerting policies (per condition a month) */
  z.object({ kind: z.literal("monitoring-alert"), conditions: z.number().int().nonnegative() }),
  /** Artifact Registry: stored images are usage */
  z.object({ kind: z.literal("artifact-registry") }),
  /** Cloud Scheduler jobs, per job a month */
  z.object({ kind: z.literal("cloud-scheduler"), jobs: z.number().int().nonnegative() }),
  /** Cloud NAT gateway: per gateway-hour; data processed is usage */
  z.object({ kind: z.literal("cloud-nat"), count }),
  /** A reserved static external IP address no forwarding rule in the Terraform uses (billed per hour while unused) */
  z.object({ kind: z.literal("static-ip"), count }),
  /** Data transfer out to the internet (premium tier); omit `monthlyGb` to make it usage-based */
  z.object({ kind: z.literal("data-transfer"), monthlyGb: amount.optional() }),
  /**
   * Cloud Run service with request-based billing (CPU only allocated during requests, Cloud Run's
   * default): `minInstances` idle all month at the idle rate; usage: requests and the billable
   * instance-seconds spent serving them. Added by pricing/gcp for Terraform services without
   * `cpu_idle = false`.
   */
  z.object({
    kind: z.literal("cloud-run-request-based"),
    vcpu: amount,
    memoryGb: amount,
    minInstances: z.number().int().nonnegative(),
  }),
  /**
   * Cloud KMS key (software protection level): per active key version a month; cryptographic
   * operations are usage. Added by pricing/gcp for the builder's customer-managed keys.
   */
  z.object({ kind: z.literal("kms-key"), versions: z.number().int().positive(), count }),
]);

export type GcpSpec = z.infer<typeof gcpSpecSchema>;
export type GcpSpecKind = GcpSpec["kind"];

/** Monthly usage keys each kind reads; anything else in a usage record is ignored. */
export const GCP_USAGE_KEYS: Readonly<Record<GcpSpecKind, readonly string[]>> = {
  "static-ip": [],
  "cloud-run": ["monthly_extra_instance_hours"],
  "cloud-run-job": [],
  "gke-cluster": [],
  "compute-instance": [],
  "persistent-disk": [],
  "cloud-sql": ["backup_storage_gb"],
  "memorystore-redis": [],
  "gcs-bucket": ["storage_gb", "monthly_class_a_operations", "monthly_class_b_operations"],
  pubsub: ["monthly_throughput_gb"],
  "load-balancer": ["monthly_data_processed_gb"],
  "cloud-armor": ["monthly_requests"],
  "secret-manager": ["monthly_access_operations"],
  "cloud-logging": ["monthly_ingested_gb"],
  "monitoring-alert": [],
  "artifact-registry": ["storage_gb"],
  "cloud-scheduler": [],
  "cloud-nat": ["monthly_data_processed_gb"],
  "data-transfer": ["monthly_gb"],
  "cloud-run-request-based": ["monthly_requests", "monthly_active_instance_seconds"],
  "kms-key": ["monthly_operations"],
};
