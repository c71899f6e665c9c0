import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { cleanRedisPrefix, redisProxy, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../test/helpers/redis.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { SLACK_NOTIFIER_GROUP } from "./slack/notifier.js";
import { slackSignature } from "./slack/signature.js";

// Two replicas (two apps, two pools) on one native PostgreSQL and one real Redis, with Slack
// pointed at a LOCAL HTTP receiver: each event reaches the channel once, whichever replica
// ran the plan, and a signed /approve on the other replica finishes it.

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const SECRET = "replica-signing-secret";
const prefix = testRedisPrefix();
/** one deployment: the replicas share the artifact signing key */
const secrets = makeTmpDir("atlas-slack-replicas-secrets-");

let native: NativeTestDatabase;
let a: TestApp;
let b: TestApp;
/** a third replica whose Redis is down (a local proxy that drops every connection) */
let c: TestApp;
let proxy: Awaited<ReturnType<typeof redisProxy>>;
let receiver: Server;
const posted: string[] = [];

async function replica(webhook: string | null, redisUrl = testRedisUrl): Promise<TestApp> {
  const db = await openDatabase({ url: native.url });
  return buildTestApp(db, {
    env: {
      DATABASE_URL: native.url,
      ATLAS_SIGNING_KEY_FILE: join(secrets, "signing-key.pem"),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      RUN_WORKERS: "0",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APPROVERS: "U123:alice",
      ...(webhook ? { SLACK_WEBHOOK_URL: webhook } : {}),
      PUBLIC_BASE_URL: "https://atlas.example.test",
      STREAM_CLAIM_IDLE_MS: "500",
      METRICS_TENANT_LABEL: "name",
    },
    overrides: { migrations: readMigrations().filter((m) => !m.requiresVector), search: async () => [] },
  });
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      posted.push((JSON.parse(Buffer.concat(parts).toString("utf8")) as { text: string }).text);
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  native = await nativeTestDatabase();
  a = await replica(webhook);
  b = await replica(webhook);
  await Promise.all([a.deps.events.ready(), b.deps.events.ready()]);
  proxy = await redisProxy();
  c = await replica(null, proxy.url);
});
afterAll(async () => {
  for (const t of [a, b, c]) {
    await t?.close();
    await t?.deps.close();
  }
  const redis = testRedisClient();
  await cleanRedisPrefix(redis, prefix);
  await redis.quit();
  await proxy?.close();
  await native?.drop();
  removeTmpDir(secrets);
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

let triggers = 0;

/** A signed slash command; Slack gives each one its own `trigger_id`. */
function signed(fields: Record<string, string>) {
  const payload = new URLSearchParams({ trigger_id: `${process.pid}.${++triggers}.${Date.now()}`, ...fields }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    method: "POST" as const,
    url: "/slack/commands",
    payload,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": slackSignature(SECRET, timestamp, payload),
    },
  };
}

/**
 * Waits until nothing more can reach the webhook: every event is relayed from the outbox and the
 * notifiers' group has acknowledged every entry (a notifier posts before it acknowledges, and only an
 * unacknowledged entry is ever delivered again).
 */
async function settle(): Promise<void> {
  const redis = testRedisClient();
  try {
    await waitFor(
      async () => {
        const { rows } = await a.deps.db.pool.query("select count(*)::int as n from atlas_events where published_at is null");
        const pending = (await redis.xpending(`${prefix}events`, SLACK_NOTIFIER_GROUP)) as [number];
        return rows[0].n === 0 && Number(pending[0]) === 0;
      },
      20_000,
      "every event relayed and acknowledged by the notifiers",
    );
  } finally {
    redis.disconnect();
  }
}

describe("Slack across replicas (real Redis, native Postgres)", () => {
  it("posts each event once, and /approve on the other replica applies the plan", async () => {
    const run = (await a.app.inject({ method: "POST", url: "/architect/plan", headers: a.auth, payload: { goal } })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    await waitFor(() => posted.some((text) => text.includes("Approval requested") && text.includes(run.thread_id)), 20_000, "approval message");
    await settle();
    expect(posted.filter((text) => text.includes("Approval requested") && text.includes(run.thread_id)).length).toBe(1);

    const res = await b.app.inject(signed({ command: "/approve", text: `${run.thread_id} v${run.plan.version}`, user_id: "U123" }));
    expect(res.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("now DONE") });
    await waitFor(() => posted.some((text) => text.includes("Applied") && text.includes(run.thread_id)), 20_000, "apply message");
    await settle();
    expect(posted.filter((text) => text.includes("Applied") && text.includes(run.thread_id)).length).toBe(1);
  });

  it("reports cluster-wide gauges the same on both replicas and HTTP counters per replica", async () => {
    const scrape = async (t: TestApp) => (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    const line = (text: string, start: string) => text.split("\n").find((l) => l.startsWith(start));
    const [ma, mb] = [await scrape(a), await scrape(b)];
    const done = 'atlas_runs_by_status{tenant="default",status="DONE"}';
    expect(line(ma, done)).toBeDefined();
    expect(line(ma, done)).toBe(line(mb, done));
    expect(line(ma, 'atlas_http_requests_total{method="POST",route="/architect/plan",status="200"}')).toMatch(/ 1$/);
    expect(line(mb, 'atlas_http_requests_total{method="POST",route="/architect/plan",')).toBeUndefined();
    expect(line(mb, 'atlas_runs_total{status="DONE"}')).toMatch(/ 1$/);
    expect(line(ma, "atlas_queue_depth ")).toBe(line(mb, "atlas_queue_depth "));
  });
  const plan = async (t: TestApp) => {
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    return run as { thread_id: string; plan: { version: number } };
  };
  const decisions = async (threadId: string) =>
    (await a.deps.db.pool.query("select action from atlas_audit where target = $1 order by id", [threadId])).rows.map((r) => r.action);

  it("refuses a replay with 401 on the replica that answered the command and on the other one", async () => {
    const run = await plan(a);
    const reject = signed({ command: "/reject", text: `${run.thread_id} v${run.plan.version} not now`, user_id: "U123" });
    expect((await a.app.inject(reject)).json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("alice rejected") });
    for (const t of [a, b]) {
      const replay = await t.app.inject(reject);
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.message).toContain("already handled");
    }
    expect(await decisions(run.thread_id)).toEqual(["approval.reject"]);
  });

  it("with Redis down, a replay is still refused: of a command answered before the outage, and of one answered during it", async () => {
    expect((await c.app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ checks: { redis: { degraded: true } } });
    const before = await plan(a);
    const early = signed({ command: "/reject", text: `${before.thread_id} v${before.plan.version} no`, user_id: "U123" });
    expect((await a.app.inject(early)).json().text).toContain("alice rejected");
    expect((await c.app.inject(early)).statusCode).toBe(401);

    const during = await plan(c);
    const late = signed({ command: "/reject", text: `${during.thread_id} v${during.plan.version} no`, user_id: "U123" });
    expect((await c.app.inject(late)).json().text).toContain("alice rejected");
    for (const t of [c, a]) expect((await t.app.inject(late)).statusCode).toBe(401);
    expect(await decisions(before.thread_id)).toEqual(["approval.reject"]);
    expect(await decisions(during.thread_id)).toEqual(["approval.reject"]);
  });
});
