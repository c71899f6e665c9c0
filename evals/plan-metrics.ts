import type { GoalStatement } from "../schemas/goal.js";
import type { PlanSpec } from "../schemas/plan.js";

/**
 * Judgements the plan eval makes of one plan, kept pure so they are unit-tested on plans shaped
 * like the architect's, not only on what it happens to emit today.
 */

/** The plan's own composite availability estimate meets the goal's objective (issue 9: the SLO is a gate). */
export function meetsOwnSlo(plan: Pick<PlanSpec, "performance">): boolean {
  return plan.performance.estimated_availability >= plan.performance.availability_target;
}

/**
 * A BLOCKED rationale that is about availability shows it: it names availability (or the SLO)
 * and carries at least one percent figure, the composite it could not reach.
 */
export function showsAvailabilityArithmetic(blocked: { reason: string; arithmetic: readonly string[] }): boolean {
  const said = [blocked.reason, ...blocked.arithmetic].join("\n");
  return /availab|\bSLO\b/i.test(said) && /\d+(\.\d+)?\s?%/.test(said);
}

/** Drivers of usage cost the goal states: request rate, payload size or message rate. */
export function usageDrivers(goal: GoalStatement): string[] {
  const w = goal.workload;
  const drivers: string[] = [];
  if (w.requests_per_second !== undefined) drivers.push("requests_per_second");
  if (w.payload_kb !== undefined) drivers.push("payload_kb");
  if (w.messages_per_second !== undefined) drivers.push("messages_per_second");
  return drivers;
}

/**
 * Usage the goal describes shows up in the total: a positive usage part and at least one
 * breakdown line with a usage amount. A zero-rate driver (0 rps) is exempt: nothing to price.
 */
export function usagePriced(goal: GoalStatement, plan: Pick<PlanSpec, "cost">): { ok: boolean; why: string } {
  const w = goal.workload;
  const anyTraffic = (w.requests_per_second ?? 0) > 0 || (w.messages_per_second ?? 0) > 0 || (w.payload_kb ?? 0) > 0;
  if (!anyTraffic) return { ok: true, why: "drivers are all zero" };
  const lines = plan.cost.breakdown.filter((line) => line.usage_usd > 0);
  if (plan.cost.usage_monthly_usd <= 0) return { ok: false, why: `usage_monthly_usd ${plan.cost.usage_monthly_usd} for ${usageDrivers(goal).join(", ")}` };
  if (lines.length === 0) return { ok: false, why: "usage_monthly_usd > 0 but no breakdown line has usage_usd" };
  return { ok: true, why: `${lines.length} usage line(s), $${plan.cost.usage_monthly_usd.toFixed(2)}` };
}
