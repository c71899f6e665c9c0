import { ChatOpenAI } from "@langchain/openai";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatModelFromConfig } from "../../app/models.js";
import { ingestPaths } from "../../ingest/ingest.js";
import type { Database } from "../../lib/db/database.js";
import { type OpenAIStub, startOpenAIStub } from "../../test/fixtures/openai-stub.js";
import { buildTestApp, type TestApp, testConfig } from "../../test/helpers/app.js";
import { embeddedTestDatabase } from "../../test/helpers/databases.js";
import { fixtureRunbooksDir } from "../../test/helpers/tmp.js";
import { citedIds } from "./grounded.js";

// Model mode against a LOCAL OpenAI-compatible STUB: the "model" answers what each test
// scripts. These tests check Atlas's handling of answers, not any real model's quality.
let stub: OpenAIStub;
let db: Database;
let testApp: TestApp;
let app: FastifyInstance;

const modelEnv = () => ({
  OPENAI_API_KEY: "sk-stub-not-a-real-key",
  OPENAI_BASE_URL: stub.baseUrl,
  OPENAI_MODEL: "stub-chat-model",
});

interface AdviceBody {
  answer: string;
  mode: string;
  grounded: boolean;
  fallback_reason?: string;
  citations: { id: number; source: string; heading_path: string[]; line_start: number; line_end: number }[];
}

beforeAll(async () => {
  stub = await startOpenAIStub();
  db = await embeddedTestDatabase();
  await ingestPaths({ pool: db.pool, embedder: null }, [fixtureRunbooksDir]);
  // llm undefined: buildDeps builds the chat model from the config, as in production.
  testApp = await buildTestApp(db, { env: modelEnv(), overrides: { embedder: null } });
  app = testApp.app;
});
afterAll(async () => {
  await testApp?.close();
  await db?.close();
  await stub?.close();
});
beforeEach(() => stub.reset());

const ask = async (question: string) => {
  const response = await app.inject({ method: "POST", url: "/architect/advice", payload: { question }, headers: testApp.auth });
  expect(response.statusCode).toBe(200);
  return response.json() as AdviceBody;
};

/** The excerpts Atlas sent to the stub, as "[n] source" → n. */
function excerptsSent(): Map<string, number> {
  const [request] = stub.requestsTo("/v1/chat/completions");
  const messages = (request?.body.messages ?? []) as { role: string; content: string }[];
  const user = messages.find((message) => message.role === "user")?.content ?? "";
  const out = new Map<string, number>();
  for (const match of user.matchAll(/^\[(\d+)\] (\S+) — (.*) \(lines (\d+)-(\d+)\)$/gm)) {
    out.set(`${match[2]}|${match[3]}|${match[4]}-${match[5]}`, Number(match[1]));
  }
  return out;
}

describe("chatModelFromConfig", () => {
  it("is null without an API key", async () => {
    expect(await chatModelFromConfig(testConfig())).toBeNull();
  });

  it("builds a ChatOpenAI that talks to the configured base URL", async () => {
    const llm = await chatModelFromConfig(testConfig(modelEnv()));
    expect(llm).toBeInstanceOf(ChatOpenAI);
    stub.chatReplies.push({ content: "hello from the stub" });
    const reply = await llm?.invoke("ping");
    expect(reply?.content).toBe("hello from the stub");
    const [request] = stub.requestsTo("/v1/chat/completions");
    expect(request?.body).toMatchObject({ model: "stub-chat-model", temperature: 0 });
    expect(request?.headers.authorization).toBe("Bearer sk-stub-not-a-real-key");
  });
});

