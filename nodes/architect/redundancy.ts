import type { GoalStatement } from "../../schemas/goal.js";
import type { DatabaseEngine } from "../../schemas/plan.js";

/**
 * Availability SLO → redundancy, after the tables in `compute/service-sizing-from-rps.md` and
 * `databases/rds-multi-az-failover-and-pitr.md`:
 * - ≤ 99.5 % outside prod: one AZ is allowed (single-AZ database, one NAT, one task);
 * - > 99.5 %, or prod: two or more AZs, Multi-AZ database, at least two tasks;
 * - ≥ 99.9 % in prod: three AZs recommended (two allowed);
 * - ≥ 99.95 %: three AZs, N+1 capacity, a NAT gateway per AZ, a read replica option.
 */
export interface Redundancy {
  tier: "single-az" | "multi-az" | "high" | "critical";
  /** AZs the design starts with. */
  azRecommended: number;
  /** Fewest AZs the SLO allows. */
  azMinimum: number;
  natPerAz: boolean;
  dbMultiAzRequired: boolean;
  /** Capacity must survive one AZ lost at peak. */
  nPlusOne: boolean;
  readReplicaOption: boolean;
  backupRetentionDays: number;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

/** True for compliance regimes that call for customer-managed keys and long retention. */
export function strictCompliance(goal: GoalStatement): boolean {
  return goal.compliance.includes("pci") || goal.compliance.includes("hipaa");
}

/** Redundancy the goal's SLO and environment call for. */
export function redundancyFor(goal: GoalStatement): Redundancy {
  const slo = goal.slo.availability;
  const prod = goal.environment === "prod";
  const backups = strictCompliance(goal) ? 35 : goal.compliance.length > 0 ? 14 : goal.environment === "dev" ? 1 : 7;
  const protect = prod || goal.compliance.length > 0;
  const common = { backupRetentionDays: backups, pointInTimeRecovery: protect, deletionProtection: protect };
  if (slo >= 99.95) {
    return { tier: "critical", azRecommended: 3, azMinimum: 3, natPerAz: true, dbMultiAzRequired: true, nPlusOne: true, readReplicaOption: true, ...common };
  }
  if (slo >= 99.9) {
    return {
      tier: "high",
      azRecommended: prod ? 3 : 2,
      azMinimum: 2,
      natPerAz: false,
      dbMultiAzRequired: true,
      nPlusOne: false,
      readReplicaOption: false,
      ...common,
    };
  }
  if (slo > 99.5 || prod) {
    return { tier: "multi-az", azRecommended: 2, azMinimum: 2, natPerAz: false, dbMultiAzRequired: true, nPlusOne: false, readReplicaOption: false, ...common };
  }
  return { tier: "single-az", azRecommended: 1, azMinimum: 1, natPerAz: false, dbMultiAzRequired: false, nPlusOne: false, readReplicaOption: false, ...common };
}

/** Fewest tasks or pods: one when a single AZ is allowed, else two, else one per AZ at ≥ 99.95 %. */
export function minimumTasks(redundancy: Redundancy, azCount: number): number {
  if (redundancy.tier === "single-az") return 1;
  return redundancy.tier === "critical" ? Math.max(2, azCount) : 2;
}

/**
 * Published monthly uptime commitments (percent) the composite estimate multiplies: the figure
 * below which AWS owes a service credit, so a floor the provider stands behind, not a measurement.
 * One table, each with its source (read 2025; the pages change rarely, check before quoting).
 */
export const PUBLISHED_SLA = {
  /** Elastic Load Balancing SLA: https://aws.amazon.com/elasticloadbalancing/sla/ */
  alb: 99.99,
  /** Amazon CloudFront SLA: https://aws.amazon.com/cloudfront/sla/ */
  cloudfront: 99.9,
  /** Amazon S3 SLA, S3 Standard: https://aws.amazon.com/s3/sla/ */
  s3: 99.9,
  /** Amazon SQS SLA (AWS messaging SLA): https://aws.amazon.com/messaging/sla/ */
  sqs: 99.9,
  /** Amazon Compute SLA (EC2, ECS, Fargate), region-level, tasks in two or more AZs: https://aws.amazon.com/compute/sla/ */
  computeMultiAz: 99.99,
  /** Amazon Compute SLA, instance-level (one task or instance, one AZ): https://aws.amazon.com/compute/sla/ */
  computeSingleAz: 99.5,
  /** Amazon RDS SLA, Multi-AZ DB instance: https://aws.amazon.com/rds/sla/ */
  rdsMultiAz: 99.95,
  /** Amazon RDS SLA, Single-AZ DB instance: https://aws.amazon.com/rds/sla/ */
  rdsSingleAz: 99.5,
  /** Amazon Aurora SLA, Multi-AZ DB cluster (instances in two or more AZs): https://aws.amazon.com/rds/aurora/sla/ */
  auroraMultiAz: 99.99,
} as const;

/** What sits in the request path, for the composite availability estimate. */
export interface AvailabilityInput {
  ingress: "alb-public" | "alb-internal" | "cloudfront" | "none";
  platform: "ecs-fargate" | "eks" | "none";
  azCount: number;
  /** Tasks or pods running at once (services and workers); null for scheduled runs, which start wherever a subnet is. */
  tasks: number | null;
  database: { engine: DatabaseEngine; multiAz: boolean } | null;
  queue: boolean;
  bucket: boolean;
}

/** One serial dependency and its published SLA. */
export interface AvailabilityPart {
  name: string;
  percent: number;
}

/**
 * The serial dependencies of a design. Left out: caches (the service degrades without one),
 * the EKS control plane (running pods keep serving without it) and NAT gateways (egress, not
 * the request path). Compute counts as multi-AZ only with subnets in two AZs and, for a
 * service, at least two tasks: one task is one AZ whatever its subnets.
 */
export function availabilityParts(input: AvailabilityInput): AvailabilityPart[] {
  const parts: AvailabilityPart[] = [];
  if (input.ingress === "cloudfront") parts.push({ name: "CloudFront", percent: PUBLISHED_SLA.cloudfront });
  if (input.ingress === "alb-public" || input.ingress === "alb-internal") parts.push({ name: "ALB", percent: PUBLISHED_SLA.alb });
  if (input.queue) parts.push({ name: "SQS", percent: PUBLISHED_SLA.sqs });
  if (input.platform !== "none") {
    const multi = input.azCount >= 2 && (input.tasks === null || input.tasks >= 2);
    const label = input.platform === "eks" ? "EC2 nodes" : "Fargate";
    const where = multi ? `across ${input.azCount} AZs` : input.tasks === 1 ? "one task in one AZ" : "in one AZ";
    parts.push({ name: `${label} ${where}`, percent: multi ? PUBLISHED_SLA.computeMultiAz : PUBLISHED_SLA.computeSingleAz });
  }
  if (input.bucket) parts.push({ name: "S3", percent: PUBLISHED_SLA.s3 });
  if (input.database) {
    const { engine, multiAz } = input.database;
    if (engine.startsWith("aurora-")) parts.push({ name: "Aurora Multi-AZ cluster", percent: PUBLISHED_SLA.auroraMultiAz });
    else parts.push({ name: `RDS ${multiAz ? "Multi-AZ" : "Single-AZ"}`, percent: multiAz ? PUBLISHED_SLA.rdsMultiAz : PUBLISHED_SLA.rdsSingleAz });
  }
  return parts;
}

/** Composite availability of serial dependencies: the product of their SLAs, percent to 3 dp. */
export function compositeAvailability(parts: readonly AvailabilityPart[]): number {
  const fraction = parts.reduce((acc, part) => acc * (part.percent / 100), 1);
  return Number((fraction * 100).toFixed(3));
}

/** `ALB 99.99 % × Fargate across 2 AZs 99.99 % × RDS Multi-AZ 99.95 % = 99.93 %`: the arithmetic, for plans and BLOCKED reasons. */
export function availabilityArithmetic(parts: readonly AvailabilityPart[]): string {
  return `${parts.map((part) => `${part.name} ${part.percent} %`).join(" × ")} = ${compositeAvailability(parts)} %`;
}
