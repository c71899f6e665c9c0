import { isAtlasError } from "../../lib/errors.js";
import { SUPPORTED_REGIONS } from "../../pricing/index.js";
import { type GoalStatement, goalStatementSchema } from "../../schemas/goal.js";
import { type PlanConstraint, type PlanSpec, planSpecSchema } from "../../schemas/plan.js";
import { assemblePlan } from "./assemble.js";
import { cents, dollars } from "./bill.js";
import { blockedArithmetic, fitBudget } from "./budget-fit.js";
import { carryFrom, forCap } from "./carry.js";
import { planOtherCloud } from "./clouds/plan.js";
import { type Intent, intentOf } from "./constraints/intent.js";
import { judgeConstraints } from "./constraints/judge.js";
import { readConstraints } from "./constraints/read.js";
import { type Design, initialDesign, sizeDesign } from "./design.js";
import type { PlanContext, PlanOutcome } from "./outcome.js";
import { type ResolvedPattern, selectPattern } from "./patterns.js";
import { redundancyFor } from "./redundancy.js";
import { parseComments } from "./revise-comments.js";
import { actOnFindings, mergeOverrides } from "./revise-findings.js";
import { componentsBlocked } from "./runtime-components.js";
import { HEADROOM, MAX_TASKS_PER_SERVICE, PIPELINE_GB_PER_VCPU_HOUR } from "./sizing.js";
import { dbRung, MAX_DB_LOAD } from "./sizing-db.js";
import { raiseToSlo, sloArithmetic } from "./slo.js";

export type { PlanContext, PlanOutcome } from "./outcome.js";

