import { describe, expect, it } from "vitest";
import { type GoalStatementInput, goalStatementSchema } from "../../schemas/goal.js";
import { blockedArithmetic, evaluate, fitBudget, STEPS } from "./budget-fit.js";
import { initialDesign } from "./design.js";
import { planDeterministic } from "./engine.js";
import { selectPattern } from "./patterns.js";
import { redundancyFor } from "./redundancy.js";

const ctx = { planId: "p", traceId: "t", version: 1, parentVersion: null, citations: [] };

function goal(input: Partial<GoalStatementInput>) {
  return goalStatementSchema.parse({
    name: "squeeze-api",
    description: "API whose budget forces downsizing",
    environment: "prod",
    workload: { type: "web-api", requests_per_second: 300, data_size_gb: 30, needs_cache: true },
    slo: { availability: 99.95 },
    budget: { monthly_usd: 450 },
    ...input,
  });
}

function design(input: Partial<GoalStatementInput>) {
  const g = goal(input);
  return initialDesign(g, selectPattern(g), redundancyFor(g), {});
}

const stepOf = (note: string) => note.match(/^budget-fit \(([a-z-]+)/)?.[1];

describe("budget fitting", () => {
  it("records each downsizing step, in the fixed order, with falling totals", () => {
    const outcome = planDeterministic(goal({}), ctx);
    if (outcome.kind !== "plan") throw new Error(outcome.reason);
    const notes = outcome.plan.revision_notes.filter((n) => n.startsWith("budget-fit"));
    expect(notes.map(stepOf)).toEqual(["drop-read-replicas", "drop-cache", "smaller-db-class"]);
    const order = STEPS.map((s) => s.id);
    const indexes = notes.map((n) => order.indexOf(stepOf(n) as (typeof order)[number]));
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    const totals = notes.map((n) => n.match(/→ \$([\d,.]+)\/month$/)?.[1]).map((v) => Number(v?.replaceAll(",", "")));
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeLessThan(totals[i - 1] ?? 0);
    expect(outcome.plan.cost.monthly_total_usd).toBeLessThanOrEqual(450);
    expect(outcome.plan.caches).toEqual([]);
    expect(outcome.plan.compute.platform).toBe("ecs-fargate");
    // 99.95 % keeps its three AZs and Multi-AZ database: only optional parts and sizes went.
    expect(outcome.plan.network.availability_zones).toHaveLength(3);
    expect(outcome.plan.databases[0]?.multi_az).toBe(true);
  });

  it("drops AZs only as far as the SLO allows", () => {
    const squeezed = planDeterministic(
      goal({ workload: { type: "internal-service", requests_per_second: 100 }, slo: { availability: 99.9 }, budget: { monthly_usd: 95 } }),
      ctx,
    );
    if (squeezed.kind !== "plan") throw new Error(squeezed.reason);
    expect(squeezed.plan.revision_notes.map(stepOf)).toContain("fewer-azs");
    expect(squeezed.plan.network.private_subnets).toHaveLength(2);
    const start = design({ slo: { availability: 99.95 } });
    const fit = fitBudget(start, 1);
    expect(fit.fits).toBe(false);
    expect(fit.design.azCount).toBe(3);
    expect(fit.design.database?.multiAz).toBe(true);
  });

  it("stops as soon as the design fits and leaves a roomy budget untouched", () => {
    const start = design({ budget: { monthly_usd: 5000 } });
    const fit = fitBudget(start, 500_000);
    expect(fit.notes).toEqual([]);
    expect(fit.bill.totalCents).toBe(evaluate(start).bill.totalCents);
  });

  it("applies one step when forced even though the design fits", () => {
    const start = design({ budget: { monthly_usd: 5000 } });
    const fit = fitBudget(start, 500_000, { forceOne: true });
    expect(fit.applied).toEqual(["drop-read-replicas"]);
    expect(fit.notes[0]).toMatch(/^budget-fit \(drop-read-replicas, validator\)/);
    expect(fit.bill.totalCents).toBeLessThan(evaluate(start).bill.totalCents);
  });

  it("switches EKS nodes to Graviton first, but never prices Fargate tasks as arm64", () => {
    const eks = design({ constraints: ["runs on EKS"] });
    const fit = fitBudget(eks, 1);
    expect(fit.applied[0]).toBe("graviton");
    expect(fit.sized.nodes?.instanceType).toMatch(/^(m7g|t4g)\./);
    expect(fitBudget(design({}), 1).applied).not.toContain("graviton");
  });

  it("skips pinned steps", () => {
    const start = { ...design({}), pins: new Set(["drop-cache"] as const) };
    const fit = fitBudget(start, 45_000);
    expect(fit.applied).not.toContain("drop-cache");
    expect(fit.design.cache).toBe(true);
  });

  it("shows the minimal cost per component against the cap when nothing fits", () => {
    const fit = fitBudget(design({}), 5_000);
    const lines = blockedArithmetic(fit, 5_000, 5_000);
    const minimum = lines.find((l) => l.startsWith("minimum: "));
    expect(minimum).toMatch(/^minimum: .*ALB \$16\.43 .* = \$[\d,]+\.\d{2} > cap \$50\.00$/);
    const total = Number(minimum?.match(/= \$([\d,.]+) >/)?.[1]?.replaceAll(",", ""));
    expect(Math.round(total * 100)).toBe(fit.bill.totalCents);
    expect(lines.some((l) => l.startsWith("downsizing already applied: drop-read-replicas, drop-cache"))).toBe(true);
  });
});
