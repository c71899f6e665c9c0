import { describe, expect, it } from "vitest";
import { goalStatementSchema } from "../../../schemas/goal.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { planDeterministic } from "../engine.js";
import { AZURE_SLA, GCP_SLA } from "./sla.js";

const ctx = { planId: "plan-cloud", traceId: "a".repeat(32), version: 1, parentVersion: null, citations: [] };

function goal(overrides: Record<string, unknown>) {
  return goalStatementSchema.parse({
    name: "orders-api",
    description: "Orders API",
    cloud: "azure",
    region: "westeurope",
    environment: "prod",
    workload: { type: "web-api", requests_per_second: 200, data_size_gb: 50 },
    slo: { availability: 99.9 },
    budget: { monthly_usd: 5000 },
    ...overrides,
  });
}

function plan(overrides: Record<string, unknown>): PlanSpec {
  const outcome = planDeterministic(goal(overrides), ctx);
  if (outcome.kind !== "plan") throw new Error(`expected a plan, got BLOCKED: ${outcome.reason}`);
  return outcome.plan;
}

const cents = (usd: number) => Math.round(usd * 100);

describe("goal regions per cloud", () => {
  it("accepts each cloud's own region names and gives each cloud its default region", () => {
    expect(goal({ region: "westeurope" }).region).toBe("westeurope");
    expect(goal({ cloud: "gcp", region: "europe-west1" }).region).toBe("europe-west1");
    const { region: _region, ...noRegion } = goal({});
    expect(goalStatementSchema.parse({ ...noRegion, cloud: "gcp" }).region).toBe("us-central1");
    expect(goalStatementSchema.parse({ ...noRegion, cloud: "azure" }).region).toBe("eastus");
    expect(goalStatementSchema.parse({ ...noRegion, cloud: "aws" }).region).toBe("us-east-1");
  });

  it("rejects another cloud's region name with a message naming the cloud's own form", () => {
    const result = goalStatementSchema.safeParse({ ...goal({}), cloud: "azure", region: "eu-west-1" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["region", 'a azure region name such as "westeurope" or "eastus"']]);
    const aws = goalStatementSchema.safeParse({ ...goal({}), cloud: "aws", region: "westeurope" });
    expect(aws.error?.issues[0]?.path).toEqual(["region"]);
  });
});

