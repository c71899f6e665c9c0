import { describe, expect, it } from "vitest";
import { type GoalStatementInput, goalStatementSchema } from "../../schemas/goal.js";
import { intentOf } from "./constraints/intent.js";
import { initialDesign, sizeDesign } from "./design.js";
import { planDeterministic } from "./engine.js";
import { selectPattern } from "./patterns.js";
import { PUBLISHED_SLA, redundancyFor } from "./redundancy.js";
import { availabilityOf, raiseToSlo } from "./slo.js";

const ctx = { planId: "p", traceId: "t", version: 1, parentVersion: null, citations: [] };

function goal(input: Partial<GoalStatementInput>) {
  return goalStatementSchema.parse({
    name: "slo-api",
    description: "an API with an availability objective",
    environment: "dev",
    workload: { type: "web-api", requests_per_second: 5, needs_database: true },
    slo: { availability: 99 },
    budget: { monthly_usd: 5000 },
    ...input,
  });
}

const designOf = (g: ReturnType<typeof goal>) => initialDesign(g, selectPattern(g), redundancyFor(g), {}, intentOf([]));

describe("the SLO gate", () => {
  it("a single-AZ design multiplies to below 99 %, so the gate spreads compute across two AZs", () => {
    const g = goal({});
    const start = designOf(g);
    const before = availabilityOf(start, sizeDesign(start));
    // ALB × one Fargate task in one AZ × single-AZ RDS, each the published figure
    const product = (PUBLISHED_SLA.alb / 100) * (PUBLISHED_SLA.computeSingleAz / 100) * (PUBLISHED_SLA.rdsSingleAz / 100) * 100;
    expect(before.estimated).toBe(Number(product.toFixed(3)));
    expect(before.estimated).toBeLessThan(99);
    const raised = raiseToSlo(start, sizeDesign);
    expect(raised.met).toBe(true);
    expect(raised.design.azCount).toBeGreaterThanOrEqual(2);
    expect(sizeDesign(raised.design).service?.tasks).toBeGreaterThanOrEqual(2);
    expect(raised.notes[0]).toMatch(/^slo \(spread-compute\)/);
  });

  it("99.95 % needs Aurora: RDS Multi-AZ's 99.95 % times the ALB and compute falls short", () => {
    const outcome = planDeterministic(goal({ environment: "prod", slo: { availability: 99.95 } }), ctx);
    if (outcome.kind !== "plan") throw new Error(outcome.reason);
    expect(outcome.plan.databases[0]?.engine).toBe("aurora-postgresql");
    expect(outcome.plan.performance.estimated_availability).toBeGreaterThanOrEqual(99.95);
    expect(outcome.plan.components.find((c) => c.id === "db")?.kind).toBe("aurora-cluster");
  });

  it("an objective no single-region design reaches is BLOCKED with the arithmetic", () => {
    const outcome = planDeterministic(goal({ environment: "prod", slo: { availability: 99.99 } }), ctx);
    expect(outcome.kind).toBe("blocked");
    if (outcome.kind !== "blocked") return;
    expect(outcome.reason).toContain("99.99 % availability objective");
    expect(outcome.arithmetic[0]).toMatch(/ALB 99\.99 % × Fargate across \d AZs 99\.99 % × Aurora Multi-AZ cluster 99\.99 % = 99\.97 % < 99\.99 %/);
  });

  it("every plan that reaches approval meets its own estimate, and budget fitting never undoes the gate", () => {
    for (const availability of [99, 99.5, 99.9, 99.95]) {
      for (const environment of ["dev", "staging", "prod"] as const) {
        const outcome = planDeterministic(goal({ environment, slo: { availability }, budget: { monthly_usd: 400 } }), ctx);
        if (outcome.kind !== "plan") continue;
        expect(outcome.plan.performance.estimated_availability, `${environment} ${availability}`).toBeGreaterThanOrEqual(availability);
      }
    }
  });

  it("a p95 objective it cannot estimate is named at approval, not passed in silence", () => {
    const outcome = planDeterministic(goal({ slo: { availability: 99, p95_latency_ms: 250 } }), ctx);
    if (outcome.kind !== "plan") throw new Error(outcome.reason);
    const risk = outcome.plan.risks.find((r) => r.id === "p95-not-estimated");
    expect(risk?.title).toContain("250 ms p95 objective is not checked");
    const without = planDeterministic(goal({}), ctx);
    if (without.kind !== "plan") throw new Error(without.reason);
    expect(without.plan.risks.map((r) => r.id)).not.toContain("p95-not-estimated");
  });
});
