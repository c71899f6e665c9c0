import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type GoalStatement, goalStatementSchema } from "../../schemas/goal.js";
import type { PlanSpec } from "../../schemas/plan.js";
import type { Finding } from "../../schemas/reports.js";
import { type PlanContext, planDeterministic } from "./engine.js";

const GOALS_DIR = fileURLToPath(new URL("../../evals/goals/", import.meta.url));
const load = (file: string): GoalStatement => goalStatementSchema.parse(JSON.parse(readFileSync(`${GOALS_DIR}${file}`, "utf8")));

function plan(goal: GoalStatement, extra: Partial<PlanContext> = {}): PlanSpec {
  const outcome = planDeterministic(goal, { planId: "p", traceId: "t", version: 1, parentVersion: null, citations: [], ...extra });
  if (outcome.kind !== "plan") throw new Error(`expected a plan: ${outcome.reason}`);
  return outcome.plan;
}

function revise(goal: GoalStatement, previous: PlanSpec, extra: Partial<PlanContext>): PlanSpec {
  return plan(goal, { version: previous.version + 1, parentVersion: previous.version, previous, ...extra });
}

function finding(rule_id: string, message: string, resource = "*"): Finding {
  return { rule_id, aliases: [], severity: "high", resource, file: "", line: null, message, remediation: `fix ${rule_id}` };
}

const overBudget = (usd: string, cap: string) => finding("COST_BUDGET_EXCEEDED", `Estimated ${usd}/month exceeds the ${cap} monthly budget.`);

describe("revisions from validator findings", () => {
  it("COST_BUDGET_EXCEEDED lowers the cost and leaves room for what the validator priced beyond the plan", () => {
    // The validator prices the Terraform, which carries no traffic, so what it found beyond the
    // plan is its figure less the plan's fixed part; the new version leaves room for that.
    const goal = { ...load("01-small-dev-api.json"), budget: { monthly_usd: 95 } };
    const v1 = plan(goal);
    const v2 = revise(goal, v1, { findings: [overBudget("$100.00", "$95.00")] });
    expect(v2.version).toBe(2);
    expect(v2.parent_version).toBe(1);
    expect(v2.cost.monthly_total_usd).toBeLessThan(v1.cost.monthly_total_usd);
    const beyond = Math.round((100 - v1.cost.fixed_monthly_usd) * 100) / 100;
    expect(v2.cost.monthly_total_usd + beyond).toBeLessThanOrEqual(95);
    expect(v2.revision_notes.some((n) => n.startsWith("finding COST_BUDGET_EXCEEDED"))).toBe(true);
    expect(v2.revision_notes.some((n) => n.startsWith(`budget reserve: $${beyond.toFixed(2)}`))).toBe(true);
  });

  it("COST_BUDGET_EXCEEDED without a figure still applies one more step", () => {
    const goal = load("05-prod-api-critical.json");
    const v1 = plan(goal);
    const v2 = revise(goal, v1, { findings: [finding("COST_BUDGET_EXCEEDED", "over budget")] });
    expect(v2.cost.monthly_total_usd).toBeLessThan(v1.cost.monthly_total_usd);
    expect(v2.revision_notes.some((n) => /^budget-fit \([a-z-]+, validator\)/.test(n))).toBe(true);
  });

  it("keeps forced downsizing in later versions answering other findings", () => {
    const goal = load("05-prod-api-critical.json");
    const v1 = plan(goal);
    const v2 = revise(goal, v1, { findings: [finding("COST_BUDGET_EXCEEDED", "over budget")] });
    const v3 = revise(goal, v2, { findings: [finding("AWS_VPC_FLOW_LOGS", "VPC has no flow logs", "aws_vpc.main")] });
    expect(v3.cost.monthly_total_usd).toBe(v2.cost.monthly_total_usd);
    expect(v3.risks.map((r) => r.id)).toContain("finding-aws-vpc-flow-logs");
  });

  it("blocks when the validator's extra cost cannot be absorbed", () => {
    const goal = { ...load("01-small-dev-api.json"), budget: { monthly_usd: 95 } };
    const v1 = plan(goal);
    const outcome = planDeterministic(goal, {
      planId: "p",
      traceId: "t",
      version: 2,
      parentVersion: 1,
      citations: [],
      previous: v1,
      findings: [overBudget("$140.00", "$95.00")],
    });
    if (outcome.kind !== "blocked") throw new Error("expected blocked");
    expect(outcome.arithmetic.join("\n")).toContain("cap $95.00 less what the validator priced beyond the plan");
  });

  it("hardens the component a security finding names", () => {
    const goal = load("01-small-dev-api.json");
    const v1 = plan(goal);
    expect(v1.security.kms).toBe("aws-managed");
    const v2 = revise(goal, v1, {
      findings: [
        finding("AWS_RDS_ENCRYPTION", "RDS storage is not encrypted", "aws_db_instance.db"),
        finding("AWS_RDS_BACKUP_RETENTION", "too short", "aws_db_instance.db"),
      ],
    });
    expect(v2.security.kms).toBe("customer-managed");
    expect(v2.components.map((c) => c.id)).toContain("kms");
    expect(v2.databases[0]?.backup_retention_days).toBeGreaterThanOrEqual(7);
    expect(v2.revision_notes).toContain("finding AWS_RDS_ENCRYPTION on aws_db_instance.db: encrypt aws_db_instance.db with the customer-managed KMS key");
    // The hardening carries into the next version even without the finding.
    const v3 = revise(goal, v2, {});
    expect(v3.security.kms).toBe("customer-managed");
  });
});

