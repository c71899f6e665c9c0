import { describe, expect, it } from "vitest";
import { interpretPrompt } from "./extract.js";
import { goalFromInterpretation } from "./goal.js";

describe("goalFromInterpretation", () => {
  it("builds the goal a complete prompt states, assuming nothing", () => {
    const prompt =
      "A payments web API with p95 of 250 ms, PCI, HIPAA and GDPR, budget $12,000 per month, 99.99 % availability, production, 2k rps, grows 5% per month, no Kubernetes";
    const result = goalFromInterpretation(interpretPrompt(prompt));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.assumed).toEqual([]);
    expect(result.goal).toEqual({
      name: "payments-api",
      description: prompt,
      cloud: "aws",
      region: "us-east-1",
      environment: "prod",
      workload: { type: "web-api", requests_per_second: 2000, growth_percent_per_month: 5 },
      slo: { availability: 99.99, p95_latency_ms: 250 },
      budget: { monthly_usd: 12000 },
      constraints: ["no Kubernetes"],
      compliance: ["pci", "hipaa", "gdpr"],
      existing_components: [],
    });
  });

  it("fills unstated deciding facts with their defaults and lists them as assumed", () => {
    const interpretation = interpretPrompt("Postgres-backed orders API in eu-west-1, 800 rps");
    const result = goalFromInterpretation(interpretation);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.assumed).toEqual(["environment", "slo.availability", "budget.monthly_usd"]);
    expect(result.goal.environment).toBe("dev");
    expect(result.goal.slo.availability).toBe(99.5);
    // dev base 100 × (1 + 800/500) = 260, rounded up to 300
    expect(result.goal.budget.monthly_usd).toBe(300);
    expect(result.goal.workload).toMatchObject({ type: "web-api", requests_per_second: 800, needs_database: true });
    // the interpretation's defaults are the ones used when nothing is answered
    expect(interpretation.missing.map((m) => m.default)).toEqual(["dev", 99.5, 300]);
  });

  it("takes answers over defaults, and sizes the remaining defaults from the answers", () => {
    const result = goalFromInterpretation(interpretPrompt("Postgres-backed orders API in eu-west-1, 800 rps"), { environment: "prod" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.assumed).toEqual(["slo.availability", "budget.monthly_usd"]);
    expect(result.goal.environment).toBe("prod");
    expect(result.goal.slo.availability).toBe(99.9);
    // prod base 1000 × (1 + 800/500) = 2600
    expect(result.goal.budget.monthly_usd).toBe(2600);
  });

  it("lets an answer correct a reading", () => {
    const result = goalFromInterpretation(interpretPrompt("orders API, prod, 99.9 % availability, $500 a month"), { "budget.monthly_usd": 750 });
    expect(result.ok && result.goal.budget.monthly_usd).toBe(750);
    expect(result.ok && result.assumed).toEqual([]);
  });

  it("keeps the first named kind when the prompt names several", () => {
    const result = goalFromInterpretation(interpretPrompt("a worker feeding an API, staging"));
    expect(result.ok && result.goal.workload.type).toBe("worker");
    expect(result.ok && result.assumed).toContain("workload.type");
  });

  it("returns the schema's error for an answer the schema refuses", () => {
    const result = goalFromInterpretation(interpretPrompt("orders API, prod"), { "slo.availability": 120, environment: "qa" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["slo.availability", "environment"]));
  });
});
