import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { componentSpecSchema, priceComponent } from "../pricing/index.js";

export const costEstimateInput = z.object({
  region: z.string().describe('AWS region, e.g. "us-east-1"'),
  components: z.array(componentSpecSchema).min(1).max(50).describe("Components to price, e.g. { kind: 'rds', ... }"),
});

/**
 * LangChain tool: monthly on-demand cost of components from Atlas's static price catalogue,
 * the same arithmetic the planner and validator use. Errors come back as `{ status: "error" }`.
 */
export function makeCostEstimateTool() {
  return tool(
    async (input) => {
      try {
        const priced = input.components.map((spec) => priceComponent(spec, input.region));
        const total = priced.reduce((sum, item) => sum + item.monthlyCost, 0);
        return JSON.stringify({
          status: "ok",
          region: input.region,
          monthly_total_usd: Number(total.toFixed(2)),
          components: priced.map((item) => ({ kind: item.kind, monthly_usd: item.monthlyCost, unpriced_usage: item.unpricedUsageItems })),
        });
      } catch (error) {
        return JSON.stringify({ status: "error", message: (error as Error).message });
      }
    },
    {
      name: "cost_estimate",
      description: "Price AWS components (monthly, on-demand, 730-hour month) from the static catalogue.",
      schema: costEstimateInput,
    },
  );
}