describe("revisions from reviewer comments", () => {
  it("revises deterministically", () => {
    const goal = load("05-prod-api-critical.json");
    const v1 = plan(goal);
    const extra = {
      revisionComments: ["no cache", "budget 3500"],
      findings: [finding("COST_BUDGET_EXCEEDED", "Estimated $3,600.00/month exceeds the $3,500.00 monthly budget.")],
    };
    const again = (previous: PlanSpec, more: typeof extra) =>
      planDeterministic(goal, { planId: "p", traceId: "t", version: 2, parentVersion: 1, citations: [], previous, ...more });
    const first = JSON.stringify(again(v1, extra));
    expect(first.length).toBeGreaterThan(100);
    expect(first).toBe(JSON.stringify(again(structuredClone(v1), structuredClone(extra))));
  });

  it('"no cache" removes the cache and keeps it removed in later versions', () => {
    const goal = load("05-prod-api-critical.json");
    const v1 = plan(goal);
    expect(v1.caches).toHaveLength(1);
    const v2 = revise(goal, v1, { revisionComments: ["Looks good, but no cache for now please."] });
    expect(v2.caches).toEqual([]);
    expect(v2.components.some((c) => c.kind === "elasticache-redis")).toBe(false);
    expect(v2.revision_notes).toContain('revise comment "Looks good, but no cache for now please.": applied: no cache');
    const v3 = revise(goal, v2, {});
    expect(v3.caches).toEqual([]);
    expect(v3.revision_notes.some((n) => n.includes("(carried)"))).toBe(true);
  });

  it("lets a later comment override a carried one", () => {
    const goal = load("05-prod-api-critical.json");
    const v2 = revise(goal, plan(goal), { revisionComments: ["no cache"] });
    const v3 = revise(goal, v2, { revisionComments: ["add cache back"] });
    expect(v3.caches).toHaveLength(1);
  });

  it("recognises every directive phrase the model planner may propose", () => {
    // The vocabulary nodes/architect/model.ts offers a model; each must parse to a directive.
    const phrases = [
      "no cache",
      "add cache",
      "use eks",
      "use ecs",
      "single az",
      "two azs",
      "three azs",
      "single nat",
      "nat per az",
      "graviton",
      "no graviton",
      "no read replica",
      "add read replica",
      "customer-managed kms key",
      "multi-az database",
    ];
    const goal = load("22-gdpr-internal-staging.json");
    const notes = plan(goal, { revisionComments: phrases }).revision_notes.filter((n) => n.startsWith("revise comment"));
    expect(notes).toHaveLength(phrases.length);
    for (const note of notes) expect(note).toMatch(/: applied: /);
  });

  it('"use eks" moves the workload to EKS; "budget N" changes the cap', () => {
    const goal = load("04-prod-api-medium.json");
    const v1 = plan(goal);
    const v2 = revise(goal, v1, { revisionComments: ["Please use EKS, and set the budget to $2,500"] });
    expect(v2.compute.platform).toBe("eks");
    expect(v2.cost.budget_usd).toBe(2500);
  });

  it("keeps a budget directive across versions until the goal's own budget changes", () => {
    const goal = load("04-prod-api-medium.json");
    const v2 = revise(goal, plan(goal), { revisionComments: ["budget 2500"] });
    expect(revise(goal, v2, {}).cost.budget_usd).toBe(2500);
    const changed = { ...goal, budget: { monthly_usd: 4000 } };
    const v3 = revise(changed, v2, {});
    expect(v3.cost.budget_usd).toBe(4000);
    expect(v3.revision_notes.some((n) => n.includes("earlier budget directive no longer applies"))).toBe(true);
    expect(revise(changed, v3, {}).cost.budget_usd).toBe(4000);
  });

  it('refuses "single az" when the SLO needs more, and records comments it cannot parse', () => {
    const goal = load("04-prod-api-medium.json");
    const v1 = plan(goal);
    const v2 = revise(goal, v1, { revisionComments: ["single AZ is fine", "can we talk about naming?"] });
    expect(v2.network.private_subnets.length).toBe(v1.network.private_subnets.length);
    expect(v2.revision_notes.some((n) => n.includes("single AZ refused"))).toBe(true);
    expect(v2.revision_notes.some((n) => n.includes("no directive recognised"))).toBe(true);
  });

  it('honours "single az" as far as the SLO gate allows, and says why it went no further', () => {
    const goal = load("22-gdpr-internal-staging.json");
    const v1 = plan(goal, { revisionComments: ["use three AZs"] });
    expect(v1.network.private_subnets).toHaveLength(3);
    const v2 = revise(goal, v1, { revisionComments: ["actually, single az"] });
    // 99.5 %: one task in one AZ (99.5 %) × the internal ALB × a database is below the objective,
    // so the gate spreads compute over two AZs and makes the database Multi-AZ, noting each move
    expect(v2.network.private_subnets).toHaveLength(2);
    expect(v2.revision_notes.some((n) => n.startsWith("slo (spread-compute)"))).toBe(true);
    expect(v2.performance.estimated_availability).toBeGreaterThanOrEqual(99.5);
  });

  it('takes "single az" where the objective allows one AZ', () => {
    const goal = { ...load("22-gdpr-internal-staging.json"), slo: { availability: 98.5 } };
    const v2 = revise(goal, plan(goal, { revisionComments: ["use three AZs"] }), { revisionComments: ["actually, single az"] });
    expect(v2.databases[0]?.multi_az).toBe(false);
    expect(v2.revision_notes.some((n) => n.startsWith("slo ("))).toBe(false);
  });
});
