import type { GoalStatement } from "../../schemas/goal.js";
import type { DatabaseEngine } from "../../schemas/plan.js";
import { familyAllowed, type Intent } from "./constraints/intent.js";
import type { ResolvedPattern } from "./patterns.js";
import { minimumTasks, type Redundancy, strictCompliance } from "./redundancy.js";
import { componentPods } from "./runtime-components.js";
import { growthFactor, type PipelineSizing, type ServiceSizing, sizePipeline, sizeService, sizeWorkers } from "./sizing.js";
import {
  auroraClassFor,
  CACHE_RPS_THRESHOLD,
  cacheSize,
  DB_LADDER,
  type DbRung,
  dbLoad,
  dbRung,
  dbStorage,
  minimumDbRung,
  recommendedDbRung,
  requiredReplicas,
} from "./sizing-db.js";
import { type Architecture, type NodeSizing, sizeNodes } from "./sizing-nodes.js";

/** Budget-fit steps, in the order they are tried (see `budget-fit.ts`). */
export const STEP_IDS = [
  "spot",
  "graviton",
  "drop-read-replicas",
  "drop-cache",
  "no-nat",
  "smaller-db-class",
  "single-nat",
  "fewer-azs",
  "single-az-db",
  "drop-waf",
] as const;

/** One budget-fit step; directives and findings can pin (rule out) steps. */
export type StepId = (typeof STEP_IDS)[number];

/**
 * The decisions a plan is made of. Everything numeric (tasks, storage, nodes) is derived from
 * these by `sizeDesign`, so a budget step changes a decision and the sizing follows.
 */
export interface Design {
  goal: GoalStatement;
  pattern: ResolvedPattern;
  redundancy: Redundancy;
  arch: Architecture;
  /** Fargate on-demand, or Spot for interruptible work */
  capacity: "on-demand" | "spot";
  azCount: number;
  natCount: number;
  /** how tasks reach the internet and AWS APIs: NAT gateways, public subnets (no NAT), or VPC endpoints (no NAT) */
  egress: "nat" | "public-subnets" | "vpc-endpoints";
  /** a VPC the goal names: read with data sources, not created */
  existingVpc: { vpc_id: string; subnet_ids: string[] } | null;
  dbEngine: DatabaseEngine;
  waf: boolean;
  /** at least two tasks in two AZs (the SLO gate sets it when one task in one AZ is too little) */
  computeSpread: boolean;
  /** what the goal's constraints ask for */
  intent: Intent;
  /** Ladder index of the primary; null without a database. */
  database: { rung: number; multiAz: boolean; readReplicas: number } | null;
  cache: boolean;
  customerManagedKey: boolean;
  deletionProtection: boolean;
  minBackupDays: number;
  pins: ReadonlySet<StepId>;
}

/** Choices the reviewer or the findings made, applied over the defaults. */
export interface DesignOverrides {
  platform?: "ecs-fargate" | "eks";
  cache?: boolean;
  azCount?: number;
  natPerAz?: boolean;
  arch?: Architecture;
  readReplicas?: number;
  customerManagedKey?: boolean;
  dbMultiAz?: boolean;
  deletionProtection?: boolean;
  minBackupDays?: number;
  pins?: StepId[];
}

/** Peak request (or message) rate after 12-month growth; defaults when the goal gives none. */
export function peakRate(goal: GoalStatement): number {
  const w = goal.workload;
  const base = w.type === "worker" ? (w.messages_per_second ?? 1) : (w.requests_per_second ?? (w.type === "data-pipeline" ? 0 : 10));
  return Math.ceil(Number((base * growthFactor(w.growth_percent_per_month)).toPrecision(12)));
}

function wantsDatabase(goal: GoalStatement, pattern: ResolvedPattern): boolean {
  if (pattern.def.compute === "none") return false;
  return goal.workload.needs_database ?? pattern.def.databaseByDefault;
}

function wantsCache(goal: GoalStatement, pattern: ResolvedPattern): boolean {
  if (!pattern.def.optional.some((slot) => slot.id === "cache")) return false;
  if (goal.workload.needs_cache !== undefined) return goal.workload.needs_cache;
  return goal.workload.type === "web-api" && peakRate(goal) >= CACHE_RPS_THRESHOLD;
}

/** Data the database holds: the goal's figure, or a tenth of a pipeline's raw data, 10 GB by default. */
function databaseDataGb(goal: GoalStatement): number {
  const data = goal.workload.data_size_gb ?? 10;
  return goal.workload.type === "data-pipeline" ? data * 0.1 : data;
}

