import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Issue 8, defects 1, 3 and 8: a client mistake is a 4xx naming the field, never a 500 and never
// a crash, and a plan waiting for approval stays waiting.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

/** `{"a":{"a":...{"a":1}}}` as JSON text, `depth` levels deep (too deep for JSON.stringify to write). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("client mistakes answer 4xx and leave state as it was", () => {
  let db: Database;
  let t: TestApp;
  let threadId: string;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    const run = await t.app.inject({ method: "POST", url: "/architect/plan", payload: { goal }, headers: t.auth });
    threadId = run.json().thread_id;
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  const resume = (payload: unknown) => t.app.inject({ method: "POST", url: `/architect/plan/${threadId}/resume`, payload: payload as object, headers: t.auth });
  const status = async () => (await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: t.auth })).json().status;
  const issuePaths = (body: { error: { issues?: { path: string }[] } }) => (body.error.issues ?? []).map((issue) => issue.path);

  it("a revise whose changes are nested 10,000 deep is a 400 on `changes`; the server answers on and the plan still waits", async () => {
    const payload = `{"decision":"revise","approver":"alice","changes":${nested(10_000)}}`;
    const res = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${threadId}/resume`,
      payload,
      headers: { ...t.auth, "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(issuePaths(res.json())).toEqual(["changes"]);
    expect(res.json().error.issues[0].message).toMatch(/nested deeper than 12 levels/);
    expect(await status()).toBe("WAIT_FOR_APPROVE");
  });

  it("changes that make an invalid goal are a 400 naming the field under `changes`; the plan still waits", async () => {
    const bad = await resume({ decision: "revise", approver: "alice", changes: { budget: { monthly_usd: -5 } } });
    expect(bad.statusCode).toBe(400);
    expect(issuePaths(bad.json())).toEqual(["changes.budget.monthly_usd"]);
    const unknown = await resume({ decision: "revise", approver: "alice", changes: { workload: { type: "mainframe" } } });
    expect(unknown.statusCode).toBe(400);
    expect(issuePaths(unknown.json())).toEqual(["changes.workload.type"]);
    expect(await status()).toBe("WAIT_FOR_APPROVE");
  });

  it("changes are only for a revise decision", async () => {
    const res = await resume({ decision: "approve", approver: "alice", changes: { budget: { monthly_usd: 900 } } });
    expect(res.statusCode).toBe(400);
    expect(issuePaths(res.json())).toEqual(["changes"]);
    expect(await status()).toBe("WAIT_FOR_APPROVE");
  });

  it("names with control characters are refused; NUL anywhere is a 400 naming where", async () => {
    const forged = await resume({ decision: "approve", approver: "mallory\nAtlas-Action: rollback" });
    expect(forged.statusCode).toBe(400);
    expect(issuePaths(forged.json())).toEqual(["approver"]);
    const nul = await resume({ decision: "approve", approver: "eve\u0000" });
    expect(nul.statusCode).toBe(400);
    expect(issuePaths(nul.json())).toEqual(["approver"]);
    const by = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${threadId}/rollback`,
      payload: { by: "bob\r\nRolled-back-by: x", reason: "r" },
      headers: t.auth,
    });
    expect(by.statusCode).toBe(400);
    expect(issuePaths(by.json())).toEqual(["by"]);
    const keyName = await t.app.inject({ method: "POST", url: "/admin/keys", payload: { name: "ci\nbot", roles: ["viewer"] }, headers: t.auth });
    expect(keyName.statusCode).toBe(400);
    expect(issuePaths(keyName.json())).toEqual(["name"]);
    const rollback = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${threadId}/rollback`,
      payload: { by: "bob", reason: "x\u0000y" },
      headers: t.auth,
    });
    expect(rollback.statusCode).toBe(400);
    expect(issuePaths(rollback.json())).toEqual(["reason"]);
    const key = await t.app.inject({ method: "DELETE", url: "/admin/keys/%00", headers: t.auth });
    expect(key.statusCode).toBe(400);
    expect(issuePaths(key.json())).toEqual(["params.ref"]);
    const audit = await t.app.inject({ method: "GET", url: "/audit?target=%00", headers: t.auth });
    expect(audit.statusCode).toBe(400);
    expect(issuePaths(audit.json())).toEqual(["query.target"]);
    const advice = await t.app.inject({
      method: "POST",
      url: "/architect/advice",
      payload: { question: "disk full", filters: { source_prefix: "a\u0000" } },
      headers: t.auth,
    });
    expect(advice.statusCode).toBe(400);
    expect(issuePaths(advice.json())).toEqual(["filters.source_prefix"]);
    expect(await status()).toBe("WAIT_FOR_APPROVE");
  });

  it("a nested partial change merges into the goal (JSON Merge Patch) and makes a new version", async () => {
    const res = await resume({ decision: "revise", approver: "alice", changes: { workload: { requests_per_second: 40 }, budget: { monthly_usd: 900 } } });
    expect(res.statusCode).toBe(200);
    const run = res.json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan.version).toBe(2);
    const state = await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}/history`, headers: t.auth });
    expect(state.statusCode).toBe(200);
    expect(run.cost.budget_usd).toBe(900);
  });

  it("a data pipeline too large for its schedule is BLOCKED with the arithmetic, not a 500", async () => {
    const pipeline = {
      name: "huge-etl",
      description: "Nightly ETL of a very large export.",
      environment: "dev",
      workload: { type: "data-pipeline", data_size_gb: 100_000, runs_per_day: 1 },
      slo: { availability: 99 },
      budget: { monthly_usd: 10_000_000 },
    };
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", payload: { goal: pipeline }, headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("BLOCKED");
    expect(res.json().blocked.arithmetic[0]).toMatch(/h between runs/);
  });
});
