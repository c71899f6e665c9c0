import type { TerraformParseOptions } from "../../iac/terraform.js";
import { validateIac } from "../../policies/engine.js";
import type { OrgPolicy } from "../../policies/org-policy-schema.js";
import type { BuildArtifacts, ValidationReport } from "../../schemas/reports.js";
import { gateCost } from "./cost-gate.js";

/**
 * The artifact kinds the validator reads: Terraform, Kubernetes manifests and overlays, delivery
 * files (CI/CD pipelines, Argo CD and Flux objects) and Helm charts (rendered per values file by
 * the validator's renderer and compared with the overlays; policies/charts.ts).
 */
export const VALIDATED_KINDS: ReadonlySet<string> = new Set(["terraform", "kubernetes", "delivery", "helm"]);

/**
 * Validates built artifacts: syntax and schema, security and organisation policy, and cost
 * against the budget. FAIL when a finding is high or critical (or the policy's threshold), or when
 * a resource could not be priced (its cost would be missing from the budget check).
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
  const files = artifacts.files.filter((file) => VALIDATED_KINDS.has(file.kind)).map((file) => ({ path: file.path, content: file.content }));
  const policyReport = await validateIac(files, {
    environment: options.environment,
    ...(options.orgPolicy ? { policy: options.orgPolicy } : {}),
    terraform: options.terraform,
  });
  const gated = gateCost(policyReport, policyReport.resources, {
    region: options.region,
    budgetUsd: options.budgetUsd,
    // the graph always has a budget: an unpriced resource fails the design until it is priced
    allowUnpriced: false,
    failOn: "high",
    unpricedSeverity: options.orgPolicy?.severity_overrides.COST_UNPRICED,
  });
  const summary: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of gated.findings) summary[finding.severity] = (summary[finding.severity] ?? 0) + 1;
  return {
    status: gated.status,
    plan_version: artifacts.plan_version,
    findings: gated.findings,
    summary,
    cost: gated.cost,
    checked_files: files.length,
  };
}
