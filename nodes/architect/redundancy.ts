import type { GoalStatement } from "../../schemas/goal.js";

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

/** Published monthly uptime commitments (percent) the composite estimate multiplies. */
export const PUBLISHED_SLA = {
  alb: 99.99,
  cloudfront: 99.9,
  s3: 99.9,
  sqs: 99.9,
  computeMultiAz: 99.99,
  computeSingleAz: 99.5,
  rdsMultiAz: 99.95,
  rdsSingleAz: 99.5,
} as const;

/** What sits in the request path, for the composite availability estimate. */
export interface AvailabilityInput {
  ingress: "alb-public" | "alb-internal" | "cloudfront" | "none";
  platform: "ecs-fargate" | "eks" | "none";
  azCount: number;
  database: { multiAz: boolean } | null;
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
 * the request path).
 */
export function availabilityParts(input: AvailabilityInput): AvailabilityPart[] {
  const parts: AvailabilityPart[] = [];
  if (input.ingress === "cloudfront") parts.push({ name: "CloudFront", percent: PUBLISHED_SLA.cloudfront });
  if (input.ingress === "alb-public" || input.ingress === "alb-internal") parts.push({ name: "ALB", percent: PUBLISHED_SLA.alb });
  if (input.queue) parts.push({ name: "SQS", percent: PUBLISHED_SLA.sqs });
  if (input.platform !== "none") {
    const multi = input.azCount >= 2;
    const label = input.platform === "eks" ? "EC2 nodes" : "Fargate";
    parts.push({
      name: `${label} ${multi ? `across ${input.azCount} AZs` : "in one AZ"}`,
      percent: multi ? PUBLISHED_SLA.computeMultiAz : PUBLISHED_SLA.computeSingleAz,
    });
  }
  if (input.bucket) parts.push({ name: "S3", percent: PUBLISHED_SLA.s3 });
  if (input.database) {
    const multi = input.database.multiAz;
    parts.push({ name: `RDS ${multi ? "Multi-AZ" : "Single-AZ"}`, percent: multi ? PUBLISHED_SLA.rdsMultiAz : PUBLISHED_SLA.rdsSingleAz });
  }
  return parts;
}

/** Composite availability of serial dependencies: the product of their SLAs, percent to 3 dp. */
export function compositeAvailability(parts: readonly AvailabilityPart[]): number {
  const fraction = parts.reduce((acc, part) => acc * (part.percent / 100), 1);
  return Number((fraction * 100).toFixed(3));
}
