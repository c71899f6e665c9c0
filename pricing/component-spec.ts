import { z } from "zod";

const count = z.number().int().nonnegative().optional();
const amount = z.number().nonnegative();

/**
 * A piece of infrastructure described by size alone, as the architect's planner knows it
 * before any Terraform exists. `count` (default 1) multiplies configuration-based items.
 * Usage-based items read monthly figures from the usage record passed alongside; the keys
 * each kind reads are listed in `USAGE_KEYS`.
 */
export const componentSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ec2"), instanceType: z.string().min(1), count }),
  z.object({
    kind: z.literal("fargate"),
    /** vCPU per task, e.g. 0.25 for a task with `cpu = 256`. */
    vcpu: amount,
    /** Memory per task in GB, e.g. 0.5 for `memory = 512`. */
    memoryGb: amount,
    /** Number of tasks running all month, or started by each scheduled run (default 1). */
    tasks: count,
    architecture: z.enum(["x86_64", "arm64"]).optional(),
    /** On-demand (default) or Fargate Spot, which runs x86_64 tasks only. */
    capacity: z.enum(["on-demand", "spot"]).optional(),
    /** Ephemeral storage per task; only the part above the free 20 GB is billed. */
    ephemeralStorageGb: amount.optional(),
    /**
     * Tasks started on a schedule instead of running all month: each run starts `tasks`
     * tasks that last `runMinutes`. `note` says where a figure came from when it was assumed.
     */
    schedule: z.object({ runsPerMonth: amount, runMinutes: amount, note: z.string().optional() }).optional(),
  }),
  z.object({ kind: z.literal("eks-control-plane"), count }),
  z.object({
    kind: z.literal("rds"),
    /**
     * Terraform's engine name: `postgres`, `mysql`, `mariadb` (billed at MySQL rates),
     * `oracle-ee`, `oracle-se2` (and their `-cdb` forms), `sqlserver-ex`, `-web`, `-se`, `-ee`.
     */
    engine: z.string().min(1),
    /** `license-included` or `bring-your-own-license`; matters for Oracle (SQL Server is license-included). */
    licenseModel: z.string().optional(),
    instanceClass: z.string().min(1),
    multiAz: z.boolean().optional(),
    storageGb: amount.optional(),
    /** `gp2` (default), `gp3`, `io1`, `io2` or `standard` (magnetic). */
    storageType: z.string().optional(),
    /** Provisioned IOPS (io1, io2: AWS bills at least 1,000), or total IOPS for gp3 (billed above the baseline). */
    iops: amount.optional(),
    count,
  }),
  z.object({ kind: z.literal("aurora-instance"), instanceClass: z.string().min(1), count }),
  z.object({ kind: z.literal("aurora-storage") }),
  z.object({
    kind: z.literal("elasticache"),
    nodeType: z.string().min(1),
    nodes: count,
    /** `redis` (default), `valkey` or `memcached`. */
    engine: z.string().optional(),
  }),
  z.object({ kind: z.literal("alb"), count }),
  z.object({ kind: z.literal("nlb"), count }),
  z.object({ kind: z.literal("gwlb"), count }),
  z.object({ kind: z.literal("nat"), count }),
  z.object({
    kind: z.literal("public-ipv4"),
    count,
    /** Hours a month each address is held: all month (730) by default; less for tasks that run on a schedule. */
    hours: amount.optional(),
  }),
  z.object({
    kind: z.literal("vpc-endpoint"),
    /**
     * `interface` (default; billed per AZ-hour and per GB), `gateway` (S3, DynamoDB: free) or
     * `gateway-load-balancer` (one zone each; billed per endpoint-hour and per GB).
     */
    type: z.enum(["interface", "gateway", "gateway-load-balancer"]).optional(),
    /** Availability zones an interface endpoint has a network interface in (default 1). */
    azs: count,
    /** Endpoints of this shape (one per AWS service reached, default 1). */
    count,
  }),
  z.object({
    kind: z.literal("waf"),
    /** Rules and managed rule groups in the web ACL; each is billed per month. */
    rules: z.number().int().nonnegative(),
    /** Web ACLs of this shape (default 1). */
    count,
  }),
  z.object({
    kind: z.literal("ebs"),
    /** `gp2`, `gp3`, `io1`, `io2`, `st1`, `sc1` or `standard` (magnetic). */
    volumeType: z.string().min(1),
    sizeGb: amount,
    iops: amount.optional(),
    throughputMbps: amount.optional(),
    count,
    /** What the line should say about an assumed figure (e.g. a root volume sized by convention). */
    note: z.string().optional(),
  }),
  z.object({ kind: z.literal("s3"), /** Stored data; omit to make storage usage-based. */ storageGb: amount.optional() }),
  z.object({
    kind: z.literal("cloudwatch-alarm"),
    count,
    highResolution: z.boolean().optional(),
    /** Alarm metrics each alarm is billed for (default 1): one per metric in a metric-math expression, 3 for anomaly detection. */
    metrics: z.number().int().positive().optional(),
    /** Why `metrics` is not 1, for the cost line. */
    note: z.string().optional(),
  }),
  z.object({ kind: z.literal("cloudwatch-composite-alarm"), count }),
  z.object({
    kind: z.literal("cloudwatch-metrics"),
    /** Metrics each item publishes, billed as custom metrics (EC2 detailed monitoring: 7). */
    metrics: z.number().int().positive(),
    count,
    /** What publishes them, for the cost line. */
    note: z.string().optional(),
  }),
  z.object({ kind: z.literal("cloudwatch-logs") }),
  z.object({ kind: z.literal("secrets-manager"), count }),
  z.object({ kind: z.literal("kms-key"), count }),
  z.object({ kind: z.literal("data-transfer"), /** Omit to make it usage-based. */ monthlyGb: amount.optional() }),
  z.object({ kind: z.literal("sqs") }),
  z.object({ kind: z.literal("sns") }),
  z.object({ kind: z.literal("lambda") }),
  z.object({ kind: z.literal("cloudfront") }),
]);

