import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";
import { registerErrorHandler } from "./error-handler.js";
import { slackRoutes } from "./routes/slack.js";
import { registerSchemaCompilers } from "./schema-compilers.js";
import { makeSeenSlackRequests } from "./slack/seen-requests.js";
import { slackSignature } from "./slack/signature.js";

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));
const SECRET = "test-signing-secret-0123456789abcdef";
const BASE = "https://atlas.example.test";

/** A LOCAL HTTP receiver standing in for Slack's incoming webhook and response_url (node:http, 127.0.0.1). */
interface Receiver {
  url: string;
  messages: { path: string; body: { text: string; response_type?: string } }[];
  /** answer the next requests with this status (default 200) */
  status: number;
  waitFor(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const messages: Receiver["messages"] = [];
  const state = { status: 200 };
  const server: Server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      messages.push({ path: request.url ?? "", body: JSON.parse(Buffer.concat(parts).toString("utf8")) });
      response.writeHead(state.status, { "content-type": "text/plain" }).end(state.status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate: (text: string) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => predicate(m.body.text));
        if (found) return found.body.text;
        if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(messages.map((m) => m.body.text))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

let triggers = 0;

/**
 * A slash-command request as Slack sends it, signed with `secret` at `timestamp`. Slack gives each
 * command its own `trigger_id`, so two commands typed alike are two requests, never a replay.
 */
function slackRequest(fields: Record<string, string>, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
  const trigger_id = `${process.pid}.${++triggers}.${Date.now()}`;
  const payload = new URLSearchParams({ team_id: "T1", channel_id: "C1", user_name: "someone", trigger_id, ...fields }).toString();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    method: "POST" as const,
    url: "/slack/commands",
    payload,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": options.signature ?? slackSignature(options.secret ?? SECRET, timestamp, payload),
    },
  };
}

