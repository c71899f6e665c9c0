import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { PlanConstraint, PlanSpec } from "../schemas/plan.js";
import { webApiProdPlan } from "../test/fixtures/plans/index.js";
import { suiteGoal } from "./constraint-run.js";
import {
  type ConstraintCase,
  constraintCaseSchema,
  type ObservedRun,
  readConstraintSuite,
  scoreConstraintCase,
  summariseConstraints,
} from "./constraint-suite.js";
import { readGoalCases } from "./plans.js";

const GOALS = fileURLToPath(new URL("./goals/", import.meta.url));
const SUITE = fileURLToPath(new URL("./constraints/suite.json", import.meta.url));

const arm: ConstraintCase = constraintCaseSchema.parse({
  id: "arm",
  goal: "04-prod-api-medium.json",
  constraint: "no x86 anywhere: arm64 only",
  kind: "cpu-architecture",
  negated: true,
  checks: [{ plan_path: "compute.architecture", equals: "arm64" }, { terraform_contains: 'cpu_architecture = "ARM64"' }],
});
const ARM_HCL = 'runtime_platform {\n    operating_system_family = "LINUX"\n    cpu_architecture        = "ARM64"\n  }';

/** The fixture plan with one constraint entry and the given architecture. */
function planWith(entry: Partial<PlanConstraint> | null, architecture: "arm64" | "x86_64" = "arm64"): PlanSpec {
  const plan = structuredClone(webApiProdPlan);
  plan.compute.architecture = architecture;
  plan.constraints = entry
    ? [{ text: "No x86 anywhere:  ARM64 only", kind: "cpu-architecture", hard: true, status: "honoured", how: "Fargate ARM64, db.r6g", ...entry }]
    : [];
  return plan;
}

const approved = (plan: PlanSpec, terraform = ARM_HCL): ObservedRun => ({ status: "WAIT_FOR_APPROVE", plan, terraform, blocked: null });

describe("scoreConstraintCase", () => {
  it("passes an honoured constraint whose checks hold, matching the goal's words without case or spacing", () => {
    const r = scoreConstraintCase(arm, approved(planWith({})));
    expect(r).toMatchObject({ outcome: "honoured", pass: true });
  });

  it("calls honoured-but-not-in-the-artifacts a false honour, even when the kind is also wrong", () => {
    expect(scoreConstraintCase(arm, approved(planWith({}, "x86_64"))).outcome).toBe("false_honour");
    expect(scoreConstraintCase(arm, approved(planWith({}), 'cpu_architecture = "X86_64"'))).toMatchObject({ outcome: "false_honour", pass: false });
    expect(scoreConstraintCase(arm, approved(planWith({ kind: "instance-families" }, "x86_64"))).outcome).toBe("false_honour");
    expect(scoreConstraintCase(arm, approved(planWith({ kind: "instance-families" }))).outcome).toBe("wrong_kind");
  });

  it("accepts not_honoured with a reason only where the case allows it", () => {
    const declined = approved(planWith({ status: "not_honoured", how: "no Graviton class in this region's price sheet" }, "x86_64"), "");
    expect(scoreConstraintCase(arm, declined)).toMatchObject({ outcome: "declined_not_allowed", pass: false });
    expect(scoreConstraintCase({ ...arm, may_block: true }, declined)).toMatchObject({ outcome: "declined", pass: true });
    const silent = approved(planWith({ status: "not_honoured", how: " " }, "x86_64"), "");
    expect(scoreConstraintCase({ ...arm, may_block: true }, silent).outcome).toBe("declined_silent");
  });

  it("does not pass an honoured constraint whose Terraform could not be built", () => {
    const refused = { ...approved(planWith({})), terraform: "", terraform_error: "unpinned image" };
    expect(scoreConstraintCase(arm, refused)).toMatchObject({ outcome: "cannot_verify", pass: false });
  });

  it("reports not_understood, a missing entry and a wrong hard flag", () => {
    expect(scoreConstraintCase(arm, approved(planWith({ status: "not_understood", how: "?" }, "x86_64"))).outcome).toBe("not_understood");
    const unread = planWith({ kind: "unknown", hard: false, status: "not_understood", how: "no constraint kind recognised" }, "x86_64");
    expect(scoreConstraintCase(arm, approved(unread))).toMatchObject({ outcome: "not_understood", pass: false });
    expect(scoreConstraintCase(arm, approved(planWith(null))).outcome).toBe("missing");
    expect(scoreConstraintCase({ ...arm, hard: false }, approved(planWith({}))).outcome).toBe("wrong_hard");
  });

  it("counts a BLOCKED run as declined only when the rationale names the constraint and the case allows it", () => {
    const blocked = (reason: string): ObservedRun => ({ status: "BLOCKED", plan: null, terraform: "", blocked: { reason, arithmetic: [] } });
    const naming = blocked('hard constraint "no x86 anywhere: arm64 only" cannot hold: no Graviton database class fits');
    expect(scoreConstraintCase({ ...arm, may_block: true }, naming)).toMatchObject({ outcome: "declined", pass: true });
    expect(scoreConstraintCase(arm, naming).outcome).toBe("declined_not_allowed");
    expect(scoreConstraintCase({ ...arm, may_block: true }, blocked("$612.40 > $500 budget")).outcome).toBe("blocked_silent");
  });
});

