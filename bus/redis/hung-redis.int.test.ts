import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestPaths } from "../../ingest/ingest.js";
import type { Database } from "../../lib/db/database.js";
import { type OpenAIStub, startOpenAIStub, toolCallReply } from "../../test/fixtures/openai-stub.js";
import { bearer, buildTestApp, type TestApp } from "../../test/helpers/app.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { cleanRedisPrefix, testRedisClient, testRedisPrefix } from "../../test/helpers/redis.js";
import { stallingRedisProxy } from "../../test/helpers/stalling-redis.js";
import { fixtureRunbooksDir, repoRoot } from "../../test/helpers/tmp.js";
import { requestTimeoutOf } from "./time-box.js";

// The whole app on the embedded database with REDIS_URL pointing at a Redis that accepts
// connections and never answers (a TCP proxy that swallows what clients send), and a model
// that is a LOCAL OpenAI-compatible STUB (not a real model). The client's own command timeout
// is set to ten minutes, so only Atlas's request time box (REDIS_REQUEST_TIMEOUT_MS) can free a
// request: without it these tests hit their one-minute cap.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const designProposal = () => toolCallReply("stub-model", [{ name: "design_proposal", args: { directives: [], risks: [], rationale: "defaults fit" } }], 1000);

describe("a Redis that accepts connections and never answers", () => {
  let db: Database;
  let stub: OpenAIStub;
  let proxy: Awaited<ReturnType<typeof stallingRedisProxy>>;
  let t: TestApp;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    stub = await startOpenAIStub();
    db = await embeddedTestDatabase();
    await ingestPaths({ pool: db.pool, embedder: null }, [fixtureRunbooksDir]);
    proxy = await stallingRedisProxy();
    t = await buildTestApp(db, {
      env: {
        REDIS_URL: proxy.url,
        REDIS_KEY_PREFIX: prefix,
        REDIS_REQUEST_TIMEOUT_MS: "200",
        RATE_LIMIT_PER_MINUTE: "1000",
        OPENAI_API_KEY: "sk-stub-not-a-real-key",
        OPENAI_BASE_URL: stub.baseUrl,
        OPENAI_MODEL: "stub-model",
        OPENAI_FALLBACK_MODELS: "stub-model",
        OPENAI_MAX_RETRIES: "0",
      },
      overrides: { embedder: null },
      // ioredis gives up on a command after this long: far beyond the test's cap
      mutate: (deps) => {
        if (deps.redis) deps.redis.options.commandTimeout = 10 * 60_000;
      },
    });
    // the app is connected (start-up waited for Redis); from now on Redis never answers
    expect(t.deps.redis?.status).toBe("ready");
    expect(t.deps.redis && requestTimeoutOf(t.deps.redis)).toBe(200);
    proxy.stall();
  });
  afterAll(async () => {
    // cutting the connections fails what is still waiting on Redis, so the app can close
    await proxy?.close();
    await t?.close();
    // closing the deps closes the database they were built on
    await (t ? t.deps.close() : db?.close());
    await stub?.close();
    const inspect = testRedisClient();
    await cleanRedisPrefix(inspect, prefix);
    inspect.disconnect();
  });

  it("a synchronous plan with the model checks and charges the token budget in this process and completes", async () => {
    stub.chatReplies.push(designProposal());
    const response = await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "WAIT_FOR_APPROVE", plan: { planner: "model" } });
    expect(t.deps.redis?.status).toBe("ready"); // connected all along: only the time box freed the request

    const thread = await t.app.inject({ method: "GET", url: `/architect/plan/${response.json().thread_id}`, headers: t.auth });
    expect(thread.statusCode).toBe(200);
    expect(thread.json().status).toBe("WAIT_FOR_APPROVE");
    // its events wait in the outbox for Redis
    const { rows } = await db.pool.query("select count(*)::int as n from atlas_events where thread_id = $1 and published_at is null", [
      response.json().thread_id,
    ]);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("advice with the model completes; its tokens count against the daily budget in this process", async () => {
    stub.chatReplies.push({ content: "Cancel the long-running query on the replica [1]." });
    const response = await t.app.inject({
      method: "POST",
      url: "/architect/advice",
      headers: t.auth,
      payload: { question: "How do I fix Postgres replication lag?" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ mode: "model", grounded: true, tokens_used: 15 });

    const budget = await t.app.inject({ method: "GET", url: "/admin/budget", headers: t.auth });
    expect(budget.statusCode).toBe(200);
    expect(budget.json().used_today).toBe(1015); // the plan's 1000 and this answer's 15
  });

  it("GET requests, readiness, metrics and the event stream answer; readiness says degraded", async () => {
    expect((await t.app.inject({ method: "GET", url: "/schemas", headers: t.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", degraded: true, checks: { redis: { ok: true, degraded: true } } });
    expect(ready.json().checks.redis.detail).toMatch(/^degraded: /);

    const metrics = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("atlas_queue_depth");

    // a thread that is not running: the stream says where it stands and ends
    stub.chatReplies.push(designProposal());
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    const stream = await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}/stream`, headers: t.auth });
    expect(stream.statusCode).toBe(200);
    expect(stream.body).toContain("event: status");
    expect(stream.body).toContain("event: result");

    // a failed authentication is counted (rate limits) without holding anything up
    expect((await t.app.inject({ method: "GET", url: "/schemas", headers: bearer("atlas_guess") })).statusCode).toBe(401);
  });

  it("a budget change is stored and answered; a background submit answers 503 and leaves nothing PENDING", async () => {
    const changed = await t.app.inject({ method: "PUT", url: "/admin/budget", headers: t.auth, payload: { daily: 400_000 } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().limits).toMatchObject({ daily: 400_000 });

    const background = await t.app.inject({
      method: "POST",
      url: "/architect/plan",
      headers: t.auth,
      payload: { goal, background: true, thread_id: "while-hung" },
    });
    expect(background.statusCode).toBe(503);
    expect(background.json().error.code).toBe("UNAVAILABLE");
    const { rows } = await db.pool.query("select status, claimed_by from atlas_runs where thread_id = 'while-hung'");
    expect(rows[0]).toEqual({ status: "FAILED", claimed_by: null });
  });
});
