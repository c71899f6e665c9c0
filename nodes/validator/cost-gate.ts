import type { TerraformResource } from "../../iac/types.js";
import { compareFindings } from "../../policies/engine.js";
import { atLeast, SEVERITIES, type Severity } from "../../policies/severity.js";
import { budgetFindings } from "../../pricing/budget.js";
import { type CostSectionOptions, costSection, unpricedFindings } from "../../pricing/cost-section.js";
import type { CostSection, Finding } from "../../schemas/reports.js";

/** A report's outcome before the cost checks. */
export interface GateInput {
  status: "PASS" | "FAIL";
  findings: readonly Finding[];
}

/** What the cost checks add: the cost section, its findings, and the status with them. */
export interface GatedReport {
  status: "PASS" | "FAIL";
  findings: Finding[];
  summary: Record<Severity, number> & { total: number };
  cost: CostSection;
}

/**
 * Prices `resources` and folds the cost into a report: one `COST_UNPRICED` per unpriced resource,
 * the budget findings when a budget is set, and the status — FAIL when a new finding is at or above
 * `failOn`, or when a budget is set and something is unpriced without `allowUnpriced`. The CLI, the
 * HTTP route and the graph's validator node share this, so they cannot disagree on a verdict.
 */
export function gateCost(
  base: GateInput,
  resources: readonly TerraformResource[],
  options: CostSectionOptions & { failOn: Severity; unpricedSeverity?: Severity | undefined },
): GatedReport {
  const cost = costSection(resources, options);
  const added: Finding[] = unpricedFindings(cost, resources, options.unpricedSeverity ?? "medium");
  if (cost.budget_usd !== null) {
    const input = {
      totalMonthlyCost: cost.monthly_total_usd,
      totalUsageBasedItems: cost.usage_based_items,
      resources: cost.resources.map((line) => ({ address: line.address, monthlyCost: line.monthly_usd })),
      unpricedResources: cost.unpriced.length,
    };
    added.push(...budgetFindings(input, cost.budget_usd));
  }
  const findings = [...base.findings, ...added].sort(compareFindings);
  const summary = Object.fromEntries([...SEVERITIES.map((s) => [s, 0]), ["total", findings.length]]) as GatedReport["summary"];
  for (const finding of findings) summary[finding.severity]++;
  const failed = base.status === "FAIL" || added.some((finding) => atLeast(finding.severity, options.failOn)) || cost.unpriced_gate === "fail";
  return { status: failed ? "FAIL" : "PASS", findings, summary, cost };
}
