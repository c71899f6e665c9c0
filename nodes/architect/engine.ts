import { SUPPORTED_REGIONS } from "../../pricing/index.js";
import { type GoalStatement, goalStatementSchema } from "../../schemas/goal.js";
import { type PlanSpec, planSpecSchema } from "../../schemas/plan.js";
import type { Finding } from "../../schemas/reports.js";
import { assemblePlan } from "./assemble.js";
import { cents, dollars } from "./bill.js";
import { blockedArithmetic, fitBudget } from "./budget-fit.js";
import { carryFrom, forCap } from "./carry.js";
import { type Design, initialDesign, sizeDesign } from "./design.js";
import { selectPattern } from "./patterns.js";
import { redundancyFor } from "./redundancy.js";
import { parseComments } from "./revise-comments.js";
import { actOnFindings, mergeOverrides } from "./revise-findings.js";
import { HEADROOM, MAX_TASKS_PER_SERVICE, PIPELINE_GB_PER_VCPU_HOUR } from "./sizing.js";
import { dbRung, MAX_DB_LOAD } from "./sizing-db.js";

/** What the architect node hands the planner besides the goal. */
export interface PlanContext {
  planId: string;
  traceId: string;
  version: number;
  parentVersion: number | null;
  /** Runbook passages the node retrieved; passed through and referred to in rationale. */
  citations: { source: string; heading_path: string[]; line_start: number; line_end: number; reason: string }[];
  /** Validator findings from the FAIL that sent the plan back. */
  findings?: Finding[];
  /** A reviewer's "revise" comments, oldest first, all rounds. */
  revisionComments?: string[];
  /** The version being revised. */
  previous?: PlanSpec;
}

/** A plan, or why none can be made, with the arithmetic that shows it. */
export type PlanOutcome = { kind: "plan"; plan: PlanSpec } | { kind: "blocked"; reason: string; arithmetic: string[] };

function unsupported(goal: GoalStatement): PlanOutcome | null {
  if (goal.cloud !== "aws") {
    return {
      kind: "blocked",
      reason: `only aws is built today; "${goal.cloud}" has no patterns, prices or Terraform modules`,
      arithmetic: [`requested cloud: ${goal.cloud}`, "supported clouds: aws", `priced aws regions: ${SUPPORTED_REGIONS.join(", ")}`],
    };
  }
  if (!SUPPORTED_REGIONS.includes(goal.region)) {
    return {
      kind: "blocked",
      reason: `region ${goal.region} has no price sheet, so no cost can be checked against the budget`,
      arithmetic: [`requested region: ${goal.region}`, `priced regions: ${SUPPORTED_REGIONS.join(", ")}`],
    };
  }
  return null;
}

/** Workloads beyond what the catalogue's largest shapes serve: no budget makes them fit. */
function beyondCatalogue(design: Design): PlanOutcome | null {
  const s = sizeDesign(design);
  const lines: string[] = [];
  if (design.pattern.platform === "ecs-fargate" && s.service && s.service.maxTasks > MAX_TASKS_PER_SERVICE) {
    lines.push(
      `${s.service.maxTasks} tasks at full scale-out (${s.service.tasks} × ${s.service.cpu} vCPU at peak) > ${MAX_TASKS_PER_SERVICE} tasks per ECS service`,
    );
  }
  if (s.pipeline && s.pipeline.runHours * s.pipeline.runsPerDay > 24) {
    const p = s.pipeline;
    const interval = 24 / p.runsPerDay;
    lines.push(
      `${p.gbPerRun} GB per run takes ${p.runHours} h on the largest batch shape (${p.tasks} tasks × ${p.cpu} vCPU at ${PIPELINE_GB_PER_VCPU_HOUR} GB per vCPU-hour, +${HEADROOM * 100} % headroom) > ${Number(interval.toFixed(2))} h between runs (${p.runsPerDay} a day)`,
    );
  }
  if (s.database && s.database.load > MAX_DB_LOAD) {
    lines.push(`${s.database.load} queries/s > ${MAX_DB_LOAD} that one ${dbRung(Number.MAX_SAFE_INTEGER).instanceClass} primary and 5 read replicas serve`);
  }
  if (lines.length === 0) return null;
  return {
    kind: "blocked",
    reason: "the workload exceeds what the pattern catalogue's largest shapes serve; it needs sharding or a cell-based design",
    arithmetic: [...lines, "to unblock: split the workload into cells or shards, or lower the traffic target"],
  };
}

