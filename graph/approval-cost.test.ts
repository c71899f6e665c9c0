import { describe, expect, it } from "vitest";
import { webApiProdPlan } from "../test/fixtures/plans/index.js";
import { approvalCost } from "./approval-cost.js";

describe("the cost a reviewer approves", () => {
  const plan = { ...webApiProdPlan, cost: { ...webApiProdPlan.cost, usage_monthly_usd: 160.32, budget_usd: 3000 } };

  it("adds the plan's usage estimate to the validator's fixed pricing when the validator priced no usage, and says which is which", () => {
    const cost = approvalCost(plan, { monthly_total_usd: 356.48, fixed_monthly_usd: 356.48, usage_monthly_usd: 0, unpriced: [] });
    expect(cost.total).toBe(516.8);
    expect(cost.usageFromPlan).toBe(true);
    expect(cost.statement).toContain("fixed $356 priced by the validator");
    expect(cost.statement).toContain("usage $160 the plan's estimate");
    expect(cost.statement).not.toContain("could not be priced");
  });

  it("keeps the validator's total when it priced usage itself, and names what it could not price", () => {
    const unpriced = [{ address: "aws_x.y", type: "aws_x", reason: "no price" }];
    const cost = approvalCost(plan, { monthly_total_usd: 400, fixed_monthly_usd: 350, usage_monthly_usd: 50, unpriced });
    expect([cost.total, cost.usageFromPlan]).toEqual([400, false]);
    expect(cost.statement).toContain("(fixed $350, usage $50)");
    expect(cost.statement).toContain("1 resource(s) could not be priced and are not in it");
  });
});
