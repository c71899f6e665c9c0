import type { ReviewNotes } from "../../lib/gitops.js";
import type { PlanSpec } from "../../schemas/plan.js";
import type { ValidationReport } from "../../schemas/reports.js";

/**
 * What the pull or merge request of an apply says: the plan's summary, its monthly cost against
 * the budget (the validator's pricing of the built files when the report is this version's, the
 * planner's estimate otherwise) and the validator's findings. A report of another version is not
 * used: its findings are then "not evaluated", never an empty list.
 */
export function reviewNotes(plan: PlanSpec, validation: ValidationReport | null): ReviewNotes {
  const report = validation?.plan_version === plan.version ? validation : null;
  const cost: ReviewNotes["cost"] = report
    ? {
        monthlyUsd: report.cost.monthly_total_usd,
        budgetUsd: report.cost.budget_usd,
        status: report.cost.status,
        unpriced: report.cost.unpriced?.length ?? 0,
        source: "validator",
      }
    : {
        monthlyUsd: plan.cost.monthly_total_usd,
        budgetUsd: plan.cost.budget_usd,
        status: plan.cost.status,
        unpriced: plan.cost.usage_based.length,
        source: "plan",
      };
  return {
    goalName: plan.goal_name,
    summary: plan.summary,
    cost,
    findings: report
      ? report.findings.map((f) => ({ severity: f.severity, ruleId: f.rule_id, resource: f.resource, message: f.message, unverified: f.unverified === true }))
      : null,
  };
}