describe("Slack: signed slash commands and webhook notifications", () => {
  let db: Database;
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, {
      logLevel: "info",
      env: {
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_APPROVERS: "U123:alice,U456:bob",
        SLACK_WEBHOOK_URL: `${receiver.url}/services/T/B/webhook`,
        PUBLIC_BASE_URL: BASE,
      },
    });
  });
  beforeEach(() => {
    receiver.messages.length = 0;
    receiver.status = 200;
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    await receiver?.close();
  });

  const startPlan = async (body: unknown = { goal }) => {
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: body as object });
    return res.json() as { thread_id: string; status: string; plan_id: string; plan: { version: number } };
  };
  const statusOf = async (threadId: string) =>
    (await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: t.auth })).json().status as string;

  it("announces approval.requested with a link to the plan, and /approve from a mapped user applies it", async () => {
    const run = await startPlan();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const announced = await receiver.waitFor((text) => text.includes("Approval requested"));
    expect(announced).toContain(`<${BASE}/architect/plan/${run.thread_id}|thread ${run.thread_id}>`);
    expect(announced).toContain(`/approve ${run.thread_id}`);
    expect(receiver.messages[0]?.path).toBe("/services/T/B/webhook");

    const res = await t.app.inject(slackRequest({ command: "/approve", text: `${run.thread_id} v${run.plan.version}`, user_id: "U123" }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining(`alice approved`) });
    expect(res.json().text).toContain("now DONE");
    expect(await statusOf(run.thread_id)).toBe("DONE");
    const plan = (await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: t.auth })).json();
    // a Slack user has no key: the mapped approver decides, and the note says whose Slack user it was
    expect(plan.decision).toEqual({ decision: "approve", approver: "alice", approver_key_id: null, approver_note: "slack:U123" });
    const applied = await receiver.waitFor((text) => text.includes("Applied"));
    expect(applied).toContain(`thread ${run.thread_id}`);
    expect(applied).toContain("approved by alice");

    const again = await t.app.inject(slackRequest({ command: "/approve", text: run.thread_id, user_id: "U123" }));
    expect(again.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("DONE") });

    const rolled = await t.app.inject(slackRequest({ command: "/rollback", text: `${run.thread_id} bad deploy`, user_id: "U456" }));
    expect(rolled.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("bob rolled back") });
    expect(await statusOf(run.thread_id)).toBe("ROLLED_BACK");

    const { rows } = await db.pool.query<{ action: string; actor_name: string; actor_key_id: string | null }>(
      "select action, actor_name, actor_key_id from atlas_audit where target = $1 order by id",
      [run.thread_id],
    );
    expect(rows.map((r) => [r.action, r.actor_name])).toEqual([
      ["approval.approve", "alice (slack U123)"],
      ["apply", "alice (slack U123)"],
      ["rollback", "bob (slack U456)"],
    ]);
  });

  it("/reject with a reason rejects the plan", async () => {
    const run = await startPlan();
    const res = await t.app.inject(slackRequest({ command: "/reject", text: `${run.thread_id} too expensive for now`, user_id: "U456" }));
    expect(res.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("bob rejected") });
    expect(await statusOf(run.thread_id)).toBe("REJECTED");
    const plan = (await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: t.auth })).json();
    expect(plan.decision).toMatchObject({ decision: "reject", approver: "bob", comment: "too expensive for now" });
  });

  it("refuses forged, stale and unsigned requests with 401, and an unknown user with an ephemeral reply", async () => {
    const run = await startPlan();
    const forged = await t.app.inject(slackRequest({ command: "/approve", text: run.thread_id, user_id: "U123" }, { secret: "guessed-secret" }));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe("UNAUTHENTICATED");

    const tampered = slackRequest({ command: "/approve", text: "other-thread", user_id: "U123" });
    const swapped = { ...tampered, payload: tampered.payload.replace("other-thread", run.thread_id) };
    expect((await t.app.inject(swapped)).statusCode).toBe(401);

    const stale = await t.app.inject(
      slackRequest({ command: "/approve", text: run.thread_id, user_id: "U123" }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
    );
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toContain("five minutes");

    const unsigned = slackRequest({ command: "/approve", text: run.thread_id, user_id: "U123" });
    const { "x-slack-signature": _dropped, ...headers } = unsigned.headers;
    expect((await t.app.inject({ ...unsigned, headers })).statusCode).toBe(401);

    const stranger = await t.app.inject(slackRequest({ command: "/approve", text: run.thread_id, user_id: "U999" }));
    expect(stranger.statusCode).toBe(200);
    expect(stranger.json()).toEqual({ response_type: "ephemeral", text: expect.stringContaining("not an approver") });
    expect(await statusOf(run.thread_id)).toBe("WAIT_FOR_APPROVE");
  });

  it("answers usage mistakes and unknown threads ephemerally; JSON is not a Slack request and forms go nowhere else", async () => {
    const unknown = await t.app.inject(slackRequest({ command: "/approve", text: "no-such-thread", user_id: "U123" }));
    expect(unknown.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("No plan thread no-such-thread") });
    const usage = await t.app.inject(slackRequest({ command: "/approve", text: "", user_id: "U123" }));
    expect(usage.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("Usage") });
    const json = await t.app.inject({ method: "POST", url: "/slack/commands", payload: { command: "/approve" } });
    expect(json.statusCode).toBe(415);
    const form = await t.app.inject({
      method: "POST",
      url: "/rag/search",
      headers: { ...t.auth, "content-type": "application/x-www-form-urlencoded" },
      payload: "query=pods",
    });
    expect(form.statusCode).toBe(415);
  });

  it("announces design.blocked; a failing webhook is logged, retried by the bus, dead-lettered, and never breaks the run", async () => {
    const impossible = {
      ...goal,
      slo: { availability: 99.99, p95_latency_ms: 100 },
      workload: { ...goal.workload, requests_per_second: 5000 },
      budget: { monthly_usd: 40 },
    };
    const blocked = await startPlan({ goal: impossible });
    expect(blocked.status).toBe("BLOCKED");
    expect(await receiver.waitFor((text) => text.includes("Design blocked"))).toContain(`thread ${blocked.thread_id}`);

    receiver.status = 500;
    const from = t.logs.length;
    const run = await startPlan();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    const deliveries = () => receiver.messages.filter((m) => m.body.text.includes(run.thread_id)).length;
    for (let i = 0; i < 200 && deliveries() < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(deliveries()).toBe(3);
    const warning = t.logs.slice(from).find((l) => l.msg === "Slack message not delivered");
    expect(warning).toMatchObject({ thread_id: run.thread_id, event: "approval.requested", problem: expect.stringContaining("HTTP 500") });
    let metrics = "";
    for (let i = 0; i < 100 && !metrics.includes('atlas_event_dead_letters_total{type="approval.requested"} 1'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      metrics = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    }
    expect(metrics).toContain('atlas_event_dead_letters_total{type="approval.requested"} 1');
    expect(JSON.stringify(t.logs)).not.toContain("/services/T/B/webhook");
    expect(await statusOf(run.thread_id)).toBe("WAIT_FOR_APPROVE");
  });

  it("posts only SLACK_TENANT's events: the channel belongs to one tenant", async () => {
    const other = await t.createKey({ roles: ["planner"], tenant: "other-team" });
    const res = await t.app.inject({ method: "POST", url: "/architect/plan", headers: other.headers, payload: { goal } });
    expect(res.json().status).toBe("WAIT_FOR_APPROVE");
    const mine = await startPlan();
    await receiver.waitFor((text) => text.includes(mine.thread_id));
    expect(receiver.messages.some((m) => m.body.text.includes(res.json().thread_id))).toBe(false);
    // and Slack commands cannot reach the other tenant's thread
    const cross = await t.app.inject(slackRequest({ command: "/approve", text: res.json().thread_id, user_id: "U123" }));
    expect(cross.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("No plan thread") });
  });

  const planOf = async (threadId: string) =>
    (await t.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: t.auth })).json() as { status: string; plan: { version: number } };
  const revise = async (threadId: string) => {
    const res = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${threadId}/resume`,
      headers: t.auth,
      payload: { decision: "revise", approver: "carol", comment: "add a read replica" },
    });
    expect(res.json().status).toBe("WAIT_FOR_APPROVE");
    return res.json().plan.version as number;
  };

  it("refuses a replayed signed command with 401 and never runs it: a replayed /reject does not reject the thread's next plan", async () => {
    const run = await startPlan();
    const reject = slackRequest({ command: "/reject", text: `${run.thread_id} not this design`, user_id: "U456" });
    expect((await t.app.inject(reject)).json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("bob rejected") });
    const next = await startPlan({ goal, thread_id: run.thread_id });
    expect(next.status).toBe("WAIT_FOR_APPROVE");

    const from = t.logs.length;
    const replay = await t.app.inject(reject);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("already handled") });
    expect(await statusOf(run.thread_id)).toBe("WAIT_FOR_APPROVE");
    expect(t.logs.slice(from).find((l) => l.msg === "Slack request replayed; refused")).toMatchObject({ slack_user: "U456", command: "/reject" });
    const { rows } = await db.pool.query("select action from atlas_audit where target = $1 order by id", [run.thread_id]);
    expect(rows.map((r) => r.action)).toEqual(["approval.reject"]);

    // the same words typed again are a new request, and are answered
    const typedAgain = await t.app.inject(slackRequest({ command: "/reject", text: `${run.thread_id} not this design`, user_id: "U456" }));
    expect(typedAgain.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("bob rejected") });
  });

  it("binds /approve and /reject to the plan version the message showed; another version is refused, naming the one that waits", async () => {
    const run = await startPlan();
    const first = (await planOf(run.thread_id)).plan.version;
    const waiting = await revise(run.thread_id);
    expect(waiting).toBeGreaterThan(first);
    const announced = await receiver.waitFor((text) => text.includes(`/approve ${run.thread_id} v${waiting}`));
    expect(announced).toContain(`plan v${waiting}`);

    const refusals = [
      slackRequest({ command: "/approve", text: `${run.thread_id} v${first}`, user_id: "U123" }),
      slackRequest({ command: "/approve", text: `${run.thread_id} v${first} looked fine`, user_id: "U123" }),
      slackRequest({ command: "/reject", text: `${run.thread_id} v${first} too expensive`, user_id: "U456" }),
    ];
    for (const request of refusals) {
      const res = await t.app.inject(request);
      expect(res.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining(`v${waiting} waits now`) });
      expect(res.json().text).toContain(`v${first}`);
    }
    // an approval must say which version it approves
    const unbound = await t.app.inject(slackRequest({ command: "/approve", text: run.thread_id, user_id: "U123" }));
    expect(unbound.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining(`/approve ${run.thread_id} v${waiting}`) });
    expect(await planOf(run.thread_id)).toMatchObject({ status: "WAIT_FOR_APPROVE", plan: { version: waiting } });

    const approved = await t.app.inject(slackRequest({ command: "/approve", text: `${run.thread_id} v${waiting}`, user_id: "U123" }));
    expect(approved.json()).toMatchObject({ response_type: "in_channel", text: expect.stringContaining("alice approved") });
    expect(approved.json().text).toContain("now DONE");
  });

  it("checks the version on the run it claims: a revise landing after the command arrived is not approved", async () => {
    const run = await startPlan();
    const first = (await planOf(run.thread_id)).plan.version;
    let revised = 0;
    // another approver's revise lands between the Slack command's arrival and its resume
    const racingDeps = {
      ...t.deps,
      config: { ...t.deps.config, SLACK_WEBHOOK_URL: undefined },
      planner: {
        ...t.deps.planner,
        resume: async (...args: Parameters<typeof t.deps.planner.resume>) => {
          if (!revised) revised = await revise(run.thread_id);
          return t.deps.planner.resume(...args);
        },
      },
    };
    const app = Fastify();
    registerSchemaCompilers(app);
    registerErrorHandler(app);
    await app.register(slackRoutes, { deps: racingDeps });
    try {
      const res = await app.inject(slackRequest({ command: "/approve", text: `${run.thread_id} v${first}`, user_id: "U123" }));
      expect(res.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining(`v${revised} waits now`) });
      expect(await planOf(run.thread_id)).toMatchObject({ status: "WAIT_FOR_APPROVE", plan: { version: revised } });
      // the refused claim was handed back: the version that waits can be approved
      const approved = await app.inject(slackRequest({ command: "/approve", text: `${run.thread_id} v${revised}`, user_id: "U123" }));
      expect(approved.json().text).toContain("now DONE");
    } finally {
      await app.close();
    }
  });

  it("remembers each accepted signature until its timestamp has left the window, and forgets older ones as it goes", async () => {
    const seen = makeSeenSlackRequests(db.pool);
    const now = Math.floor(Date.now() / 1000);
    expect(await seen.remember("v0=test-long-gone", now - 3_600)).toBe(true);
    expect(await seen.remember("v0=test-fresh", now)).toBe(true);
    expect(await seen.remember("v0=test-fresh", now)).toBe(false);
    const { rows } = await db.pool.query("select signature from atlas_slack_requests where signature like 'v0=test-%'");
    expect(rows.map((r) => r.signature)).toEqual(["v0=test-fresh"]);
  });

  it("a slow command is acknowledged at once and its result posted to response_url", async () => {
    const run = await startPlan();
    // the same deps, with a planner that does not answer until the test has seen the acknowledgement
    let answer: () => void = () => {};
    const acknowledged = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const slowDeps = {
      ...t.deps,
      config: { ...t.deps.config, SLACK_WEBHOOK_URL: undefined },
      planner: {
        ...t.deps.planner,
        resume: async (...args: Parameters<typeof t.deps.planner.resume>) => {
          await acknowledged;
          return t.deps.planner.resume(...args);
        },
      },
    };
    const app = Fastify();
    registerSchemaCompilers(app);
    registerErrorHandler(app);
    await app.register(slackRoutes, { deps: slowDeps, ackMs: 50 });
    try {
      const res = await app.inject(
        slackRequest({ command: "/approve", text: `${run.thread_id} v${run.plan.version}`, user_id: "U123", response_url: `${receiver.url}/commands/T1/123` }),
      );
      expect(res.json()).toEqual({ response_type: "ephemeral", text: `Working on approve ${run.thread_id}…` });
      answer();
      const later = await receiver.waitFor((text) => text.includes("alice approved"));
      expect(later).toContain("now DONE");
      expect(receiver.messages.find((m) => m.path === "/commands/T1/123")?.body.response_type).toBe("in_channel");
    } finally {
      await app.close();
    }
  });

  it("closing the server waits for a command it acknowledged and is still running, so its result is posted", async () => {
    const run = await startPlan();
    let answer: () => void = () => {};
    const acknowledged = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const slowDeps = {
      ...t.deps,
      config: { ...t.deps.config, SLACK_WEBHOOK_URL: undefined },
      planner: {
        ...t.deps.planner,
        resume: async (...args: Parameters<typeof t.deps.planner.resume>) => {
          await acknowledged;
          return t.deps.planner.resume(...args);
        },
      },
    };
    const app = Fastify();
    registerSchemaCompilers(app);
    registerErrorHandler(app);
    await app.register(slackRoutes, { deps: slowDeps, ackMs: 50 });
    const res = await app.inject(
      slackRequest({ command: "/approve", text: `${run.thread_id} v${run.plan.version}`, user_id: "U123", response_url: `${receiver.url}/commands/T1/close` }),
    );
    expect(res.json().text).toBe(`Working on approve ${run.thread_id}…`);
    const closed = app.close(); // the server shuts down while the approval still runs
    answer();
    await closed;
    expect(receiver.messages.find((m) => m.path === "/commands/T1/close")?.body.text).toContain("now DONE");
  });
});
