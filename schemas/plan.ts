import { z } from "zod";
import { componentRuntimeSchema } from "./component.js";
import { clouds, environments } from "./goal.js";

const severity = z.enum(["critical", "high", "medium", "low", "info"]);

export const componentKinds = [
  "vpc",
  "nat-gateway",
  "alb",
  "cloudfront",
  "ecs-service",
  "eks-cluster",
  "eks-node-group",
  "rds-postgres",
  "elasticache-redis",
  "s3-bucket",
  "sqs-queue",
  "ecr-repository",
  "cloudwatch-alarms",
  "secrets",
  "kms-key",
  "rds-mysql",
  "aurora-cluster",
  "waf",
  "vpc-endpoint",
  // Azure
  "azure-vnet",
  "azure-nat-gateway",
  "azure-front-door",
  "azure-app-gateway",
  "azure-container-apps-env",
  "azure-container-app",
  "aks-cluster",
  "aks-node-pool",
  "azure-postgres",
  "azure-mysql",
  "azure-redis",
  "azure-storage",
  "azure-service-bus",
  "azure-container-registry",
  "azure-key-vault",
  "azure-log-analytics",
  "azure-monitor-alerts",
  // Google Cloud
  "gcp-vpc",
  "gcp-load-balancer",
  "cloud-armor",
  "cloud-run",
  "gke-cluster",
  "gke-node-pool",
  "cloud-sql-postgres",
  "cloud-sql-mysql",
  "memorystore-redis",
  "gcs-bucket",
  "pubsub",
  "artifact-registry",
  "secret-manager",
  "cloud-logging",
  "cloud-monitoring-alerts",
  "cloud-scheduler",
  "cloud-nat",
] as const;

/** Compute platforms by cloud: what runs the containers (`none` for designs without them). */
export const platforms = ["ecs-fargate", "eks", "container-apps", "aks", "cloud-run", "gke", "none"] as const;

/** One deployable piece of the design. */
export const componentSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    kind: z.enum(componentKinds),
    role: z.string().min(1),
    /** instance type or class, where the component has one */
    size: z.string().nullable(),
    count: z.number().int().min(0),
    optional: z.boolean(),
    depends_on: z.array(z.string()),
    monthly_usd: z.number().min(0),
  })
  .strict();

/** A VPC the goal names (`existing_components` or a constraint): the Terraform reads it with data sources instead of creating one. */
export const existingVpcSchema = z
  .object({
    vpc_id: z.string().regex(/^vpc-[0-9a-f]{8,17}$/),
    /** subnets to use; empty: every subnet of the VPC tagged for the tier (data source filter) */
    subnet_ids: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/)),
  })
  .strict();

export const networkSchema = z
  .object({
    vpc_cidr: z.string(),
    availability_zones: z.array(z.string()).min(1),
    public_subnets: z.array(z.string()),
    private_subnets: z.array(z.string()),
    nat_gateways: z.number().int().min(0),
    /** alb, cloudfront (aws); front-door, app-gateway (azure); https-lb (gcp: external or internal Application Load Balancer) */
    ingress: z.object({ type: z.enum(["alb", "cloudfront", "front-door", "app-gateway", "https-lb", "none"]), public: z.boolean(), tls: z.boolean() }).strict(),
    /** where tasks run: private subnets behind NAT, or public subnets with a public IP and no NAT (security groups allow no inbound but the ALB) */
    task_subnets: z.enum(["private", "public"]).default("private"),
    /** VPC endpoints: `s3` (gateway, free) and interface endpoints by service name (`ecr.api`, `ecr.dkr`, `logs`, `secretsmanager`, `sqs`) */
    vpc_endpoints: z.array(z.string()).default([]),
    existing_vpc: existingVpcSchema.nullable().default(null),
  })
  .strict();

/** When a scheduled batch job starts and what one run is sized for (data pipelines). */
export const scheduleSchema = z
  .object({
    /** EventBridge schedule expression, UTC: `cron(0 2 * * ? *)`, `rate(30 minutes)` */
    expression: z.string().regex(/^(rate|cron)\(.+\)$/, "an EventBridge rate(...) or cron(...) expression"),
    /** expected wall-clock minutes of one run, headroom included: what the cost is priced for */
    run_minutes: z.number().int().min(1).max(1440),
    /** tasks or pods started in parallel by each run */
    tasks_per_run: z.number().int().min(1),
  })
  .strict();

