import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import { costSection } from "../../pricing/cost-section.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import type { BuildArtifacts } from "../../schemas/reports.js";
import { planDeterministic } from "../architect/engine.js";
import { renderArtifacts } from "../builder/engine.js";
import { validateArtifacts } from "./check.js";

const GOALS = join(import.meta.dirname, "..", "..", "evals", "goals");

/** Every eval goal the architect plans, with the builder's artifacts for it. */
function evalPlans() {
  return readdirSync(GOALS)
    .filter((file) => /^\d+-.*\.json$/.test(file))
    .flatMap((file) => {
      const parsed = goalStatementSchema.safeParse(JSON.parse(readFileSync(join(GOALS, file), "utf8")));
      if (!parsed.success) return [];
      const outcome = planDeterministic(parsed.data, { planId: "plan-test", traceId: "c".repeat(32), version: 1, parentVersion: null, citations: [] });
      return outcome.kind === "plan" ? [{ file, goal: parsed.data, plan: outcome.plan, artifacts: renderArtifacts(outcome.plan) }] : [];
    });
}

const plans = evalPlans();

function terraformOf(artifacts: BuildArtifacts) {
  return artifacts.files.filter((f) => f.kind === "terraform").map(({ path, content }) => ({ path, content }));
}

describe("the validator node's cost section", () => {
  it("leaves nothing Atlas's own builder writes unpriced, in any eval plan", async () => {
    expect(plans.length).toBeGreaterThan(20);
    const unpriced: string[] = [];
    const types = new Set<string>();
    for (const { file, plan, artifacts } of plans) {
      const { resources } = await parseTerraform(terraformOf(artifacts));
      for (const resource of resources) types.add(resource.type);
      const cost = costSection(resources, { region: plan.region, budgetUsd: plan.cost.budget_usd });
      for (const item of cost.unpriced) unpriced.push(`${file}: ${item.address}: ${item.reason}`);
    }
    expect(unpriced).toEqual([]);
    // the builder's usage-only and configuration-only types are classified, not dropped
    expect([...types]).toEqual(
      expect.arrayContaining(["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_flow_log", "aws_cloudfront_origin_access_control"]),
    );
  }, 60_000);

  it("lists the ECR repository as usage-only, not as free and not as $0 priced", async () => {
    const withEcr = plans.find(({ artifacts }) => artifacts.files.some((f) => f.content.includes('resource "aws_ecr_repository"')));
    if (!withEcr) throw new Error("no eval plan renders an ECR repository");
    const report = await validateArtifacts(withEcr.artifacts, {
      environment: withEcr.goal.environment,
      region: withEcr.plan.region,
      budgetUsd: withEcr.plan.cost.budget_usd,
    });
    expect(report.status).toBe("PASS");
    expect(report.cost.unpriced).toEqual([]);
    expect(report.cost.usage_only?.map((u) => u.type)).toContain("aws_ecr_repository");
    expect(report.cost.resources?.some((r) => r.type === "aws_ecr_repository")).toBe(false);
    expect(report.cost.budget_usd).toBe(withEcr.plan.cost.budget_usd);
  });

  it("FAILs a design with a resource it cannot price, whatever the budget, and names it", async () => {
    const { goal, plan, artifacts } =
      plans[0] ??
      (() => {
        throw new Error("no eval plan");
      })();
    const gpu = 'resource "aws_instance" "gpu" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "p4d.24xlarge"\n}\n';
    const extra = { path: "terraform/gpu.tf", kind: "terraform" as const, sha256: "0".repeat(64), bytes: gpu.length, content: gpu };
    const report = await validateArtifacts(
      { ...artifacts, files: [...artifacts.files, extra] },
      { environment: goal.environment, region: plan.region, budgetUsd: 1_000_000 },
    );
    expect(report.status).toBe("FAIL");
    expect(report.cost.status).toBe("OK");
    expect(report.cost.unpriced_gate).toBe("fail");
    // the address may carry a module prefix for the terraform/ folder, depending on how the reader scopes folders
    expect(report.cost.unpriced?.map((u) => u.address)).toEqual([expect.stringMatching(/(^|\.)aws_instance\.gpu$/)]);
    const finding = report.findings.find((f) => f.rule_id === "COST_UNPRICED");
    expect(finding).toMatchObject({ resource: report.cost.unpriced?.[0]?.address, severity: "medium", file: "terraform/gpu.tf" });
    expect(finding?.message).toContain("aws_instance");
  });
});
