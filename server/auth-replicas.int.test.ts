import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { waitFor } from "../test/helpers/redis.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Two replicas (two apps, two pools) on one native PostgreSQL and one real Redis: keys,
// revocations, rate limits and self-approval hold across them. Native Postgres has no
// pgvector here, so the runbook store is left out and search returns nothing.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `atlas-test-${randomBytes(4).toString("hex")}:`;

let native: NativeTestDatabase;
let a: TestApp;
let b: TestApp;

async function replica(): Promise<TestApp> {
  const db = await openDatabase({ url: native.url });
  return buildTestApp(db, {
    env: { DATABASE_URL: native.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: "4", RUN_WORKERS: "0" },
    overrides: { migrations: readMigrations().filter((m) => !m.requiresVector), search: async () => [] },
  });
}

beforeAll(async () => {
  native = await nativeTestDatabase();
  a = await replica();
  b = await replica();
});
afterAll(async () => {
  for (const t of [a, b]) {
    await t?.close();
    await t?.deps.close();
  }
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await native?.drop();
});

describe("auth across replicas", () => {
  it("a key made on one replica works on the other, and its revocation takes effect there at once", async () => {
    const viewer = await a.createKey({ roles: ["viewer"], name: "shared" });
    expect((await b.app.inject({ method: "GET", url: "/schemas", headers: viewer.headers })).statusCode).toBe(200);
    expect((await a.app.inject({ method: "DELETE", url: `/admin/keys/${viewer.id}`, headers: a.auth })).statusCode).toBe(200);
    expect((await b.app.inject({ method: "GET", url: "/schemas", headers: viewer.headers })).statusCode).toBe(401);
  });

  it("the rate limit of a key is counted once across replicas, in Redis", async () => {
    const key = await a.createKey({ roles: ["viewer"], name: "limited" });
    const hit = (t: TestApp) => t.app.inject({ method: "GET", url: "/schemas", headers: key.headers });
    const codes = [await hit(a), await hit(b), await hit(a), await hit(b), await hit(a)].map((r) => r.statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
    const refused = await hit(b);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.get(`${prefix}ratelimit:${key.id}`)).toBe("6");
    } finally {
      await redis.quit();
    }
  });

  it("a plan started on one replica cannot be self-approved on the other", async () => {
    const author = await a.createKey({ tenant: "acme", roles: ["approver"], name: "author" });
    const run = (await a.app.inject({ method: "POST", url: "/architect/plan", payload: { goal }, headers: author.headers })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const own = await b.app.inject({
      method: "POST",
      url: `/architect/plan/${run.thread_id}/resume`,
      payload: { decision: "approve", approver: "me" },
      headers: author.headers,
    });
    expect(own.statusCode).toBe(403);
    expect((await b.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: a.auth })).statusCode).toBe(404);
  });
  it("PUT /admin/budget on one replica changes that tenant's token budgets on both at once; bad bodies answer 400 with the field", async () => {
    const tenant = "budgeted";
    const adminA = await a.createKey({ tenant, roles: ["admin"], name: "budget-admin-a" });
    const adminB = await b.createKey({ tenant, roles: ["admin"], name: "budget-admin-b" });
    const before = await b.deps.tokenBudget.tenant(tenant); // B now caches the defaults
    expect(before).toEqual({ tenant, limits: { per_run: 12_000, daily: 250_000 }, used_today: 0 });

    const put = await a.app.inject({ method: "PUT", url: "/admin/budget", payload: { daily: 500_000 }, headers: adminA.headers });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ tenant, limits: { per_run: 12_000, daily: 500_000 }, used_today: 0 });
    // the flush_cache broadcast drops B's cached limits well before the cache's 30 s
    await waitFor(async () => (await b.deps.tokenBudget.tenant(tenant)).limits.daily === 500_000, 5_000, "B to see the new budget");
    expect((await b.app.inject({ method: "GET", url: "/admin/budget", headers: adminB.headers })).json().limits).toEqual({ per_run: 12_000, daily: 500_000 });
    expect((await b.deps.tokenBudget.tenant("default")).limits.daily).toBe(250_000); // other tenants keep theirs
    const audit = (await a.app.inject({ method: "GET", url: "/audit?action=budget.set", headers: adminA.headers })).json().entries;
    expect(audit).toMatchObject([{ action: "budget.set", target: tenant, detail: { daily: 500_000 } }]);

    const empty = await a.app.inject({ method: "PUT", url: "/admin/budget", payload: {}, headers: adminB.headers });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain("give per_run, daily or both");
    const negative = await b.app.inject({ method: "PUT", url: "/admin/budget", payload: { per_run: -5, burst: 1 }, headers: adminB.headers });
    expect(negative.statusCode).toBe(400);
    expect(
      negative
        .json()
        .error.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(["burst", "per_run"]);
    const planner = await b.createKey({ tenant, roles: ["planner"], name: "budget-planner" });
    expect((await b.app.inject({ method: "PUT", url: "/admin/budget", payload: { daily: 1 }, headers: planner.headers })).statusCode).toBe(403);
    expect((await b.deps.tokenBudget.tenant(tenant)).limits).toEqual({ per_run: 12_000, daily: 500_000 }); // nothing half-written
  });
});