function databaseLoad(goal: GoalStatement, cached: boolean): number {
  return goal.workload.type === "data-pipeline" ? 100 : dbLoad(peakRate(goal), cached);
}

/** How tasks reach the internet and AWS APIs, from the NAT and endpoint constraints. */
function egressFor(intent: Intent): Design["egress"] {
  if (intent.nat !== "none") return "nat";
  return intent.endpoints === "preferred" ? "vpc-endpoints" : "public-subnets";
}

/** NAT gateways: none without NAT egress, one per AZ when asked (or the SLO tier wants it), else one. */
function natCountFor(egress: Design["egress"], intent: Intent, perAz: boolean, azCount: number): number {
  if (egress !== "nat") return 0;
  if (intent.nat === "single") return 1;
  return intent.nat === "per-az" || perAz ? azCount : 1;
}

/** The first database rung at or above `rung` whose class the constraints allow (the rung itself when none is). */
export function allowedDbRung(intent: Intent, rung: number): number {
  for (let index = rung; index < DB_LADDER.length; index++) if (familyAllowed(intent, dbRung(index).instanceClass)) return index;
  return rung;
}

/** The design a goal starts from, before budget fitting. */
export function initialDesign(goal: GoalStatement, pattern: ResolvedPattern, redundancy: Redundancy, o: DesignOverrides, intent: Intent): Design {
  const cache = o.cache ?? wantsCache(goal, pattern);
  const hasCompute = pattern.platform !== "none";
  const azWanted = o.azCount ?? Math.max(redundancy.azRecommended, intent.azMin ?? 0);
  const azCount = hasCompute
    ? Math.min(3, intent.azMax !== undefined && o.azCount === undefined ? Math.max(redundancy.azMinimum, Math.min(azWanted, intent.azMax)) : azWanted)
    : 1;
  const minRung = minimumDbRung(databaseLoad(goal, cache), databaseDataGb(goal));
  const egress = hasCompute ? egressFor(intent) : "nat";
  const replicas = requiredReplicas(databaseLoad(goal, cache)) + (redundancy.readReplicaOption ? 1 : 0);
  return {
    goal,
    pattern,
    redundancy,
    arch: hasCompute ? (o.arch ?? intent.arch ?? "x86_64") : "x86_64",
    // Fargate Spot runs x86_64 tasks only: an arm64 constraint wins over a permission to use Spot
    capacity:
      intent.spot === "spot-allowed" &&
      intent.arch !== "arm64" &&
      pattern.platform === "ecs-fargate" &&
      (pattern.def.compute === "worker" || pattern.def.compute === "scheduled")
        ? "spot"
        : "on-demand",
    azCount,
    // an existing VPC routes its own egress: Atlas creates (and prices) no NAT gateway in it
    natCount: hasCompute && !intent.existingVpc ? natCountFor(egress, intent, o.natPerAz ?? redundancy.natPerAz, azCount) : 0,
    egress,
    existingVpc: hasCompute ? intent.existingVpc : null,
    dbEngine: intent.engines?.[0] ?? "postgres",
    // WAF when a constraint asks, or when PCI, HIPAA or SOC 2 implies it (then the budget may drop it: `drop-waf`)
    waf: pattern.def.ingress !== "none" && (intent.controls.has("waf") || goal.compliance.some((c) => c === "pci" || c === "hipaa" || c === "soc2")),
    computeSpread: false,
    intent,
    database: wantsDatabase(goal, pattern)
      ? {
          rung: allowedDbRung(intent, recommendedDbRung(minRung, goal.environment)),
          multiAz: o.dbMultiAz ?? redundancy.dbMultiAzRequired,
          readReplicas: Math.min(5, o.readReplicas ?? replicas),
        }
      : null,
    cache,
    customerManagedKey: o.customerManagedKey ?? (goal.environment === "prod" || strictCompliance(goal) || intent.controls.has("customer-managed-kms")),
    deletionProtection: o.deletionProtection ?? redundancy.deletionProtection,
    minBackupDays: o.minBackupDays ?? 0,
    pins: new Set(o.pins ?? []),
  };
}