function unsupported(goal: GoalStatement): PlanOutcome | null {
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

/** Lower availability objectives worth trying when the budget blocks a goal: the next tiers down. */
const LOWER_OBJECTIVES = [99.95, 99.9, 99.5, 99] as const;

/**
 * Moves besides more money that would unblock a goal the budget blocks, each with its price:
 * the same goal at a lower availability objective, when that plans within the budget. Only
 * moves that were tried and fit are named (a lower objective that does not help is not advice).
 */
function otherWays(goal: GoalStatement, ctx: PlanContext): string[] {
  for (const availability of LOWER_OBJECTIVES) {
    if (availability >= goal.slo.availability) continue;
    const lower = planDeterministic({ ...goal, slo: { ...goal.slo, availability } }, { ...ctx, findings: [], revisionComments: [] }, { advise: false });
    if (lower.kind === "plan")
      return [
        `or lower the availability objective to ${availability} %: that design costs ${dollars(cents(lower.plan.cost.monthly_total_usd))}/month, within the budget`,
      ];
  }
  return ["lowering the availability objective does not help: even at 99 % the cheapest design is over the budget"];
}

/** A constraint that wants no public entry point turns a public load balancer internal. */
function privateOnly(pattern: ResolvedPattern, intent: Intent): ResolvedPattern {
  if (!intent.controls.has("private-only") || pattern.def.ingress !== "alb-public") return pattern;
  return { ...pattern, def: { ...pattern.def, ingress: "alb-internal" } };
}

/**
 * Atlas has no latency model: a p95 objective is alerted on and written into the SLOs, but no
 * estimate is checked against it, and the approver is told so rather than shown a silent pass.
 */
function latencyRisk(goal: GoalStatement): PlanSpec["risks"] {
  const p95 = goal.slo.p95_latency_ms;
  if (p95 === undefined) return [];
  return [
    {
      id: "p95-not-estimated",
      title: `The ${p95} ms p95 objective is not checked: Atlas estimates capacity and availability, not latency`,
      severity: "medium",
      mitigation: `Load-test at the peak rate before approving; the plan alerts when the load balancer's p95 passes ${p95} ms and tracks it as an SLO`,
    },
  ];
}

/** Constraints the approver must look at: not understood, or a preference the plan could not meet. */
function constraintRisks(constraints: readonly PlanConstraint[]): PlanSpec["risks"] {
  return constraints.flatMap((c, index) => {
    if (c.status === "not_understood")
      return [
        { id: `constraint-not-understood-${index + 1}`, title: `Constraint not understood: "${c.text}"`, severity: "medium" as const, mitigation: c.how },
      ];
    if (c.status === "not_honoured")
      return [
        {
          id: `constraint-not-honoured-${index + 1}`,
          title: `Preference not honoured: "${c.text}"`,
          severity: "medium" as const,
          mitigation: `${c.how}; approve only if that is acceptable, or revise the goal`,
        },
      ];
    return [];
  });
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
export function planDeterministic(goalInput: GoalStatement, ctx: PlanContext, options: { advise?: boolean } = {}): PlanOutcome {
  const goal = goalStatementSchema.parse(goalInput);
  // Azure and Google Cloud: the same contract over their own catalogues (clouds/plan.ts)
  if (goal.cloud !== "aws") return planOtherCloud(goal, ctx, options);
  const refused = unsupported(goal);
  if (refused) return refused;
  try {
    return planPriced(goal, ctx, options);
  } catch (error) {
    return unpricedInRegion(error, goal.region);
  }
}

/**
 * A region's sheet may leave out a size the catalogue picks (a rate the transcriber could not
 * state with confidence): the plan cannot be priced there, so it is blocked naming the missing rate.
 */
function unpricedInRegion(error: unknown, region: string): PlanOutcome {
  if (!isAtlasError(error) || error.details?.unpricedIn !== region) throw error;
  return {
    kind: "blocked",
    reason: `${error.message}, so no cost can be checked against the budget`,
    arithmetic: [
      `requested region: ${region}`,
      `unpriced: ${error.message}`,
      "to unblock: choose a region whose sheet prices it, or add the rate to the sheet",
    ],
  };
}

function planPriced(goal: GoalStatement, ctx: PlanContext, options: { advise?: boolean }): PlanOutcome {
  const redundancy = redundancyFor(goal);
  const reading = readConstraints(goal.constraints, goal.existing_components);
  const intent = intentOf(reading.flatMap((entry) => entry.wishes));
  const inherited = carryFrom(ctx.previous);
  const comments = parseComments(ctx.revisionComments ?? [], redundancy, inherited.comments);
  const findings = actOnFindings(ctx.findings ?? [], inherited.findingRules);
  const overrides = mergeOverrides(findings.overrides, comments.overrides);
  // A carried budget directive holds only while the goal's budget is the one it replaced.
  const goalCents = cents(goal.budget.monthly_usd);
  const staleBudget = comments.budgetCarried === true && inherited.goalBudgetCents !== goalCents;
  const directedUsd = staleBudget ? undefined : comments.budgetUsd;
  // a soft budget's stated allowance (e.g. "can go 20 % over") widens the cap; a reviewer's directive replaces it
  const allowance = directedUsd === undefined && intent.budgetOverPercent ? 1 + intent.budgetOverPercent / 100 : 1;
  const capCents = cents((directedUsd ?? goal.budget.monthly_usd) * allowance);
  const carried = forCap(inherited, ctx.previous, capCents);
  // The user's own components are Kubernetes workloads: EKS, unless a hard constraint rules it out (then BLOCKED).
  const componentsStop = componentsBlocked(goal, reading);
  if (componentsStop) return { kind: "blocked", ...componentsStop };
  const platform = goal.components?.length ? "eks" : (overrides.platform ?? intent.platform);
  const pattern = privateOnly(selectPattern(goal, platform), intent);
  const start = initialDesign(goal, pattern, redundancy, overrides, intent);

  const tooBig = beyondCatalogue(start);
  if (tooBig) return tooBig;

  // The SLO is a gate: raise the design until its composite estimate meets the objective, or block.
  const raised = raiseToSlo(start, sizeDesign);
  if (!raised.met) {
    return {
      kind: "blocked",
      reason: `no design in the catalogue meets the ${goal.slo.availability} % availability objective: the best estimate is ${raised.availability.estimated} %`,
      arithmetic: sloArithmetic(raised),
    };
  }
  const design = raised.design;

  // The validator prices the Terraform; whatever it found beyond the plan's own total must fit too.
  const quoted = findings.cost.validatorTotalUsd;
  // the validator prices the Terraform, which carries no traffic: compare with the plan's fixed part
  const found = quoted !== undefined && ctx.previous ? Math.max(0, cents(quoted) - cents(ctx.previous.cost.fixed_monthly_usd)) : 0;
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
      // a first version blocked by money also says which lower objective would fit (tried once, not nested)
      arithmetic: [...blockedArithmetic(fit, capCents, targetCents), ...(ctx.previous || options.advise === false ? [] : otherWays(goal, ctx))],
    };
  }
  const constraints = judgeConstraints(reading, { design: fit.design, sized: fit.sized, totalCents: fit.bill.totalCents, capCents });
  const broken = constraints.filter((c) => c.hard && c.status === "not_honoured");
  if (broken.length > 0) {
    return {
      kind: "blocked",
      reason: `${broken.length === 1 ? "a hard constraint" : `${broken.length} hard constraints`} cannot be honoured: ${broken.map((c) => `"${c.text}" (${c.how})`).join("; ")}`,
      arithmetic: [
        ...broken.map((c) => `${c.kind}: "${c.text}": ${c.how}`),
        'to unblock: relax the constraint (say "prefer" to make it a preference), or change what makes it impossible (objective, budget, workload)',
      ],
    };
  }
  const notes = [...revisionHeader(ctx), ...findings.notes, ...comments.notes, ...raised.notes];
  if (directedUsd !== undefined) notes.push(`budget: ${dollars(goalCents)} → ${dollars(capCents)}/month by reviewer directive`);
  if (staleBudget) notes.push(`budget: the goal's budget changed to ${dollars(goalCents)}/month; the earlier budget directive no longer applies`);
  if (reserve > 0) notes.push(`budget reserve: ${dollars(reserve)} held back for cost the validator priced beyond the plan (target ${dollars(targetCents)})`);
  const plan = assemblePlan(fit, ctx, capCents, notes, [...findings.risks, ...constraintRisks(constraints), ...latencyRisk(goal)], constraints);
  return { kind: "plan", plan: planSpecSchema.parse(plan) };
}
