import type { PlanSpec } from "../../schemas/plan.js";
import type { Finding } from "../../schemas/reports.js";

/** What the architect node hands the planner besides the goal. */
export interface PlanContext {
  planId: string;
  traceId: string;
  version: number;
  parentVersion: number | null;
  /** Runbook passages the node retrieved; passed through and referred to in rationale. */
  citations: { source: string; heading_path: string[]; line_start: number; line_end: number; reason: string; excerpt?: string }[];
  /** Validator findings from the FAIL that sent the plan back. */
  findings?: Finding[];
  /** A reviewer's "revise" comments, oldest first, all rounds. */
  revisionComments?: string[];
  /** The version being revised. */
  previous?: PlanSpec;
}

/** A plan, or why none can be made, with the arithmetic that shows it. */
export type PlanOutcome = { kind: "plan"; plan: PlanSpec } | { kind: "blocked"; reason: string; arithmetic: string[] };
