import { describe, expect, it } from "vitest";
import { type GoalStatementInput, goalStatementSchema } from "../../schemas/goal.js";
import { blockedArithmetic, evaluate, fitBudget, STEPS } from "./budget-fit.js";
import { intentOf } from "./constraints/intent.js";
import { readConstraints } from "./constraints/read.js";
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
    // usage (logs, LCUs, egress at 90 rps average) and Aurora (the 99.95 % gate) are in the total now
    budget: { monthly_usd: 900 },
    ...input,
  });
}

function design(input: Partial<GoalStatementInput>) {
  const g = goal(input);
  const intent = intentOf(readConstraints(g.constraints).flatMap((reading) => reading.wishes));
  return initialDesign(g, selectPattern(g, intent.platform), redundancyFor(g), {}, intent);
}

const stepOf = (note: string) => note.match(/^budget-fit \(([a-z-]+)/)?.[1];

describe("budget fitting", () => {
  it("records each downsizing step, in the fixed order, with falling totals", () => {
    const outcome = planDeterministic(goal({}), ctx);
    if (outcome.kind !== "plan") throw new Error(outcome.reason);
    const notes = outcome.plan.revision_notes.filter((n) => n.startsWith("budget-fit"));
    expect(notes.map(stepOf)).toEqual(["graviton", "drop-read-replicas", "drop-cache", "single-nat"]);
    const order = STEPS.map((s) => s.id);
    const indexes = notes.map((n) => order.indexOf(stepOf(n) as (typeof order)[number]));
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    const totals = notes.map((n) => n.match(/→ \$([\d,.]+)\/month$/)?.[1]).map((v) => Number(v?.replaceAll(",", "")));
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeLessThan(totals[i - 1] ?? 0);
    expect(outcome.plan.cost.monthly_total_usd).toBeLessThanOrEqual(900);
    expect(outcome.plan.caches).toEqual([]);
    expect(outcome.plan.compute.platform).toBe("ecs-fargate");
    // 99.95 % keeps its three AZs and a Multi-AZ Aurora cluster (the SLO gate): only optional parts went.
    expect(outcome.plan.network.availability_zones).toHaveLength(3);
    expect(outcome.plan.databases[0]?.multi_az).toBe(true);
    expect(outcome.plan.databases[0]?.engine).toBe("aurora-postgresql");
    expect(outcome.plan.performance.estimated_availability).toBeGreaterThanOrEqual(99.95);
  });

  it("drops AZs only as far as the SLO allows", () => {
    // $95 of fixed cost as before, plus about $55 of usage now in the total (30 rps average:
    // LCUs, log ingestion and storage, NAT data processed; see usage.test.ts for the arithmetic).
    const squeezed = planDeterministic(
      goal({ workload: { type: "internal-service", requests_per_second: 100 }, slo: { availability: 99.9 }, budget: { monthly_usd: 150 } }),
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
    expect(fit.applied).toEqual(["graviton"]);
    expect(fit.notes[0]).toMatch(/^budget-fit \(graviton, validator\)/);
    expect(fit.bill.totalCents).toBeLessThan(evaluate(start).bill.totalCents);
  });

  it("switches EKS nodes and Fargate tasks to Graviton first (the plan carries the architecture the builder renders), unless a constraint wants x86", () => {
    const eks = design({ constraints: ["must run on EKS"] });
    const fit = fitBudget(eks, 1);
    expect(fit.applied[0]).toBe("graviton");
    expect(fit.sized.nodes?.instanceType).toMatch(/^(m7g|t4g)\./);
    const fargate = fitBudget(design({}), 1);
    expect(fargate.applied[0]).toBe("graviton");
    expect(fargate.design.arch).toBe("arm64");
    expect(fitBudget(design({ constraints: ["x86 only, our images are amd64"] }), 1).applied).not.toContain("graviton");
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
    // ALB: $16.43 of hours plus usage at 90 rps average (30 % of 300) × 10 KiB default responses:
    // 236,520,000 × 10 / 1,048,576 = 2,255.63 GB → 2,255.63 LCU-hours × $0.008 = $18.05 and × $0.09 out = $203.01.
    expect(minimum).toMatch(/^minimum: .*ALB \$237\.49 .* = \$[\d,]+\.\d{2} > cap \$50\.00$/);
    const total = Number(minimum?.match(/= \$([\d,.]+) >/)?.[1]?.replaceAll(",", ""));
    expect(Math.round(total * 100)).toBe(fit.bill.totalCents);
    expect(lines.find((l) => l.startsWith("downsizing already applied: "))).toMatch(/graviton, drop-read-replicas, drop-cache/);
  });
});