/** A sized database. */
export interface DbSizing {
  rung: DbRung;
  /** the class the design runs: the rung's, or its Aurora equivalent */
  instanceClass: string;
  engine: DatabaseEngine;
  minimumRung: number;
  load: number;
  storageGb: number;
  maxStorageGb: number;
  multiAz: boolean;
  readReplicas: number;
  requiredReplicas: number;
  backupRetentionDays: number;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

/** Every number the plan states, derived from the design's decisions. */
export interface Sized {
  growth: number;
  peakRate: number;
  service: ServiceSizing | null;
  pipeline: PipelineSizing | null;
  nodes: NodeSizing | null;
  database: DbSizing | null;
  cache: { nodeType: string; nodes: number; multiAz: boolean } | null;
  bucketGb: number | null;
}

function sizeCompute(d: Design, peak: number): Pick<Sized, "service" | "pipeline"> {
  const w = d.goal.workload;
  const minTasks = Math.max(minimumTasks(d.redundancy, d.azCount), d.computeSpread ? 2 : 1);
  const minCpu = d.goal.environment === "prod" ? 0.5 : 0.25;
  switch (d.pattern.def.compute) {
    case "service":
      return {
        service: sizeService({ targetRps: peak, payloadKb: w.payload_kb, azCount: d.azCount, minTasks, nPlusOne: d.redundancy.nPlusOne, minCpu }),
        pipeline: null,
      };
    case "worker":
      return { service: sizeWorkers(peak, w.payload_kb, minTasks, minCpu), pipeline: null };
    case "scheduled":
      return { service: null, pipeline: sizePipeline(w.data_size_gb ?? 10, w.runs_per_day ?? 1, growthFactor(w.growth_percent_per_month)) };
    case "none":
      return { service: null, pipeline: null };
  }
}

/** Derives tasks, nodes, storage and classes from a design. */
export function sizeDesign(d: Design): Sized {
  const goal = d.goal;
  const growth = growthFactor(goal.workload.growth_percent_per_month);
  const peak = peakRate(goal);
  const { service, pipeline } = sizeCompute(d, peak);
  const pods = service ?? (pipeline ? { tasks: pipeline.tasks, cpu: pipeline.cpu, memoryMb: pipeline.memoryMb } : null);
  const nodes =
    d.pattern.platform === "eks" && pods
      ? sizeNodes({
          pods: pods.tasks,
          podCpu: pods.cpu,
          podMemoryMb: pods.memoryMb,
          arch: d.arch,
          environment: goal.environment,
          azCount: d.azCount,
          allowed: (type) => familyAllowed(d.intent, type),
          // the user's own components replace the one sized workload: their requests × replicas fill the nodes
          ...(goal.components?.length ? { workloads: componentPods(goal.components) } : {}),
        })
      : null;
  let database: DbSizing | null = null;
  if (d.database) {
    const load = databaseLoad(goal, d.cache);
    const minimumRung = minimumDbRung(load, databaseDataGb(goal));
    const needed = requiredReplicas(load);
    const rung = dbRung(allowedDbRung(d.intent, Math.max(d.database.rung, minimumRung)));
    const aurora = d.dbEngine.startsWith("aurora-") ? auroraClassFor(rung) : null;
    database = {
      rung,
      instanceClass: aurora ?? rung.instanceClass,
      // an Aurora engine on a rung Aurora has no class for stays on RDS (judged against the constraint)
      engine: d.dbEngine.startsWith("aurora-") && !aurora ? (d.dbEngine === "aurora-mysql" ? "mysql" : "postgres") : d.dbEngine,
      minimumRung,
      load,
      ...dbStorage(databaseDataGb(goal), growth, goal.environment),
      multiAz: d.database.multiAz,
      readReplicas: Math.max(d.database.readReplicas, needed),
      requiredReplicas: needed,
      backupRetentionDays: Math.max(d.redundancy.backupRetentionDays, d.minBackupDays),
      pointInTimeRecovery: d.redundancy.pointInTimeRecovery || d.minBackupDays >= 7,
      deletionProtection: d.deletionProtection,
    };
  }
  const data = goal.workload.data_size_gb;
  const bucketGb =
    d.pattern.def.compute === "scheduled" ? Math.ceil((data ?? 10) * growth) : d.pattern.def.compute === "none" ? Math.ceil((data ?? 1) * growth) : null;
  return {
    growth,
    peakRate: peak,
    service,
    pipeline,
    nodes,
    database,
    cache: d.cache ? cacheSize(goal.environment, peak, d.azCount) : null,
    bucketGb,
  };
}
