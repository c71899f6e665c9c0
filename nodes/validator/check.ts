import type { TerraformParseOptions } from "../../iac/terraform.js";
import { validateIac } from "../../policies/engine.js";
import type { OrgPolicy } from "../../policies/org-policy-schema.js";
import { budgetFindings, checkBudget, estimateCost } from "../../pricing/index.js";
import type { BuildArtifacts, Finding, ValidationReport } from "../../schemas/reports.js";

const SEVERITY_RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

/**
 * Validates built artifacts: syntax and schema, security and organisation policy, and cost
 * against the budget. FAIL when a finding is high or critical (or the policy's threshold).
 */
export async function validateArtifacts(
  artifacts: BuildArtifacts,
  options: {
    environment: "dev" | "staging" | "prod";
    region: string;
    budgetUsd: number;
    orgPolicy?: OrgPolicy | undefined;
    /** a cache of HCL parse results to use and fill (iac/hcl-cache.ts) */
    terraform?: TerraformParseOptions | undefined;
  },
): Promise<ValidationReport> {
  const files = artifacts.files
    .filter((file) => file.kind === "terraform" || file.kind === "kubernetes")
    .map((file) => ({ path: file.path, content: file.content }));
  const policyReport = await validateIac(files, {
    environment: options.environment,
    ...(options.orgPolicy ? { policy: options.orgPolicy } : {}),
    terraform: options.terraform,
  });
  const estimate = estimateCost(policyReport.resources, { region: options.region });
  const budget = checkBudget(estimate, options.budgetUsd);
  const findings: Finding[] = [...policyReport.findings, ...(budgetFindings(estimate, options.budgetUsd) as Finding[])];
  const summary: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) summary[finding.severity] = (summary[finding.severity] ?? 0) + 1;
  const failed = policyReport.status === "FAIL" || findings.some((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK.high);
  return {
    status: failed ? "FAIL" : "PASS",
    plan_version: artifacts.plan_version,
    findings,
    summary,
    cost: {
      monthly_total_usd: estimate.totalMonthlyCost,
      budget_usd: options.budgetUsd,
      status: budget.status,
      usage_based_items: estimate.totalUsageBasedItems,
    },
    checked_files: files.length,
  };
}