/** A component to price; see `componentSpecSchema`. */
export type ComponentSpec = z.infer<typeof componentSpecSchema>;

/** Every component kind. */
export type ComponentKind = ComponentSpec["kind"];

/** Monthly usage keys each kind reads; anything else in a usage record is ignored. */
export const USAGE_KEYS: Readonly<Record<ComponentKind, readonly string[]>> = {
  ec2: [],
  fargate: [],
  "eks-control-plane": [],
  rds: ["backup_storage_gb", "monthly_standard_io_requests"],
  "aurora-instance": ["monthly_acu_hours"],
  "aurora-storage": ["storage_gb", "monthly_io_requests"],
  elasticache: [],
  alb: ["monthly_lcu_hours"],
  nlb: ["monthly_lcu_hours"],
  gwlb: ["monthly_glcu_hours"],
  nat: ["monthly_data_processed_gb"],
  "public-ipv4": [],
  "vpc-endpoint": ["monthly_data_processed_gb"],
  waf: ["monthly_requests"],
  ebs: ["monthly_standard_io_requests"],
  s3: ["storage_gb", "monthly_put_requests", "monthly_get_requests"],
  "cloudwatch-alarm": [],
  "cloudwatch-composite-alarm": [],
  "cloudwatch-metrics": [],
  "cloudwatch-logs": ["monthly_ingested_gb", "storage_gb"],
  "secrets-manager": ["monthly_api_calls"],
  "kms-key": ["monthly_requests"],
  "data-transfer": ["monthly_gb"],
  sqs: ["monthly_requests"],
  sns: ["monthly_requests"],
  lambda: ["monthly_requests", "monthly_gb_seconds"],
  cloudfront: ["monthly_data_transfer_gb", "monthly_https_requests"],
};
