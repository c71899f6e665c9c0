import type { UsageValues } from "../../../pricing/types.js";
import type { PlanComponent, PlanSpec } from "../../../schemas/plan.js";
import type { CloudDesign, CloudSized, DbStep } from "./design.js";
import type { SlaPart } from "./sla.js";
import type { Traffic } from "./usage.js";

/** A priced line as the cloud pricers return it. */
export interface PricedLine {
  name: string;
  monthlyCost: number | null;
  usageBased: boolean;
}

/** One component of a design before pricing: what it is, and what the pricer is asked for. */
export interface CloudDraft<Spec> {
  id: string;
  kind: PlanComponent["kind"];
  role: string;
  size: string | null;
  count: number;
  optional: boolean;
  depends_on: string[];
  specs: Spec[];
  usage: UsageValues;
  /** why it costs nothing, when it has no specs */
  free?: string;
  /** cost Atlas knows exists but cannot price (listed in the plan's usage_based, never $0) */
  unpriced?: string[];
  /** a small item whose rate the card may lack: then it is listed as unpriced instead of blocking the plan */
  priceMayBeMissing?: boolean;
}

/**
 * What one cloud contributes to the shared planner (`plan.ts`): its regions and zones, its
 * ladders, its components and their price specs, its serial SLAs and the names the plan uses.
 */
export interface CloudProfile<Spec> {
  cloud: "azure" | "gcp";
  label: string;
  /** regions with a price card */
  regions: readonly string[];
  zonesOf(region: string, count: number): string[];
  dbLadder: readonly DbStep[];
  /** the serverless and Kubernetes runtimes as the plan names them */
  platforms: { serverless: PlanSpec["compute"]["platform"]; kubernetes: PlanSpec["compute"]["platform"] };
  names: { serverless: string; kubernetes: string; edge: string; waf: string };
  /** Kubernetes worker nodes: machine type and allocatable vCPU per node */
  node: { type: string; allocatableVcpu: number };
  drafts(d: CloudDesign, s: CloudSized, t: Traffic, alerts: number, secrets: number): CloudDraft<Spec>[];
  slaParts(d: CloudDesign): SlaPart[];
  price(spec: Spec, region: string, usage: UsageValues): { lines: PricedLine[]; priceVersion: string };
  /** the plan's database fields for a design */
  database(d: CloudDesign, s: CloudSized): PlanSpec["databases"][number] | null;
  cache(d: CloudDesign, s: CloudSized): PlanSpec["caches"][number] | null;
  network(d: CloudDesign): PlanSpec["network"];
}

/** Kubernetes nodes for the pods at peak: allocatable vCPU with 25 % headroom, at least one per zone, N+1 when the SLO asks. */
export function nodeCount(d: CloudDesign, s: CloudSized, allocatableVcpu: number): number {
  const pods = s.service ? s.service.tasks * s.service.cpu : s.pipeline ? s.pipeline.tasks * s.pipeline.cpu : 0.5;
  let nodes = Math.max(1, Math.ceil((pods * 1.25) / allocatableVcpu));
  if (d.redundancy.nPlusOne) nodes += 1;
  nodes = Math.max(nodes, d.zones >= 2 ? d.zones : 1);
  return Math.ceil(nodes / d.zones) * d.zones;
}

/** The smallest step on a ladder that serves `load` queries per second (non-burstable when HA or prod). */
export function dbStep(ladder: readonly DbStep[], load: number, steady: boolean): number {
  const top = ladder.length - 1;
  const index = ladder.findIndex((step) => step.rps >= Math.min(load, ladder[top]?.rps ?? 0) && (!steady || !step.burstable));
  return index === -1 ? top : index;
}
