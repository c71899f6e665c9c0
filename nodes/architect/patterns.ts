import type { GoalStatement } from "../../schemas/goal.js";
import type { componentKinds } from "../../schemas/plan.js";

type ComponentKind = (typeof componentKinds)[number];
type WorkloadType = GoalStatement["workload"]["type"];

/** Compute platform a pattern runs on; `none` for designs without containers. */
export type Platform = "ecs-fargate" | "eks" | "none";

/** One component slot a pattern can fill. `when` says why an optional slot is filled. */
export interface PatternSlot {
  id: string;
  kind: ComponentKind;
  when?: string;
}

/** A reference architecture the planner instantiates for one workload type. */
export interface PatternDef {
  id: string;
  title: string;
  workload: WorkloadType;
  /** How traffic reaches the workload. */
  ingress: "alb-public" | "alb-internal" | "cloudfront" | "none";
  /** How the containers run: a long-running service, queue consumers, scheduled runs, or none. */
  compute: "service" | "worker" | "scheduled" | "none";
  /** Whether a Postgres database is part of the default design when the goal does not say. */
  databaseByDefault: boolean;
  required: PatternSlot[];
  optional: PatternSlot[];
}

const network: PatternSlot[] = [{ id: "vpc", kind: "vpc" }];
const nat: PatternSlot = {
  id: "nat",
  kind: "nat-gateway",
  when: "tasks in private subnets reach the internet through NAT (always in prod; outside prod, public-subnet tasks or VPC endpoints may replace it)",
};
const observe: PatternSlot = { id: "alarms", kind: "cloudwatch-alarms" };
const registry: PatternSlot = { id: "ecr", kind: "ecr-repository" };
const db: PatternSlot = { id: "db", kind: "rds-postgres", when: "the workload keeps relational data (needs_database)" };
const replica: PatternSlot = {
  id: "db-replica",
  kind: "rds-postgres",
  when: "availability >= 99.95 % (read scaling and a warm copy), or DB load above one instance",
};
const cache: PatternSlot = {
  id: "cache",
  kind: "elasticache-redis",
  when: "needs_cache, or a web API at >= 1,000 rps peak (hot reads)",
};
const secrets: PatternSlot = { id: "secrets", kind: "secrets", when: "a database or cache needs credentials" };
const waf: PatternSlot = { id: "waf", kind: "waf", when: "PCI, HIPAA or SOC 2, or a constraint asks for a WAF (the last budget step drops an implied one)" };
const endpoints: PatternSlot = { id: "endpoints", kind: "vpc-endpoint", when: "no NAT with tasks in private subnets, or a constraint asks for VPC endpoints" };
const kms: PatternSlot = { id: "kms", kind: "kms-key", when: "prod, PCI or HIPAA: customer-managed encryption key" };

/** The pattern catalogue, one entry per workload type. */
export const PATTERNS: Readonly<Record<WorkloadType, PatternDef>> = {
  "web-api": {
    id: "web-api-relational",
    title: "Containerised web API with a relational database",
    workload: "web-api",
    ingress: "alb-public",
    compute: "service",
    databaseByDefault: true,
    required: [...network, { id: "alb", kind: "alb" }, { id: "app", kind: "ecs-service" }, registry, observe],
    optional: [nat, endpoints, db, replica, cache, secrets, kms, waf],
  },
  worker: {
    id: "queue-worker",
    title: "Asynchronous worker fed by a queue",
    workload: "worker",
    ingress: "none",
    compute: "worker",
    databaseByDefault: false,
    required: [
      ...network,
      { id: "queue", kind: "sqs-queue" },
      { id: "queue-dlq", kind: "sqs-queue" },
      { id: "worker", kind: "ecs-service" },
      registry,
      observe,
    ],
    optional: [nat, endpoints, db, secrets, kms],
  },
  "static-site": {
    id: "static-site-cdn",
    title: "Static site on S3 behind CloudFront",
    workload: "static-site",
    ingress: "cloudfront",
    compute: "none",
    databaseByDefault: false,
    required: [{ id: "cdn", kind: "cloudfront" }, { id: "site-bucket", kind: "s3-bucket" }, observe],
    optional: [kms, waf],
  },
  "data-pipeline": {
    id: "batch-pipeline",
    title: "Scheduled batch pipeline over an S3 data bucket",
    workload: "data-pipeline",
    ingress: "none",
    compute: "scheduled",
    databaseByDefault: false,
    required: [...network, { id: "data-bucket", kind: "s3-bucket" }, { id: "jobs", kind: "ecs-service" }, registry, observe],
    optional: [nat, endpoints, db, secrets, kms],
  },
  "internal-service": {
    id: "internal-service",
    title: "Internal service behind a private load balancer",
    workload: "internal-service",
    ingress: "alb-internal",
    compute: "service",
    databaseByDefault: false,
    required: [...network, { id: "alb", kind: "alb" }, { id: "app", kind: "ecs-service" }, registry, observe],
    optional: [nat, endpoints, db, cache, secrets, kms, waf],
  },
};

/** A catalogue entry bound to a platform. */
export interface ResolvedPattern {
  def: PatternDef;
  platform: Platform;
}

/**
 * The pattern for a goal: by workload type, on the platform the constraints (read by
 * `constraints/read.ts`) or a reviewer's directive ask for, otherwise on ECS Fargate.
 */
export function selectPattern(goal: GoalStatement, platform: "ecs-fargate" | "eks" = "ecs-fargate"): ResolvedPattern {
  const def = PATTERNS[goal.workload.type];
  if (def.compute === "none") return { def, platform: "none" };
  return { def, platform };
}
