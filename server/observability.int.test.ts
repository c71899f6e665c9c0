import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelChainFromConfig } from "../app/models.js";
import type { Database } from "../lib/db/database.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { type OpenAIStub, startOpenAIStub } from "../test/fixtures/openai-stub.js";
import { buildTestApp, type CapturedLogs, type TestApp, testConfig } from "../test/helpers/app.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { repoRoot } from "../test/helpers/tmp.js";

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));

/** A chat completion calling the `design_proposal` tool, as an OpenAI-compatible server answers. */
const proposalReply = (model: string) => ({
  body: {
    id: "chatcmpl-stub",
    object: "chat.completion",
    created: 0,
    model,
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        message: {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "design_proposal", arguments: JSON.stringify({ directives: [], risks: [], rationale: "defaults fit" }) },
            },
          ],
        },
      },
    ],
    usage: { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000 },
  },
});

describe("observability: /metrics, run logs, redaction", () => {
  let db: Database;
  let t: TestApp;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    // names, not hashes, in tenant labels: the assertions read them
    t = await buildTestApp(db, { logLevel: "debug", env: { METRICS_TENANT_LABEL: "name" } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("serves /metrics without a key by default, in Prometheus text format, with HTTP metrics by route pattern", async () => {
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    await t.app.inject({ method: "GET", url: `/architect/plan/${run.thread_id}`, headers: t.auth });
    await t.app.inject({ method: "GET", url: "/architect/plan/no-such-thread", headers: t.auth });
    await t.app.inject({ method: "GET", url: "/nowhere", headers: t.auth });
    const res = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('atlas_http_requests_total{method="GET",route="/architect/plan/:thread_id",status="200"} 1');
    expect(res.body).toContain('atlas_http_requests_total{method="GET",route="/architect/plan/:thread_id",status="404"} 1');
    expect(res.body).toContain('route="unmatched",status="404"');
    expect(res.body).not.toContain(run.thread_id);
    expect(res.body).toMatch(/atlas_http_request_seconds_count\{method="POST",route="\/architect\/plan",status="200"\} 1/);
    // the run: its segment, retrieval calls and the registry gauge
    expect(res.body).toContain('atlas_runs_total{status="WAIT_FOR_APPROVE"} 1');
    expect(res.body).toMatch(/atlas_run_seconds_count\{status="WAIT_FOR_APPROVE"\} 1/);
    expect(res.body).toMatch(/atlas_retrieval_seconds_count\{outcome="ok"\} [1-9]/);
    expect(res.body).toMatch(/atlas_runs_by_status\{tenant="default",status="WAIT_FOR_APPROVE"\} [1-9]/);
    expect(res.body).toContain("atlas_queue_depth ");
    expect(res.body).toContain("atlas_queue_pending ");
    // the process and the Node.js runtime: CPU, memory, event-loop lag, heap
    for (const series of [
      "process_cpu_user_seconds_total ",
      "process_resident_memory_bytes ",
      "nodejs_eventloop_lag_p99_seconds ",
      "nodejs_heap_size_used_bytes ",
    ]) {
      expect(res.body).toContain(series);
    }
  });

  it("binds trace_id, tenant and thread_id to every log line of a run", async () => {
    const from = t.logs.length;
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    await t.app.inject({
      method: "POST",
      url: `/architect/plan/${run.thread_id}/resume`,
      headers: t.auth,
      payload: { decision: "approve", approver: "alice" },
    });
    const lines = t.logs.slice(from).filter((line) => line.thread_id === run.thread_id || line.trace_id === run.trace_id);
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(["run started", "node finished", "lifecycle event", "run stopped"]));
    expect(lines.filter((line) => line.msg === "lifecycle event").map((line) => line.event)).toEqual(
      expect.arrayContaining(["plan.pending", "approval.requested", "apply.done"]),
    );
    for (const line of lines) {
      expect(line).toMatchObject({ trace_id: run.trace_id, tenant: "default", thread_id: run.thread_id });
    }
    expect(lines.filter((line) => line.msg === "run stopped").map((line) => line.status)).toEqual(["WAIT_FOR_APPROVE", "DONE"]);
  });

  it("keeps API keys, authorization headers and secrets out of the logs", async () => {
    const forged = "atlas_thisKeyIsNotRealButLooksSecret0123456789";
    const from = t.logs.length;
    const res = await t.app.inject({ method: "GET", url: "/architect/plan/x", headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    const realKey = t.admin.key;
    await t.app.inject({ method: "GET", url: "/schemas", headers: t.auth });
    const written = JSON.stringify(t.logs.slice(from));
    expect(written).not.toContain(forged);
    expect(written).not.toContain(realKey);

    const captured: CapturedLogs = [];
    const log = createLogger("info", { write: (line: string) => void captured.push(JSON.parse(line)) });
    log.info(
      {
        req: { headers: { authorization: `Bearer ${realKey}`, cookie: "session=1", "x-slack-signature": "v0=abc" } },
        headers: { authorization: "Basic dXNlcjpwYXNz" },
        model: { apiKey: "sk-live-123", api_key: "sk-live-456" },
        config: {
          OPENAI_API_KEY: "sk-live-789",
          SLACK_SIGNING_SECRET: "shh",
          SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X",
          DATABASE_URL: "postgres://u:pw@db/atlas",
        },
        key: { token: "atlas_abc", secret: "s3cret" },
      },
      "with secrets",
    );
    const line = JSON.stringify(captured);
    for (const secret of [
      realKey,
      "dXNlcjpwYXNz",
      "session=1",
      "v0=abc",
      "sk-live-123",
      "sk-live-456",
      "sk-live-789",
      "shh",
      "hooks.slack.com",
      "u:pw",
      "atlas_abc",
      "s3cret",
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain("[redacted]");
  });
});

describe("METRICS_PUBLIC=false", () => {
  let db: Database;
  let t: TestApp;

  beforeAll(async () => {
    db = await embeddedTestDatabase();
    t = await buildTestApp(db, { env: { METRICS_PUBLIC: "false" } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it("needs an admin key for /metrics", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    const viewer = await t.createKey({ roles: ["viewer"] });
    expect((await t.app.inject({ method: "GET", url: "/metrics", headers: viewer.headers })).statusCode).toBe(403);
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("# TYPE atlas_tokens_total counter");
  });
});

describe("atlas_tokens_total from a model run, against a LOCAL OpenAI-compatible STUB (not a real model)", () => {
  let db: Database;
  let t: TestApp;
  let stub: OpenAIStub;

  beforeAll(async () => {
    stub = await startOpenAIStub();
    db = await embeddedTestDatabase();
    const env = {
      OPENAI_API_KEY: "stub-key",
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_MODEL: "stub-primary",
      OPENAI_FALLBACK_MODELS: "stub-fallback",
      OPENAI_MAX_RETRIES: "0",
      METRICS_TENANT_LABEL: "name",
    };
    t = await buildTestApp(db, { env, overrides: { models: await modelChainFromConfig(testConfig(env)) } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    await stub?.close();
  });

  it("counts the tokens each model call reports, by tenant and model", async () => {
    stub.chatReplies.push({ status: 500 }, proposalReply("stub-fallback"));
    const run = (await t.app.inject({ method: "POST", url: "/architect/plan", headers: t.auth, payload: { goal } })).json();
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.tokens_used).toBe(1000);
    const text = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(text).toContain('atlas_tokens_total{tenant="default",model="stub-fallback"} 1000');
    expect(text).not.toContain('model="stub-primary"');
  });
});
