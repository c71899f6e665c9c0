import { describe, expect, it } from "vitest";
import { budgetFindings, checkBudget } from "./budget.js";
import type { ResourceCost } from "./types.js";

const estimateOf = (totalMonthlyCost: number, resources: ResourceCost[] = [], totalUsageBasedItems = 0) => ({
  totalMonthlyCost,
  totalUsageBasedItems,
  resources,
});

const resource = (address: string, monthlyCost: number): ResourceCost => ({
  address,
  type: address.split(".")[0] ?? "",
  file: "main.tf",
  line: 1,
  monthlyCost,
  costComponents: [],
});

describe("checkBudget", () => {
  it.each([
    [799, "OK", 0.799],
    [800, "WARN", 0.8],
    [1000, "WARN", 1],
    [1000.1, "OVER", 1.0001],
  ] as const)("a total of %d against a $1,000 cap is %s", (total, status, ratio) => {
    const check = checkBudget(estimateOf(total), 1000);
    expect(check).toMatchObject({ status, cap: 1000, total, ratio });
  });

  it("holds the thresholds exactly for awkward caps", () => {
    // 80 % of 123.45 is 98.76; 98.75 is one cent under it.
    expect(checkBudget(estimateOf(98.76), 123.45).status).toBe("WARN");
    expect(checkBudget(estimateOf(98.75), 123.45).status).toBe("OK");
    expect(checkBudget(estimateOf(123.45), 123.45).status).toBe("WARN");
    expect(checkBudget(estimateOf(123.46), 123.45).status).toBe("OVER");
  });

  it("says what happened in the message", () => {
    expect(checkBudget(estimateOf(500), 1000).message).toBe("Estimated $500.00/month is 50.00% of the $1,000.00 monthly budget.");
    expect(checkBudget(estimateOf(850), 1000).message).toContain("85.00% of the $1,000.00 monthly budget (warning from 80%)");
    expect(checkBudget(estimateOf(1250), 1000).message).toContain("exceeds the $1,000.00 monthly budget by $250.00 (125.00%)");
    expect(checkBudget(estimateOf(100, [], 3), 1000).message).toContain("3 usage-based item(s)");
  });

  it("rejects a cap that is not a positive amount", () => {
    for (const cap of [0, -10, Number.NaN, Number.POSITIVE_INFINITY, 0.001]) {
      expect(() => checkBudget(estimateOf(1), cap)).toThrow(/Monthly cap/);
    }
  });
});

describe("budgetFindings", () => {
  it("returns nothing below 80 %", () => {
    expect(budgetFindings(estimateOf(799), 1000)).toEqual([]);
  });

  it("warns with a medium finding from 80 %", () => {
    const [finding, ...rest] = budgetFindings(estimateOf(800), 1000);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule_id: "COST_BUDGET_WARN",
      severity: "medium",
      resource: "*",
      file: "",
      line: null,
      aliases: [],
    });
  });

  it("reports a high finding above the cap, naming the largest resources", () => {
    const resources = [
      resource("aws_nat_gateway.main", 32.85),
      resource("aws_db_instance.main", 700),
      resource("aws_eks_cluster.main", 73),
      resource("aws_kms_key.main", 1),
    ];
    const [finding] = budgetFindings(estimateOf(1000.01, resources), 1000);
    expect(finding?.rule_id).toBe("COST_BUDGET_EXCEEDED");
    expect(finding?.severity).toBe("high");
    expect(finding?.message).toContain("$1,000.01");
    expect(finding?.remediation).toContain("Largest items: aws_db_instance.main ($700.00), aws_eks_cluster.main ($73.00), aws_nat_gateway.main ($32.85).");
  });
});
