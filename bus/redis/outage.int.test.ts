import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../lib/db/database.js";
import { readMigrations } from "../../lib/db/migrate.js";
import { buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../../test/helpers/databases.js";
import { cleanRedisPrefix, redisProxy, testRedisClient, testRedisPrefix, waitFor } from "../../test/helpers/redis.js";
import { repoRoot } from "../../test/helpers/tmp.js";
import { fieldsToObject } from "./keys.js";

// The whole app with REDIS_URL pointing at a port where Redis is "down" (a local TCP proxy
// to the real Redis that is not listening yet), then "back".

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

describe("Redis down, then back", () => {
  let native: NativeTestDatabase;
  let t: TestApp;
  let inspect: Redis;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    native = await nativeTestDatabase();
    inspect = testRedisClient();
    proxy = await redisProxy();
    t = await buildTestApp(await openDatabase({ url: native.url }), {
      env: { DATABASE_URL: native.url, REDIS_URL: proxy.url, REDIS_KEY_PREFIX: prefix, OUTBOX_POLL_MS: "50", STREAM_CLAIM_IDLE_MS: "500" },
      overrides: { migrations: readMigrations().filter((m) => !m.requiresVector), search: async () => [] },
    });
  });
  afterAll(async () => {
    await t?.close();
    await t?.deps.close();
    await proxy?.close();
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await native?.drop();
  });

  const post = (payload: unknown) => t.app.inject({ method: "POST", url: "/architect/plan", payload: payload as object, headers: t.auth });

  it("synchronous requests keep working, /readyz says degraded, events wait in the outbox and flow once Redis returns", async () => {
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    // (this Postgres has no pgvector, so the runbook-store migration is pending: only Redis is looked at here)
    expect(ready.json()).toMatchObject({ degraded: true, checks: { database: { ok: true }, redis: { ok: true, degraded: true } } });
    expect(ready.json().checks.redis.detail).toMatch(/^degraded: /);

    const run = await post({ goal });
    expect(run.statusCode).toBe(200);
    expect(run.json().status).toBe("WAIT_FOR_APPROVE");
    const threadId = run.json().thread_id;
    const waiting = await t.deps.db.pool.query("select id::text as id from atlas_events where thread_id = $1 and published_at is null order by id", [threadId]);
    expect(waiting.rows.length).toBe(5);

    // background runs need the queue: refused plainly, and the thread is not left PENDING
    const background = await post({ goal, background: true, thread_id: "while-down" });
    expect(background.statusCode).toBe(503);
    expect(background.json().error.code).toBe("UNAVAILABLE");
    const row = await t.deps.db.pool.query("select status, claimed_by from atlas_runs where thread_id = 'while-down'");
    expect(row.rows[0]).toEqual({ status: "FAILED", claimed_by: null });

    proxy.up();
    await waitFor(async () => !(await t.app.inject({ method: "GET", url: "/readyz" })).json().degraded, 15_000, "/readyz to recover");
    const relayed = await waitFor(
      () => inspect.xrange(`${prefix}events`, "-", "+").then((rows) => (rows.length >= 5 ? rows : null)),
      15_000,
      "the outbox to drain into the stream",
    );
    expect(relayed.map(([, fields]) => fieldsToObject(fields).outbox_id)).toEqual(waiting.rows.map((r) => r.id));
    expect(relayed.map(([, fields]) => fieldsToObject(fields).type)).toEqual([
      "plan.pending",
      "build.done",
      "InfrastructureGenerated",
      "validate.result",
      "approval.requested",
    ]);

    // and the queue works again: the worker that started with the app picks the run up
    const again = await post({ goal, background: true, thread_id: "while-down" });
    expect(again.statusCode).toBe(202);
    await waitFor(async () => (await t.deps.planner.get("while-down", "default")).status === "WAIT_FOR_APPROVE", 30_000, "the background run");
  });

  it("Redis stopped while the server runs: approval still works and its events flow once Redis returns", async () => {
    const { thread_id } = (await post({ goal })).json();
    await waitFor(
      async () => (await t.deps.db.pool.query("select count(*)::int as n from atlas_events where published_at is null")).rows[0].n === 0,
      10_000,
      "a drained outbox",
    );
    proxy.down();
    await waitFor(async () => (await t.app.inject({ method: "GET", url: "/readyz" })).json().degraded, 10_000, "/readyz to say degraded");
    const approved = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${thread_id}/resume`,
      payload: { decision: "approve", approver: "alice" },
      headers: t.auth,
    });
    expect(approved.json().status).toBe("DONE");
    const waiting = await t.deps.db.pool.query("select id::text as id, type from atlas_events where thread_id = $1 and published_at is null order by id", [
      thread_id,
    ]);
    expect(waiting.rows.map((r) => r.type)).toEqual(["approval.decided", "apply.request", "apply.done", "ManifestPublished"]);
    proxy.up();
    await waitFor(
      async () => {
        const ids = (await inspect.xrange(`${prefix}events`, "-", "+")).map(([, fields]) => fieldsToObject(fields).outbox_id);
        return waiting.rows.every((row) => ids.includes(row.id));
      },
      15_000,
      "the events to flow",
    );
  });
});