describe("Azure plans", () => {
  it("plans a prod web API on Container Apps with a zone-redundant database, and shows the SLA product", () => {
    const p = plan({});
    expect(p.cloud).toBe("azure");
    expect(p.compute.platform).toBe("container-apps");
    expect(p.databases[0]).toMatchObject({ multi_az: true, engine: "postgres" });
    expect(p.databases[0]?.instance_class.startsWith("B_")).toBe(false); // Burstable has no HA
    const expected = (AZURE_SLA.frontDoor.percent / 100) * (AZURE_SLA.containerApps.percent / 100) * (AZURE_SLA.postgresZoneRedundant.percent / 100) * 100;
    expect(p.performance.estimated_availability).toBe(Number(expected.toFixed(3)));
    expect(p.performance.estimated_availability).toBeGreaterThanOrEqual(99.9);
    expect(p.revision_notes.some((n) => n.startsWith("availability: Front Door 99.99 % × Container Apps 99.95 %"))).toBe(true);
  });

  it("adds up: components, breakdown, fixed and usage parts all sum to the total", () => {
    const p = plan({});
    const total = cents(p.cost.monthly_total_usd);
    expect(p.components.reduce((sum, c) => sum + cents(c.monthly_usd), 0)).toBe(total);
    expect(cents(p.cost.fixed_monthly_usd) + cents(p.cost.usage_monthly_usd)).toBe(total);
    for (const line of p.cost.breakdown) expect(cents(line.fixed_usd) + cents(line.usage_usd)).toBe(cents(line.monthly_usd));
    expect(p.cost.usage_monthly_usd).toBeGreaterThan(0);
    expect(p.cost.usage_assumptions.join(" ")).toMatch(/requests a month/);
  });

  it("raises a 99.95 % objective to AKS across zones, because Container Apps' own SLA caps the composite", () => {
    const p = plan({ slo: { availability: 99.95 }, budget: { monthly_usd: 20_000 } });
    expect(p.compute.platform).toBe("aks");
    expect(p.revision_notes.some((n) => n.startsWith("slo (kubernetes)"))).toBe(true);
    expect(p.performance.estimated_availability).toBeGreaterThanOrEqual(99.95);
    // what AKS creates outside the Terraform is named as unpriced, not counted as $0
    expect(p.cost.usage_based.some((item) => item.includes("Load Balancer"))).toBe(true);
    expect(p.risks.some((r) => r.id === "usage-unpriced")).toBe(true);
  });

  it("blocks 99.95 % when Kubernetes is forbidden, with the arithmetic and the way out", () => {
    const outcome = planDeterministic(goal({ slo: { availability: 99.95 }, budget: { monthly_usd: 20_000 }, constraints: ["no Kubernetes"] }), ctx);
    expect(outcome.kind).toBe("blocked");
    if (outcome.kind !== "blocked") return;
    expect(outcome.reason).toMatch(/99\.95 % availability objective/);
    expect(outcome.arithmetic.join("\n")).toMatch(/Container Apps 99\.95 %/);
    expect(outcome.arithmetic.join("\n")).toMatch(/AKS would raise it, but a constraint forbids Kubernetes/);
  });

  it("blocks an unpriced region, naming the priced ones", () => {
    const outcome = planDeterministic(goal({ region: "brazilsouth" }), ctx);
    expect(outcome).toMatchObject({ kind: "blocked" });
    if (outcome.kind === "blocked") expect(outcome.arithmetic.join(" ")).toMatch(/westeurope/);
  });

  it("blocks a budget no design fits, with the cheapest total and a lower objective that would fit", () => {
    const outcome = planDeterministic(goal({ budget: { monthly_usd: 150 } }), ctx);
    expect(outcome.kind).toBe("blocked");
    if (outcome.kind !== "blocked") return;
    expect(outcome.reason).toMatch(/over the \$150\.00 budget/);
    expect(outcome.arithmetic[0]).toMatch(/^cheapest design: fixed \$[\d,.]+ \+ usage \$[\d,.]+ = \$[\d,.]+\/month > budget \$150\.00$/);
  });

  it("judges AWS-only constraints as not honoured (soft) and blocks on them (hard)", () => {
    const soft = plan({ constraints: ["prefer the existing VPC vpc-0123456789abcdef0"] });
    const judged = soft.constraints.find((c) => c.kind === "existing-network");
    expect(judged).toMatchObject({ status: "not_honoured", hard: false });
    expect(soft.risks.some((r) => r.id.startsWith("constraint-not-honoured"))).toBe(true);
    const hard = planDeterministic(goal({ constraints: ["must use the existing VPC vpc-0123456789abcdef0"] }), ctx);
    expect(hard.kind).toBe("blocked");
  });

  it("says which reviewer comments it did not act on, instead of a silent new version", () => {
    const first = plan({});
    const outcome = planDeterministic(goal({}), { ...ctx, version: 2, parentVersion: 1, previous: first, revisionComments: ["use a bigger database"] });
    if (outcome.kind !== "plan") throw new Error("expected a plan");
    expect(outcome.plan.risks.find((r) => r.id === "revision-comments-not-applied")?.mitigation).toContain('"use a bigger database"');
    expect(outcome.plan.revision_notes[0]).toBe("v2 revises v1");
  });

  it("acts on a reviewer's directives in Azure's words, and carries them to the next version", () => {
    const first = plan({});
    expect(first.caches).toEqual([]);
    expect(first.compute.platform).toBe("container-apps");
    const revise = (previous: PlanSpec, version: number, revisionComments: string[]) => {
      const outcome = planDeterministic(goal({}), { ...ctx, version, parentVersion: version - 1, previous, revisionComments });
      if (outcome.kind !== "plan") throw new Error(`expected a plan, got BLOCKED: ${outcome.reason}`);
      return outcome.plan;
    };
    const second = revise(first, 2, ["Please add a Redis cache and use AKS.", "budget 4000"]);
    expect(second.caches).toHaveLength(1);
    expect(second.compute.platform).toBe("aks");
    expect(second.cost.budget_usd).toBe(4000);
    expect(second.revision_notes).toContain(
      'revise comment "Please add a Redis cache and use AKS.": applied: keep a cache (Azure Cache for Redis; budget fitting may not drop it); run on AKS',
    );
    expect(second.revision_notes).toContain("budget: $5,000.00 → $4,000.00/month by reviewer directive");
    expect(second.risks.some((r) => r.id === "revision-comments-not-applied")).toBe(false);
    // the next version, with no new comment, keeps them
    const third = revise(second, 3, []);
    expect(third.compute.platform).toBe("aks");
    expect(third.caches).toHaveLength(1);
    expect(third.cost.budget_usd).toBe(4000);
    expect(third.revision_notes.some((n) => n.startsWith('revise comment "Please add a Redis cache and use AKS." (carried): applied:'))).toBe(true);
  });

  it("refuses a directive the SLO or the design rules out, saying why, and keeps the objective", () => {
    const first = plan({});
    const outcome = planDeterministic(goal({}), { ...ctx, version: 2, parentVersion: 1, previous: first, revisionComments: ["one zone is fine"] });
    if (outcome.kind !== "plan") throw new Error("expected a plan");
    expect(outcome.plan.revision_notes.find((n) => n.startsWith('revise comment "one zone is fine"'))).toMatch(/refused: the SLO needs at least \d zones/);
    expect(outcome.plan.performance.estimated_availability).toBeGreaterThanOrEqual(99.9);
    // staying on Container Apps where only AKS meets 99.95 %: the directive is refused with the arithmetic, not the SLO
    const strict = { slo: { availability: 99.95 }, budget: { monthly_usd: 20_000 } };
    const aks = plan(strict);
    const stay = planDeterministic(goal(strict), { ...ctx, version: 2, parentVersion: 1, previous: aks, revisionComments: ["stay on Container Apps"] });
    if (stay.kind !== "plan") throw new Error("expected a plan");
    expect(stay.plan.compute.platform).toBe("aks");
    expect(stay.plan.revision_notes.find((n) => n.startsWith("reviewer directives refused for the SLO"))).toMatch(/< the 99\.95 % objective/);
    expect(stay.plan.performance.estimated_availability).toBeGreaterThanOrEqual(99.95);
  });

  it("is deterministic", () => {
    expect(plan({})).toEqual(plan({}));
  });
});