export const computeSchema = z
  .object({
    platform: z.enum(platforms),
    /** vCPU per task or pod */
    cpu: z.number().min(0),
    memory_mb: z.number().int().min(0),
    min_replicas: z.number().int().min(0),
    max_replicas: z.number().int().min(0),
    target_cpu_percent: z.number().int().min(10).max(95),
    /** worker nodes' instance type (EKS), VM size (AKS, `Standard_D4s_v5`) or machine type (GKE, `e2-standard-4`) */
    node_instance_type: z.string().nullable(),
    node_count: z.number().int().min(0),
    container_port: z.number().int().min(1).max(65535),
    image: z.string().min(1),
    /** runs started on a schedule instead of a long-running service; null for services and workers */
    schedule: scheduleSchema.nullable().default(null),
    /** CPU architecture of tasks (Fargate runtime platform) or nodes */
    architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
    /** Fargate capacity: on-demand, or Spot for interruptible work (workers, pipelines) */
    capacity: z.enum(["on-demand", "spot"]).default("on-demand"),
  })
  .strict();

/** RDS engines a design can use; `aurora-*` are Aurora clusters (writer plus readers across AZs). */
export const databaseEngines = ["postgres", "mysql", "aurora-postgresql", "aurora-mysql"] as const;
export type DatabaseEngine = (typeof databaseEngines)[number];

export const databaseSchema = z
  .object({
    id: z.string(),
    engine: z.enum(databaseEngines),
    engine_version: z.string(),
    instance_class: z.string(),
    multi_az: z.boolean(),
    storage_gb: z.number().int().min(20),
    max_storage_gb: z.number().int().min(20),
    backup_retention_days: z.number().int().min(0).max(35),
    point_in_time_recovery: z.boolean(),
    read_replicas: z.number().int().min(0).max(5),
    deletion_protection: z.boolean(),
  })
  .strict();

export const cacheSchema = z
  .object({ id: z.string(), engine: z.literal("redis"), node_type: z.string(), nodes: z.number().int().min(1), multi_az: z.boolean() })
  .strict();

export const bucketSchema = z
  .object({ id: z.string(), purpose: z.string(), versioning: z.boolean(), storage_gb: z.number().min(0), public_website: z.boolean() })
  .strict();

export const queueSchema = z
  .object({ id: z.string(), fifo: z.boolean(), visibility_timeout_s: z.number().int(), max_receive_count: z.number().int().min(1) })
  .strict();

export const iamScopeSchema = z.object({ principal: z.string(), actions: z.array(z.string()).min(1), resources: z.array(z.string()).min(1) }).strict();

export const securitySchema = z
  .object({
    encryption_at_rest: z.boolean(),
    encryption_in_transit: z.boolean(),
    /** who holds the encryption keys: the cloud's own keys (`aws-managed`; `platform-managed` on azure and gcp) or a key the design creates */
    kms: z.enum(["aws-managed", "platform-managed", "customer-managed"]),
    iam_scopes: z.array(iamScopeSchema),
    secrets: z.array(z.object({ name: z.string(), purpose: z.string() }).strict()),
    /** an AWS WAF web ACL (managed common and known-bad-inputs rule groups) in front of the public entry point */
    waf: z.boolean().default(false),
  })
  .strict();

export const observabilitySchema = z
  .object({
    metrics: z.array(z.string()),
    alerts: z.array(z.object({ name: z.string(), metric: z.string(), comparison: z.enum([">", "<", ">=", "<="]), threshold: z.number(), severity }).strict()),
    slos: z.array(z.object({ name: z.string(), objective_percent: z.number(), window_days: z.number().int() }).strict()),
    log_retention_days: z.number().int().min(1),
  })
  .strict();