describe("advice in model mode (stub)", () => {
  it("keeps citations to the excerpts it was given and strips invented ones", async () => {
    stub.chatReplies.push({ content: "Cancel the long-running query on the replica [1]. Then check WAL senders [99]." });
    const advice = await ask("How do I fix Postgres replication lag?");
    expect(advice).toMatchObject({ mode: "model", grounded: true });
    expect(advice.fallback_reason).toBeUndefined();
    expect(advice.answer).toContain("[1]");
    expect(advice.answer).not.toContain("[99]");
    expect(advice.citations.map((citation) => citation.id)).toEqual([1]);
    expect([...citedIds(advice.answer)]).toEqual([1]);
    // Citation 1 is the first excerpt the stub was sent.
    const citation = advice.citations[0];
    const key = `${citation?.source}|${citation?.heading_path.join(" › ")}|${citation?.line_start}-${citation?.line_end}`;
    expect(excerptsSent().get(key)).toBe(1);
    expect(citation?.source).toBe("databases/postgres-replication-lag.md");

    const [request] = stub.requestsTo("/v1/chat/completions");
    const system = ((request?.body.messages ?? []) as { role: string; content: string }[]).find((m) => m.role === "system");
    expect(system?.content).toMatch(/Use only the numbered runbook excerpts/);
  });

  it("falls back to an extractive answer when the stub's answer cites nothing", async () => {
    stub.chatReplies.push({ content: "Reboot the primary and hope." });
    const advice = await ask("How do I fix Postgres replication lag?");
    expect(advice).toMatchObject({ mode: "extractive", grounded: true, fallback_reason: "the model's answer cited no runbook excerpt" });
    expect(advice.citations.length).toBeGreaterThan(0);
    for (const id of citedIds(advice.answer)) expect(advice.citations.map((c) => c.id)).toContain(id);
    expect(advice.answer).not.toContain("Reboot the primary");
  });

  it("falls back to an extractive answer when the stub fails with 500", async () => {
    // chatModelFromConfig allows 3 retries: four failures exhaust them.
    for (let i = 0; i < 4; i++) stub.chatReplies.push({ status: 500 });
    const advice = await ask("How do I fix Postgres replication lag?");
    expect(advice).toMatchObject({ mode: "extractive", grounded: true, fallback_reason: "the model call failed" });
    expect(advice.citations.length).toBeGreaterThan(0);
    expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(4);
  });

  it("does not call the model when no runbook covers the question", async () => {
    const advice = await ask("What is the best banana bread recipe?");
    expect(advice).toMatchObject({ grounded: false, citations: [] });
    expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(0);
  });
  it("counts the answer's tokens against the tenant's daily budget; once it is spent, answers extractively and says why", async () => {
    // a second app on the same database with a daily budget of 25 tokens; the stub reports 15 per call
    const budgeted = await buildTestApp(db, {
      env: { ...modelEnv(), DAILY_TOKEN_BUDGET: "25", METRICS_TENANT_LABEL: "name" },
      overrides: { embedder: null },
    });
    try {
      const askBudgeted = async () => {
        stub.chatReplies.push({ content: "Cancel the long-running query on the replica [1]." });
        const response = await budgeted.app.inject({
          method: "POST",
          url: "/architect/advice",
          payload: { question: "How do I fix Postgres replication lag?" },
          headers: budgeted.auth,
        });
        expect(response.statusCode).toBe(200);
        return response.json() as AdviceBody & { tokens_used?: number };
      };
      expect(await askBudgeted()).toMatchObject({ mode: "model", tokens_used: 15 });
      expect(await askBudgeted()).toMatchObject({ mode: "model", tokens_used: 15 }); // 30 of 25: crosses 80 % and 100 %
      const third = await askBudgeted();
      expect(third).toMatchObject({ mode: "extractive", grounded: true });
      expect(third.fallback_reason).toBe("token budget exhausted: tenant default used 30 of its 25 tokens today (DAILY_TOKEN_BUDGET)");
      expect(third.citations.length).toBeGreaterThan(0);
      expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(2);
      expect(await budgeted.deps.tokenBudget.tenant("default")).toMatchObject({ used_today: 30 });
      const { rows } = await db.pool.query("select payload from atlas_events where type = 'budget.warning' order by id");
      expect(rows.map((row) => [row.payload.data.threshold, row.payload.data.scope, row.payload.data.source])).toEqual([
        [80, "daily", "advice"],
        [100, "daily", "advice"],
      ]);
      const metrics = await budgeted.app.inject({ method: "GET", url: "/metrics", headers: budgeted.auth });
      expect(metrics.body).toMatch(/atlas_tokens_total\{tenant="default",model="stub-chat-model"\} 30/);
    } finally {
      await budgeted.close();
    }
  });
});