describe("Google Cloud plans", () => {
  it("plans a worker on Cloud Run behind Pub/Sub and multiplies their SLAs", () => {
    const p = plan({
      cloud: "gcp",
      region: "europe-west1",
      environment: "staging",
      workload: { type: "worker", messages_per_second: 20 },
      slo: { availability: 99.5 },
    });
    expect(p.compute.platform).toBe("cloud-run");
    expect(p.components.map((c) => c.kind)).toEqual(expect.arrayContaining(["pubsub", "cloud-run", "artifact-registry", "cloud-logging"]));
    expect(p.performance.estimated_availability).toBe(Number(((GCP_SLA.pubsub.percent / 100) * (GCP_SLA.cloudRun.percent / 100) * 100).toFixed(3)));
  });

  it("serves a static site from the bucket through the load balancer and names what it cannot price", () => {
    const p = plan({ cloud: "gcp", region: "europe-west1", workload: { type: "static-site", requests_per_second: 50 } });
    expect(p.compute.platform).toBe("none");
    expect(p.buckets[0]).toMatchObject({ id: "site", public_website: true });
    expect(p.network.ingress.type).toBe("https-lb");
    expect(p.cost.usage_based.join(" ")).toMatch(/Cloud CDN/);
  });

  it("acts on a reviewer's directives in Google Cloud's words: Cloud Armor, GKE, a read replica, no cache", () => {
    const fields = { cloud: "gcp", region: "europe-west1", workload: { type: "web-api", requests_per_second: 1500, data_size_gb: 50 } };
    const first = plan(fields);
    expect(first.caches).toHaveLength(1);
    expect(first.compute.platform).toBe("cloud-run");
    const outcome = planDeterministic(goal(fields), {
      ...ctx,
      version: 2,
      parentVersion: 1,
      previous: first,
      revisionComments: ["No cache for now; add a WAF and keep a read replica. Switch to GKE.", "make it nicer"],
    });
    if (outcome.kind !== "plan") throw new Error(`expected a plan, got BLOCKED: ${outcome.reason}`);
    const p = outcome.plan;
    expect(p.caches).toEqual([]);
    expect(p.compute.platform).toBe("gke");
    expect(p.databases[0]?.read_replicas).toBe(1);
    expect(p.security.waf).toBe(true);
    // the comment with no directive is named as a risk, with what to say instead
    const risk = p.risks.find((r) => r.id === "revision-comments-not-applied");
    expect(risk?.mitigation).toContain('"make it nicer"');
    expect(risk?.mitigation).not.toContain("No cache for now");
  });

  it("names a zonal Cloud SQL figure as an assumption: Google publishes no SLA for it", () => {
    const p = plan({
      cloud: "gcp",
      region: "europe-west1",
      environment: "dev",
      slo: { availability: 99 },
      workload: { type: "web-api", requests_per_second: 5 },
    });
    expect(p.databases[0]?.multi_az).toBe(false);
    expect(p.risks.some((r) => r.id === "sla-assumed")).toBe(true);
  });
});
