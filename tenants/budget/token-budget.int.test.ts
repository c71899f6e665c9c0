import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../../app/deps.js";
import { modelChainFromConfig } from "../../app/models.js";
import { openDatabase } from "../../lib/db/database.js";
import { readMigrations } from "../../lib/db/migrate.js";
import { createLogger } from "../../lib/log.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import { type OpenAIStub, startOpenAIStub } from "../../test/fixtures/openai-stub.js";
import { testConfig } from "../../test/helpers/config.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../../test/helpers/databases.js";
import { cleanRedisPrefix, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../../test/helpers/redis.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../../test/helpers/tmp.js";

// Token budgets against a LOCAL OpenAI-compatible STUB (not a real model) that answers with a
// tool call and 1000 tokens of usage, counted in real Redis over real Postgres.

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));

/** A chat completion calling the `design_proposal` tool with `tokens` of usage. */
function toolCallReply(tokens = 1000) {
  return {
    body: {
      id: "chatcmpl-stub",
      object: "chat.completion",
      created: 0,
      model: "stub-primary",
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
      usage: { prompt_tokens: tokens - 100, completion_tokens: 100, total_tokens: tokens },
    },
  };
}

describe("token budgets with the model STUB, Redis counters", () => {
  let stub: OpenAIStub;
  let native: NativeTestDatabase;
  let dataDir: string;
  let deps: Deps;
  let inspect: Redis;
  const prefix = testRedisPrefix();

  beforeAll(async () => {
    stub = await startOpenAIStub();
    native = await nativeTestDatabase();
    dataDir = makeTmpDir("atlas-budget-");
    inspect = testRedisClient();
    const config = testConfig({
      ATLAS_DATA_DIR: dataDir,
      DATABASE_URL: native.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: prefix,
      OPENAI_API_KEY: "stub-key",
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_MODEL: "stub-primary",
      OPENAI_FALLBACK_MODELS: "stub-primary",
      OPENAI_MAX_RETRIES: "0",
      DAILY_TOKEN_BUDGET: "2500",
    });
    deps = await buildDeps(config, createLogger("silent"), {
      db: await openDatabase({ url: native.url }),

      embedder: null,
      models: await modelChainFromConfig(config),
      migrations: readMigrations().filter((m) => !m.requiresVector),
      search: async () => [],
    });
    await deps.control.ready();
  });
  beforeEach(() => {
    stub.reset();
    for (let i = 0; i < 6; i++) stub.chatReplies.push(toolCallReply());
  });
  afterAll(async () => {
    await deps?.close();
    await stub?.close();
    if (inspect) {
      await cleanRedisPrefix(inspect, prefix);
      inspect.disconnect();
    }
    await native?.drop();
    removeTmpDir(dataDir);
  });

  const tokenWarnings = (events: { type: string; data: Record<string, unknown> }[]) =>
    events.filter((e) => e.type === "budget.warning" && e.data.kind === "tokens").map((e) => e.data);

  it("daily budget: a warning at 80 %, at 100 % the deterministic planner takes over and says so", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const first = await deps.planner.start({ goal, tenant: "acme" });
    expect(first.plan?.planner).toBe("model");
    expect(tokenWarnings(await deps.planner.events(first.thread_id, "acme"))).toEqual([]);

    const second = await deps.planner.start({ goal, tenant: "acme" }); // 2000 of 2500: 80 %
    expect(second.plan?.planner).toBe("model");
    expect(tokenWarnings(await deps.planner.events(second.thread_id, "acme"))).toEqual([
      { kind: "tokens", scope: "daily", tenant: "acme", used: 2000, limit: 2500, threshold: 80, exhausted: false },
    ]);

    const third = await deps.planner.start({ goal, tenant: "acme" }); // 3000: over the budget
    expect(tokenWarnings(await deps.planner.events(third.thread_id, "acme"))).toEqual([
      { kind: "tokens", scope: "daily", tenant: "acme", used: 3000, limit: 2500, threshold: 100, exhausted: true },
    ]);

    const calls = stub.requestsTo("/v1/chat/completions").length;
    const fourth = await deps.planner.start({ goal, tenant: "acme" });
    expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(calls); // no model call
    expect(fourth.status).toBe("WAIT_FOR_APPROVE");
    expect(fourth.plan?.planner).toBe("deterministic");
    expect(fourth.tokens_used).toBe(0);
    const note = fourth.plan?.revision_notes.find((n) => n.startsWith("token budget exhausted: planned deterministically"));
    expect(note).toContain("tenant acme used 3000 of its 2500 tokens today");

    // another tenant has its own day
    expect((await deps.planner.start({ goal, tenant: "other" })).plan?.planner).toBe("model");

    // counted in Redis, expiring at the end of the UTC day
    const key = `${prefix}budget:daily:${day}:acme`;
    expect(await inspect.get(key)).toBe("3000");
    expect(Number(await inspect.call("EXPIRETIME", key))).toBe(Date.parse(`${day}T00:00:00Z`) / 1000 + 86_400);
    expect(await deps.tokenBudget.stats()).toEqual(
      expect.arrayContaining([
        { tenant: "acme", daily_budget: 2500, used_today: 3000 },
        { tenant: "other", daily_budget: 2500, used_today: 1000 },
      ]),
    );
  });

  it("set_budget raises the limit at run time and model calls resume", async () => {
    await inspect.xadd(`${prefix}control`, "*", "type", "set_budget", "tenant", "acme", "daily", "100000");
    await waitFor(async () => (await deps.tokenBudget.check({ tenant: "acme", run: "x" })).allowed, 10_000, "the new budget");
    const run = await deps.planner.start({ goal, tenant: "acme" });
    expect(run.plan?.planner).toBe("model");
    expect(run.tokens_used).toBe(1000);
  });

  it("per-run budget: exhausted within one run (a revision), the next architect pass is deterministic", async () => {
    await deps.control.send({ type: "set_budget", tenant: "perrun", per_run: 1000 });
    await waitFor(async () => (await deps.tokenBudget.check({ tenant: "perrun", run: "x" })).limits.per_run === 1000, 10_000, "the per-run budget");
    const started = await deps.planner.start({ goal, tenant: "perrun" });
    expect(started.plan?.planner).toBe("model");
    expect(tokenWarnings(await deps.planner.events(started.thread_id, "perrun"))).toEqual([
      { kind: "tokens", scope: "run", tenant: "perrun", used: 1000, limit: 1000, threshold: 80, exhausted: false },
      { kind: "tokens", scope: "run", tenant: "perrun", used: 1000, limit: 1000, threshold: 100, exhausted: true },
    ]);
    const calls = stub.requestsTo("/v1/chat/completions").length;
    const revised = await deps.planner.resume(started.thread_id, "perrun", { decision: "revise", approver: "rita", comment: "two azs" });
    expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(calls);
    expect(revised.plan?.version).toBe(2);
    expect(revised.plan?.planner).toBe("deterministic");
    expect(revised.plan?.revision_notes.join(" ")).toContain("token budget exhausted: planned deterministically (this run used 1000 of its 1000 tokens");
    // a new run has a budget of its own
    expect((await deps.planner.start({ goal, tenant: "perrun" })).plan?.planner).toBe("model");
  });
});
