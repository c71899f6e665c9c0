import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp, type TestKey } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Issue 8, defects 4 and 12: thread ids are each tenant's own. Two tenants using the same id
// (client-chosen ids like `prod-api-1` do) get two threads, two plans, two GitOps folders, and
// neither learns that the other exists.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("the same thread id in two tenants", () => {
  let db: Database;
  let t: TestApp;
  const keys: Record<string, { planner: TestKey; approver: TestKey }> = {};

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db);
    for (const tenant of ["acme", "globex"]) {
      // a new tenant refuses self-approval: one key plans, another approves
      keys[tenant] = { planner: await t.createKey({ roles: ["planner"], tenant }), approver: await t.createKey({ roles: ["approver"], tenant }) };
    }
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  const call = (key: TestKey, method: "GET" | "POST", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: key.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const of = (tenant: string) => keys[tenant] as { planner: TestKey; approver: TestKey };

  it("each tenant plans, approves and rolls back its own prod-api-1; the other is untouched", async () => {
    const acme = await call(of("acme").planner, "POST", "/architect/plan", { goal, thread_id: "prod-api-1" });
    expect(acme.statusCode).toBe(200);
    // before: 404 here told globex that another tenant had a thread prod-api-1
    const globex = await call(of("globex").planner, "POST", "/architect/plan", { goal: { ...goal, budget: { monthly_usd: 900 } }, thread_id: "prod-api-1" });
    expect(globex.statusCode).toBe(200);
    expect(globex.json()).toMatchObject({ thread_id: "prod-api-1", status: "WAIT_FOR_APPROVE", plan_id: "plan-prod-api-1" });
    expect(globex.json().trace_id).not.toBe(acme.json().trace_id);

    const applied: Record<string, { commit: string; path: string }> = {};
    for (const tenant of ["acme", "globex"]) {
      const done = await call(of(tenant).approver, "POST", "/architect/plan/prod-api-1/resume", { decision: "approve", approver: `${tenant}-lead` });
      expect(done.json().status).toBe("DONE");
      applied[tenant] = done.json().applied;
    }
    expect(applied.acme?.path).toBe("plans/acme/plan-prod-api-1");
    expect(applied.globex?.path).toBe("plans/globex/plan-prod-api-1");
    expect(applied.acme?.commit).not.toBe(applied.globex?.commit);

    // each tenant sees its own run and events only
    const acmeEvents = (await call(of("acme").planner, "GET", "/architect/plan/prod-api-1/events")).json().events as { tenant: string }[];
    expect(acmeEvents.length).toBeGreaterThan(0);
    expect(acmeEvents.every((event) => event.tenant === "acme")).toBe(true);
    expect((await call(of("globex").planner, "GET", "/architect/plan/prod-api-1")).json().cost.budget_usd).toBe(900);

    const rolledBack = await call(of("acme").approver, "POST", "/architect/plan/prod-api-1/rollback", { by: "acme-lead", reason: "bad change" });
    expect(rolledBack.json().status).toBe("ROLLED_BACK");
    expect((await call(of("globex").planner, "GET", "/architect/plan/prod-api-1")).json().status).toBe("DONE");
    const workspace = t.deps.gitops.dir;
    expect(existsSync(join(workspace, "plans/acme/plan-prod-api-1/terraform"))).toBe(false);
    expect(existsSync(join(workspace, "plans/globex/plan-prod-api-1/terraform"))).toBe(true);
  });

  it("an id only another tenant has is, for this tenant, a thread that does not exist yet", async () => {
    await call(of("acme").planner, "POST", "/architect/plan", { goal, thread_id: "acme-only" });
    const missing = await call(of("globex").planner, "GET", "/architect/plan/acme-only");
    const never = await call(of("globex").planner, "GET", "/architect/plan/nobody-has-this");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message.replace("acme-only", "X")).toBe(never.json().error.message.replace("nobody-has-this", "X"));
  });
});
