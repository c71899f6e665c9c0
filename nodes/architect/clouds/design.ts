import type { GoalStatement } from "../../../schemas/goal.js";
import type { Intent } from "../constraints/intent.js";
import { peakRate } from "../design.js";
import { minimumTasks, type Redundancy } from "../redundancy.js";
import { growthFactor, type PipelineSizing, type ServiceSizing, sizePipeline, sizeService, sizeWorkers } from "../sizing.js";
import { dbLoad } from "../sizing-db.js";

/** The clouds this planner designs for (AWS has its own, `nodes/architect/engine.ts`). */
export type OtherCloud = "azure" | "gcp";

/**
 * How a design on Azure or Google Cloud runs its containers: serverless containers (Container
 * Apps, Cloud Run), a managed Kubernetes cluster (AKS, GKE), or nothing (a static site).
 */
export type Runtime = "serverless" | "kubernetes" | "none";

/** A database size on a cloud's ladder: the SKU or tier, and what one instance serves. */
export interface DbStep {
  size: string;
  vcpu: number;
  memoryGb: number;
  /** queries per second one primary sustains (the same scale as the AWS ladder in sizing-db.ts) */
  rps: number;
  /** shared-core or burstable: no HA, not for prod */
  burstable: boolean;
}

/** The decisions a plan on Azure or Google Cloud is made of; the numbers follow from them. */
export interface CloudDesign {
  goal: GoalStatement;
  cloud: OtherCloud;
  redundancy: Redundancy;
  intent: Intent;
  runtime: Runtime;
  /** availability zones the design spreads over (1 or 3) */
  zones: number;
  ingress: "public" | "internal" | "cdn" | "none";
  /** index on the cloud's database ladder, HA standby, read replicas; null without a database */
  database: { step: number; ha: boolean; replicas: number; engine: "postgres" | "mysql"; premiumEdition: boolean } | null;
  cache: boolean;
  /** a WAF in front of the public entry point (Front Door WAF policy, Cloud Armor) */
  waf: boolean;
  /** customer-managed encryption keys */
  cmk: boolean;
  /** a NAT gateway for a stable egress address */
  nat: boolean;
  /** Service Bus Premium instead of Standard (azure) */
  premiumMessaging: boolean;
  /** fewest replicas running at once (the SLO's minimum, or more for load) */
  minTasks: number;
  /** budget steps taken so far, in order */
  steps: string[];
  /** budget steps a reviewer's directive rules out ("keep the cache": drop-cache) */
  pins: string[];
  /** SLO raises a reviewer's directive rules out ("stay on Container Apps": kubernetes) */
  noRaises: string[];
}

/** What a design's workload needs, sized. */
export interface CloudSized {
  service: ServiceSizing | null;
  pipeline: PipelineSizing | null;
  /** peak requests (or messages) per second after growth */
  peak: number;
  /** queries per second the database takes at peak */
  dbLoad: number;
  /** data the database holds after a year's growth, GB */
  dataGb: number;
}

/** Sizes a design's workload with the same rules the AWS planner uses (sizing.ts). */
export function sizeCloud(d: CloudDesign): CloudSized {
  const goal = d.goal;
  const peak = peakRate(goal);
  const growth = growthFactor(goal.workload.growth_percent_per_month);
  const dataGb = Math.ceil((goal.workload.data_size_gb ?? 10) * growth);
  const load = goal.workload.type === "data-pipeline" ? 100 : dbLoad(peak, d.cache);
  // Cloud Run bills CPU always allocated (instance-based) only from 1 vCPU up
  const minCpu = d.cloud === "gcp" && d.runtime === "serverless" ? 1 : goal.environment === "prod" ? 0.5 : 0.25;
  if (d.runtime === "none") return { service: null, pipeline: null, peak, dbLoad: load, dataGb };
  if (goal.workload.type === "data-pipeline") {
    return { service: null, pipeline: sizePipeline(goal.workload.data_size_gb ?? 10, goal.workload.runs_per_day ?? 1, growth), peak, dbLoad: load, dataGb };
  }
  if (goal.workload.type === "worker") {
    return { service: sizeWorkers(peak, goal.workload.payload_kb, d.minTasks, minCpu), pipeline: null, peak, dbLoad: load, dataGb };
  }
  const service = sizeService({
    targetRps: peak,
    payloadKb: goal.workload.payload_kb,
    azCount: d.zones,
    minTasks: d.minTasks,
    nPlusOne: d.redundancy.nPlusOne,
    minCpu,
  });
  return { service, pipeline: null, peak, dbLoad: load, dataGb };
}

/** Fewest replicas the SLO allows in `zones` zones (one outside prod at low objectives). */
export function sloMinimumTasks(redundancy: Redundancy, zones: number): number {
  return minimumTasks(redundancy, zones);
}

/** Whether the goal keeps relational data (the pattern's default when it does not say). */
export function wantsDatabase(goal: GoalStatement): boolean {
  if (goal.workload.type === "static-site") return false;
  return goal.workload.needs_database ?? goal.workload.type === "web-api";
}

/** Whether a cache is part of the design by default: asked for, or a web API at 1,000 rps or more. */
export function wantsCache(goal: GoalStatement): boolean {
  if (goal.workload.type !== "web-api" && goal.workload.type !== "internal-service") return false;
  if (goal.workload.needs_cache !== undefined) return goal.workload.needs_cache;
  return goal.workload.type === "web-api" && peakRate(goal) >= 1000;
}