function revisionHeader(ctx: PlanContext): string[] {
  if (ctx.parentVersion === null) return [];
  const previous = ctx.previous ? ` (was ${dollars(cents(ctx.previous.cost.monthly_total_usd))}/month)` : "";
  return [`v${ctx.version} revises v${ctx.parentVersion}${previous}`];
}

/**
 * The deterministic planner: goal (plus revision inputs) → PlanSpec, without a model or I/O.
 * Picks a pattern, sizes it, derives redundancy from the SLO, prices every component with
 * `priceComponent`, downsizes in a fixed order to fit the budget, and blocks with arithmetic
 * when even the cheapest allowed design does not fit. Same inputs, byte-identical output.
 */
export function planDeterministic(goalInput: GoalStatement, ctx: PlanContext): PlanOutcome {
  const goal = goalStatementSchema.parse(goalInput);
  const refused = unsupported(goal);
  if (refused) return refused;

  const redundancy = redundancyFor(goal);
  const inherited = carryFrom(ctx.previous);
  const comments = parseComments(ctx.revisionComments ?? [], redundancy, inherited.comments);
  const findings = actOnFindings(ctx.findings ?? [], inherited.findingRules);
  const overrides = mergeOverrides(findings.overrides, comments.overrides);
  // A carried budget directive holds only while the goal's budget is the one it replaced.
  const goalCents = cents(goal.budget.monthly_usd);
  const staleBudget = comments.budgetCarried === true && inherited.goalBudgetCents !== goalCents;
  const directedUsd = staleBudget ? undefined : comments.budgetUsd;
  const capCents = cents(directedUsd ?? goal.budget.monthly_usd);
  const carried = forCap(inherited, ctx.previous, capCents);
  const design = initialDesign(goal, selectPattern(goal, overrides.platform), redundancy, overrides);

  const tooBig = beyondCatalogue(design);
  if (tooBig) return tooBig;

  // The validator prices the Terraform; whatever it found beyond the plan's own total must fit too.
  const quoted = findings.cost.validatorTotalUsd;
  const found = quoted !== undefined && ctx.previous ? Math.max(0, cents(quoted) - cents(ctx.previous.cost.monthly_total_usd)) : 0;
  const reserve = Math.max(found, carried.reserveCents);
  const targetCents = capCents - reserve;
  const fit = fitBudget(design, targetCents, { forceOne: findings.cost.exceeded, carriedSteps: carried.forcedSteps });
  if (!fit.fits) {
    const over = fit.bill.totalCents > targetCents;
    return {
      kind: "blocked",
      reason: over
        ? `the cheapest design that meets the ${goal.slo.availability} % SLO and the sizing costs ${dollars(fit.bill.totalCents)}/month, over the ${dollars(targetCents)} budget`
        : "the validator priced the plan over budget and no downsizing step is left",
      arithmetic: blockedArithmetic(fit, capCents, targetCents),
    };
  }
  const notes = [...revisionHeader(ctx), ...findings.notes, ...comments.notes];
  if (directedUsd !== undefined) notes.push(`budget: ${dollars(goalCents)} → ${dollars(capCents)}/month by reviewer directive`);
  if (staleBudget) notes.push(`budget: the goal's budget changed to ${dollars(goalCents)}/month; the earlier budget directive no longer applies`);
  if (reserve > 0) notes.push(`budget reserve: ${dollars(reserve)} held back for cost the validator priced beyond the plan (target ${dollars(targetCents)})`);
  const plan = assemblePlan(fit, ctx, capCents, notes, findings.risks);
  return { kind: "plan", plan: planSpecSchema.parse(plan) };
}