describe("summariseConstraints", () => {
  it("computes the honour rate, the negated rate and the failure counts from the outcomes", () => {
    const base = { kind: "nat" as const, detail: "" };
    const summary = summariseConstraints(
      [
        { ...base, id: "a", negated: true, outcome: "honoured", pass: true },
        { ...base, id: "b", negated: true, outcome: "false_honour", pass: false },
        { ...base, id: "c", negated: false, outcome: "declined", pass: true },
        { ...base, id: "d", negated: false, outcome: "not_understood", pass: false },
      ],
      ["c"],
    );
    expect(summary).toMatchObject({ cases: 4, honour_rate: 0.5, negated_honour_rate: 0.5, false_honours: 1, not_understood: 1, non_discriminating: ["c"] });
    expect(summary.by_kind.nat).toEqual({ cases: 4, passed: 2 });
    expect(summary.failures.map((f) => f.id)).toEqual(["b", "d"]);
  });
});

describe("evals/constraints/suite.json", () => {
  const cases = readConstraintSuite(SUITE);
  // The kinds issue 9 names; vpc-endpoints phrasings report as "nat" (both are about egress).
  const kinds = [
    "kubernetes",
    "cpu-architecture",
    "nat",
    "existing-network",
    "database-engine",
    "availability-zones",
    "serverless",
    "capacity",
    "instance-families",
    "region",
    "security-control",
    "budget",
  ];

  it("has at least 20 phrasings, three or more per kind with one negated", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const kind of kinds) {
      const ofKind = cases.filter((c) => c.kind === kind);
      expect(ofKind.length, kind).toBeGreaterThanOrEqual(3);
      expect(
        ofKind.some((c) => c.negated),
        `${kind} has a negated phrasing`,
      ).toBe(true);
    }
  });

  it("builds a valid goal for every case from an existing base goal, with the constraint added once", () => {
    for (const c of cases) {
      expect(existsSync(`${GOALS}${c.goal}`), c.goal).toBe(true);
      const goal = suiteGoal(GOALS, c, true);
      expect(
        goal.constraints.filter((text) => text === c.constraint),
        c.id,
      ).toHaveLength(1);
      expect(suiteGoal(GOALS, c, false).constraints).not.toContain(c.constraint);
    }
  });
});

describe("evals/goals/expectations.json", () => {
  const goals = readGoalCases(GOALS);

  it("gives every goal an expectation, with at least 15 goals beyond the first 32", () => {
    expect(goals.filter((g) => Number(g.file.slice(0, 2)) >= 33).length).toBeGreaterThanOrEqual(15);
  });

  it("holds issue 9's $60, 1-rps, 99 % dev API to a total below $60", () => {
    const sixty = goals.find((g) => g.goal.budget.monthly_usd === 60 && g.goal.workload.requests_per_second === 1);
    expect(sixty).toMatchObject({ expect: "plan", totalBelowUsd: 60 });
    expect(sixty?.goal).toMatchObject({ environment: "dev", slo: { availability: 99 } });
  });
});
