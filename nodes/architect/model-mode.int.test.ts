import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../../app/deps.js";
import { modelChainFromConfig } from "../../app/models.js";
import { createLogger } from "../../lib/log.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import { type OpenAIStub, startOpenAIStub } from "../../test/fixtures/openai-stub.js";
import { testConfig } from "../../test/helpers/config.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../../test/helpers/tmp.js";

const goal = goalStatementSchema.parse({
  ...JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")),
  workload: { type: "web-api", requests_per_second: 800, data_size_gb: 50, needs_database: true, needs_cache: true },
});

/** A chat completion calling the `design_proposal` tool, as an OpenAI-compatible server answers. */
function toolCallReply(model: string, args: unknown) {
  return {
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
            tool_calls: [{ id: "call_1", type: "function", function: { name: "design_proposal", arguments: JSON.stringify(args) } }],
          },
        },
      ],
      usage: { prompt_tokens: 900, completion_tokens: 100, total_tokens: 1000 },
    },
  };
}

describe("architect in model mode, against a LOCAL OpenAI-compatible STUB (not a real model)", () => {
  let stub: OpenAIStub;
  let dataDir: string;
  let deps: Deps;

  beforeAll(async () => {
    stub = await startOpenAIStub();
    dataDir = makeTmpDir("atlas-model-mode-");
    const config = testConfig({
      ATLAS_DATA_DIR: dataDir,
      OPENAI_API_KEY: "stub-key",
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_MODEL: "stub-primary",
      OPENAI_FALLBACK_MODELS: "stub-fallback",
      OPENAI_MAX_RETRIES: "0",
    });
    deps = await buildDeps(config, createLogger("silent"), { embedder: null, models: modelChainFromConfig(config) });
  });
  beforeEach(() => stub.reset());
  afterAll(async () => {
    await deps?.close();
    await stub?.close();
    removeTmpDir(dataDir);
  });

  it("takes the model's directives, then code sizes and prices the plan; tokens are recorded", async () => {
    stub.chatReplies.push(
      toolCallReply("stub-primary", {
        directives: ["no cache"],
        risks: [{ title: "Cold cache after deploys", severity: "low", mitigation: "Warm critical keys" }],
        rationale: "Read load fits the database (see databases/postgres-connection-exhaustion.md).",
      }),
    );
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan?.planner).toBe("model");
    expect(run.plan?.caches).toEqual([]);
    expect(run.plan?.risks.some((r) => r.title === "Cold cache after deploys")).toBe(true);
    expect(run.tokens_used).toBe(1000);
    const sent = stub.requestsTo("/v1/chat/completions")[0]?.body as { model: string; tools: { function: { name: string } }[] };
    expect(sent.model).toBe("stub-primary");
    expect(sent.tools[0]?.function.name).toBe("design_proposal");
    // the cost is the planner's arithmetic, not anything the model said
    const breakdown = run.plan?.cost.breakdown.reduce((sum, item) => sum + item.monthly_usd, 0) ?? 0;
    expect(breakdown).toBeCloseTo(run.plan?.cost.monthly_total_usd ?? -1, 2);
  });

  it("falls back along the model chain when the main model fails", async () => {
    stub.chatReplies.push({ status: 500 }, toolCallReply("stub-fallback", { directives: [], risks: [], rationale: "defaults are fine" }));
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.plan?.planner).toBe("model");
    expect(stub.requestsTo("/v1/chat/completions").map((r) => r.body.model)).toEqual(["stub-primary", "stub-fallback"]);
    expect(run.plan?.revision_notes.join(" ")).toContain("stub-primary");
  });

  it("plans deterministically, and says so, when every model fails", async () => {
    stub.chatReplies.push({ status: 503 }, { status: 429 });
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan?.planner).toBe("deterministic");
    expect(run.plan?.revision_notes.join(" ")).toContain("planned deterministically");
    expect(run.tokens_used).toBe(0);
  });
});
