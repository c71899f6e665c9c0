import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("plan routes (app.inject, embedded Postgres)", () => {
  let db: Database;
  let t: TestApp;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url, payload: payload as object, headers: { ...t.auth, ...headers } });

  it("POST /architect/plan returns the plan at the approval interrupt; resume approves; artifacts are served", async () => {
    const res = await post("/architect/plan", { goal });
    expect(res.statusCode).toBe(200);
    const run = res.json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan.components.length).toBeGreaterThan(0);
    expect(run.cost.monthly_total_usd).toBeLessThanOrEqual(goal.budget.monthly_usd);
    expect(run.validation.status).toBe("PASS");
    expect(run.interrupt.kind).toBe("approval");

    const list = await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/artifacts`, headers: t.auth });
    const tf = list.json().files.find((f: { path: string }) => f.path.endsWith(".tf"));
    const file = await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/artifacts/${tf.path}`, headers: t.auth });
    expect(file.statusCode).toBe(200);
    expect(file.headers.etag).toBe(`"${tf.sha256}"`);
    expect(file.body).toContain("resource");

    const history = await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/history`, headers: t.auth });
    expect(history.json().history.length).toBeGreaterThan(3);

    const resumed = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json().status).toBe("DONE");

    const again = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "approve", approver: "alice" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.status).toBe("DONE");

    const rollback = await post(`/architect/plan/${run.thread_id}/rollback`, { by: "bob", reason: "errors" });
    expect(rollback.json().status).toBe("ROLLED_BACK");
  });

  it("streams node progress as server-sent events when asked", async () => {
    const res = await post("/architect/plan", { goal }, { accept: "text/event-stream" });
    expect(res.headers["content-type"]).toContain("text/event-stream");
    const events = res.body
      .split("\n\n")
      .filter(Boolean)
      .map((block) => block.split("\n")[0]);
    expect(events).toContain("event: progress");
    expect(events[events.length - 1]).toBe("event: result");
    expect(res.body).toContain('"node":"architect"');
    expect(res.body).toContain('"node":"validator"');
  });

  it.each([
    ["missing goal", {}, "goal"],
    ["bad region", { goal: { ...goal, region: "moon" } }, "goal.region"],
    ["availability out of range", { goal: { ...goal, slo: { availability: 120 } } }, "goal.slo.availability"],
    ["negative budget", { goal: { ...goal, budget: { monthly_usd: -5 } } }, "goal.budget.monthly_usd"],
    ["unknown workload type", { goal: { ...goal, workload: { type: "mainframe" } } }, "goal.workload.type"],
    ["unknown field", { goal, extra: 1 }, "extra"],
    ["bad thread id", { goal, thread_id: "../etc" }, "thread_id"],
  ])("POST /architect/plan rejects %s with 400 naming the field", async (_name, body, path) => {
    const before = await db.pool.query("select count(*)::int as n from atlas_runs");
    const res = await post("/architect/plan", body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("VALIDATION_FAILED");
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(path);
    const after = await db.pool.query("select count(*)::int as n from atlas_runs");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("resume and rollback validate their bodies and answer 404 / 409 by state", async () => {
    const run = (await post("/architect/plan", { goal })).json();
    const bad = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "maybe", approver: "" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["decision", "approver"]));
    const revise = await post(`/architect/plan/${run.thread_id}/resume`, { decision: "revise", approver: "a" });
    expect(revise.statusCode).toBe(400);
    expect(revise.json().error.issues[0].path).toBe("comment");
    const stillWaiting = await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: t.auth });
    expect(stillWaiting.json().status).toBe("WAIT_FOR_APPROVE");

    expect((await post(`/architect/plan/${run.thread_id}/rollback`, { by: "x", reason: "y" })).statusCode).toBe(409);
    expect((await post(`/architect/plan/${run.thread_id}/rollback`, { by: "" })).statusCode).toBe(400);
    expect((await post("/architect/plan/unknown-thread/resume", { decision: "approve", approver: "a" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/architect/plan/unknown-thread", headers: t.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/artifacts/nope.tf`, headers: t.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/architect/plan/bad%20id", headers: t.auth })).statusCode).toBe(400);
  });

  it("POST /architect/validate checks uploaded IaC Atlas did not write", async () => {
    const { readIacFolder } = await import("../iac/read-folder.js");
    const planted = await readIacFolder(join(repoRoot, "test/fixtures/iac/planted"));
    const failing = await post("/architect/validate", { files: planted, environment: "prod" });
    expect(failing.statusCode).toBe(200);
    expect(failing.json().status).toBe("FAIL");
    const aliases = failing.json().findings.flatMap((f: { aliases: string[] }) => f.aliases);
    expect(aliases).toEqual(expect.arrayContaining(["CKV_AWS_24"]));
    const clean = await readIacFolder(join(repoRoot, "test/fixtures/iac/clean-stack"));
    const passing = await post("/architect/validate", { files: clean, environment: "prod" });
    expect(passing.json().status).toBe("PASS");
    expect(passing.json().cost.monthly_total_usd).toBeGreaterThan(0);
    const bad = await post("/architect/validate", { files: [{ path: "../etc/passwd", content: "" }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe("files[0].path");
    expect((await post("/architect/validate", { files: [] })).statusCode).toBe(400);
  });

  it("serves JSON Schemas", async () => {
    const list = await t.app.inject({ method: "GET", url: "/schemas", headers: t.auth });
    expect(list.json().schemas.map((s: { name: string }) => s.name)).toContain("plan-spec");
    const schema = await t.app.inject({ method: "GET", url: "/schemas/goal-statement", headers: t.auth });
    expect(schema.json().properties.slo).toBeDefined();
    expect((await t.app.inject({ method: "GET", url: "/schemas/nope", headers: t.auth })).statusCode).toBe(400);
  });
});
