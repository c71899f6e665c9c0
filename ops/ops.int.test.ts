import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

/** Every string under `key` anywhere in a parsed document. */
function stringsUnder(node: unknown, key: string, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) stringsUnder(item, key, found);
  else if (node && typeof node === "object") {
    for (const [k, value] of Object.entries(node)) {
      if (k === key && typeof value === "string") found.push(value);
      else if (k === key && value && typeof value === "object" && typeof (value as { query?: unknown }).query === "string")
        found.push((value as { query: string }).query);
      else stringsUnder(value, key, found);
    }
  }
  return found;
}

const metricNames = (expressions: string[]) => new Set(expressions.flatMap((expr) => expr.match(/\batlas_[a-z0-9_]+/g) ?? []));

const dashboard = JSON.parse(readFileSync(join(repoRoot, "ops/grafana/atlas-dashboard.json"), "utf8"));
const rules = parse(readFileSync(join(repoRoot, "ops/prometheus/atlas-rules.yaml"), "utf8")) as {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
};
const dashboardExpressions = [...stringsUnder(dashboard, "expr"), ...stringsUnder(dashboard.templating, "query")];
const ruleExpressions = rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));

describe("Grafana dashboard and Prometheus rules query metrics /metrics exports", () => {
  let db: Database;
  let t: TestApp;
  let exposition: string;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    // exercise the app so the labelled series exist: HTTP, retrieval, a run to approval and its apply
    await t.app.inject({ method: "GET", url: "/healthz" });
    await t.app.inject({ method: "POST", url: "/rag/search", headers: t.auth, payload: { query: "pods restarting" } });
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const done = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${run.thread_id}/resume`,
      headers: t.auth,
      payload: { decision: "approve", approver: "ops-test" },
    });
    expect(done.json().status).toBe("DONE");
    // what a model run, the token budget module and the event bus feed in (tested with them elsewhere)
    t.deps.metrics.recordTokens("default", "stub-model", 10);
    t.deps.tokenBudget.stats = async () => [{ tenant: "default", daily_budget: 1000, used_today: 10 }];
    t.deps.metrics.recordDeadLetter("apply.request");
    const res = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    exposition = res.body;
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  /** Series names /metrics declares, with a histogram's _bucket, _sum and _count. */
  const exported = () => {
    const names = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name as string);
      if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${name}${suffix}`);
    }
    return names;
  };
  const withSamples = () =>
    new Set(
      exposition
        .split("\n")
        .filter((line) => line && !line.startsWith("#"))
        .map((line) => line.split(/[{ ]/)[0]),
    );

  it("the files are what Grafana and Prometheus load", () => {
    expect(dashboard.uid).toBe("atlas-overview");
    expect(dashboard.panels.filter((p: { type: string }) => p.type !== "row").length).toBeGreaterThanOrEqual(8);
    for (const panel of dashboard.panels.filter((p: { type: string }) => p.type !== "row")) expect(panel.targets.length).toBeGreaterThan(0);
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(expect.arrayContaining(["AtlasTokenBudget80", "AtlasRunP95Slow", "AtlasDeadLetters"]));
    expect(ruleExpressions.find((e) => e.includes("histogram_quantile"))).toMatch(/atlas_run_seconds_bucket.*> 10/s);
    expect(ruleExpressions.find((e) => e.includes("atlas_token_budget_daily"))).toMatch(/0\.8 \*/);
  });

  it("every atlas_* metric the dashboard and the rules reference is exported, with samples", () => {
    const referenced = metricNames([...dashboardExpressions, ...ruleExpressions]);
    expect(referenced.size).toBeGreaterThanOrEqual(10);
    const names = exported();
    const missing = [...referenced].filter((name) => !names.has(name));
    expect(missing).toEqual([]);
    const sampled = withSamples();
    expect([...referenced].filter((name) => !sampled.has(name))).toEqual([]);
  });

  it("covers what the issue asks to observe", () => {
    const referenced = metricNames([...dashboardExpressions, ...ruleExpressions]);
    for (const name of [
      "atlas_tokens_total",
      "atlas_run_seconds_bucket",
      "atlas_runs_by_status",
      "atlas_queue_depth",
      "atlas_queue_pending",
      "atlas_retrieval_seconds_bucket",
      "atlas_http_requests_total",
      "atlas_event_dead_letters_total",
      "atlas_tokens_used_today",
      "atlas_token_budget_daily",
    ])
      expect(referenced).toContain(name);
  });
});