export const costBudgetSchema = z
  .object({
    currency: z.literal("USD"),
    monthly_total_usd: z.number().min(0),
    budget_usd: z.number().positive(),
    status: z.enum(["OK", "WARN", "OVER"]),
    breakdown: z.array(
      z
        .object({
          component_id: z.string(),
          monthly_usd: z.number().min(0),
          /** the part that runs whatever the traffic (hours, provisioned storage) */
          fixed_usd: z.number().min(0).default(0),
          /** the part priced from the goal's drivers (requests, data out, messages, stored data) */
          usage_usd: z.number().min(0).default(0),
          detail: z.string(),
        })
        .strict(),
    ),
    /** usage-based items left unpriced (no driver in the goal, or not in the price sheet) */
    usage_based: z.array(z.string()),
    fixed_monthly_usd: z.number().min(0).default(0),
    usage_monthly_usd: z.number().min(0).default(0),
    /** the assumptions usage prices rest on, each with where it came from (the goal or a stated default) */
    usage_assumptions: z.array(z.string()).default([]),
  })
  .strict();

export const performanceBudgetSchema = z
  .object({
    target_rps: z.number().min(0),
    capacity_rps: z.number().min(0),
    headroom_percent: z.number(),
    p95_latency_ms_target: z.number().nullable(),
    availability_target: z.number(),
    estimated_availability: z.number(),
  })
  .strict();

export const citationSchema = z
  .object({
    source: z.string(),
    heading_path: z.array(z.string()),
    line_start: z.number().int(),
    line_end: z.number().int(),
    reason: z.string(),
    /** the cited lines' text as retrieved when the plan was made (at most 1,200 characters): what the plan was grounded on */
    excerpt: z.string().max(1200).optional(),
  })
  .strict();

export const constraintKinds = [
  "kubernetes",
  "cpu-architecture",
  "nat",
  "existing-network",
  "database-engine",
  "availability-zones",
  "serverless",
  "instance-families",
  "region",
  "security-control",
  "budget",
  "capacity",
  "unknown",
] as const;

/** How the plan treated one constraint of the goal (or one of its existing components). */
export const planConstraintSchema = z
  .object({
    /** the goal's words (or `existing <kind> <name> (<id>)`) */
    text: z.string(),
    kind: z.enum(constraintKinds),
    /** hard: must hold or the plan is BLOCKED; soft: a preference the plan may miss, saying why */
    hard: z.boolean(),
    status: z.enum(["honoured", "not_honoured", "not_understood"]),
    /** what in the design honours it, or why it could not be */
    how: z.string(),
  })
  .strict();

/** The design contract the builder, validator and reviewer all work from. */
export const planSpecSchema = z
  .object({
    plan_id: z.string(),
    version: z.number().int().min(1),
    parent_version: z.number().int().min(1).nullable(),
    trace_id: z.string(),
    goal_name: z.string(),
    pattern: z.string(),
    planner: z.enum(["deterministic", "model"]),
    cloud: z.enum(clouds),
    region: z.string(),
    environment: z.enum(environments),
    summary: z.string(),
    components: z.array(componentSchema).min(1),
    network: networkSchema,
    compute: computeSchema,
    databases: z.array(databaseSchema),
    caches: z.array(cacheSchema),
    buckets: z.array(bucketSchema),
    queues: z.array(queueSchema),
    security: securitySchema,
    observability: observabilitySchema,
    cost: costBudgetSchema,
    performance: performanceBudgetSchema,
    risks: z.array(z.object({ id: z.string(), title: z.string(), severity, mitigation: z.string() }).strict()),
    tradeoffs: z.array(z.object({ decision: z.string(), alternatives: z.array(z.string()), rationale: z.string() }).strict()),
    citations: z.array(citationSchema),
    diagram: z.string().startsWith("flowchart"),
    revision_notes: z.array(z.string()),
    constraints: z.array(planConstraintSchema).default([]),
    /** the goal's `components`, copied verbatim: the builder renders each as its own Kubernetes workload */
    runtime_components: z.array(componentRuntimeSchema).default([]),
  })
  .strict();

export type PlanConstraint = z.infer<typeof planConstraintSchema>;
export type PlanSpec = z.infer<typeof planSpecSchema>;
export type PlanComponent = z.infer<typeof componentSchema>;
export type PlanSchedule = z.infer<typeof scheduleSchema>;
