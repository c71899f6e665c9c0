import type { PlanSpec } from "../schemas/plan.js";
import type { CostSection } from "../schemas/reports.js";
import { usd } from "./summaries.js";

/**
 * The monthly cost a reviewer approves, and where each part comes from. The validator prices the
 * built Terraform; usage (requests, data, messages) it prices only from usage figures it is given,
 * and it is given none for Atlas's own builds. So when it priced no usage, the total is its fixed
 * cost plus the plan's usage estimate, and the statement says which part is which: a reviewer never
 * sees the fixed part alone as "the cost".
 */
export function approvalCost(
  plan: PlanSpec,
  validated: Pick<CostSection, "monthly_total_usd"> & Partial<Pick<CostSection, "fixed_monthly_usd" | "usage_monthly_usd" | "unpriced">>,
): { total: number; usageFromPlan: boolean; statement: string } {
  const planUsage = plan.cost.usage_monthly_usd;
  const validatedUsage = validated.usage_monthly_usd ?? 0;
  const validatedFixed = validated.fixed_monthly_usd ?? validated.monthly_total_usd - validatedUsage;
  const usageFromPlan = validatedUsage === 0 && planUsage > 0;
  const total = Number((validated.monthly_total_usd + (usageFromPlan ? planUsage : 0)).toFixed(2));
  const parts = usageFromPlan
    ? `fixed ${usd(validatedFixed)} priced by the validator from the built Terraform, usage ${usd(planUsage)} the plan's estimate from its usage assumptions (not re-priced)`
    : `priced by the validator from the built Terraform (fixed ${usd(validatedFixed)}, usage ${usd(validatedUsage)})`;
  const unpriced = (validated.unpriced?.length ?? 0) > 0 ? `; ${validated.unpriced?.length} resource(s) could not be priced and are not in it` : "";
  return { total, usageFromPlan, statement: `${usd(total)}/month of a ${usd(plan.cost.budget_usd)} budget: ${parts}${unpriced}` };
}
