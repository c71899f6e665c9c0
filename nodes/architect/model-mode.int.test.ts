import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDeps, type Deps } from "../../app/deps.js";
import { modelChainFromConfig } from "../../app/models.js";
import { ingestPaths } from "../../ingest/ingest.js";
import { createLogger } from "../../lib/log.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import { type OpenAIStub, startOpenAIStub, toolCallReply as stubToolCall } from "../../test/fixtures/openai-stub.js";
import { testConfig } from "../../test/helpers/config.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir, repoRoot } from "../../test/helpers/tmp.js";
import { MAX_MODEL_CALLS } from "./turns.js";

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
    deps = await buildDeps(config, createLogger("silent"), { embedder: null, models: await modelChainFromConfig(config) });
    await ingestPaths({ pool: deps.db.pool, embedder: null }, [fixtureRunbooksDir]);
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
    // the agent offers its look-up tools first; LangChain appends the answer tool after them
    expect(sent.tools.map((t) => t.function.name)).toEqual(["runbook_search", "cost_estimate", "design_proposal"]);
    // the cost is the planner's arithmetic, not anything the model said
    const breakdown = run.plan?.cost.breakdown.reduce((sum, item) => sum + item.monthly_usd, 0) ?? 0;
    expect(breakdown).toBeCloseTo(run.plan?.cost.monthly_total_usd ?? -1, 2);
  });

  it("compares the model's reading of the constraints with the rules' and keeps the rules'; a directive against a constraint is not taken", async () => {
    const constrained = { ...goal, name: "constrained-api", constraints: ["Kubernetes is not allowed in this account", "use MySQL, not Postgres"] };
    stub.chatReplies.push(
      toolCallReply("stub-primary", {
        directives: ["use eks"],
        risks: [],
        rationale: "EKS for the platform team.",
        constraints: [
          // a model misreading the negation, and agreeing on the engine
          {
            text: "Kubernetes is not allowed in this account",
            wishes: [{ text: "Kubernetes is not allowed in this account", hard: true, kind: "kubernetes", value: "required" }],
          },
          {
            text: "use MySQL, not Postgres",
            wishes: [{ text: "use MySQL, not Postgres", hard: true, kind: "database-engine", allow: ["mysql", "aurora-mysql"] }],
          },
        ],
      }),
    );
    const run = await deps.planner.start({ goal: constrained, tenant: "default" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan?.compute.platform).toBe("ecs-fargate");
    expect(run.plan?.databases[0]?.engine).toMatch(/mysql/);
    const notes = run.plan?.revision_notes.join("\n") ?? "";
    expect(notes).toContain('model directive "use eks" not taken: Kubernetes is ruled out');
    const differs = run.plan?.risks.filter((r) => r.id.startsWith("constraint-reading-differs")) ?? [];
    expect(differs).toHaveLength(1);
    expect(differs[0]?.mitigation).toContain('constraint "Kubernetes is not allowed in this account"');
    expect(run.plan?.constraints.map((c) => [c.kind, c.status])).toEqual([
      ["kubernetes", "honoured"],
      ["database-engine", "honoured"],
    ]);
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

  it("the stub's model looks a runbook up through runbook_search, then answers: the plan cites it, both calls' tokens count", async () => {
    const lookup = { query: "DNS resolution failures", top_k: 1, source_prefix: "networking/" };
    stub.chatReplies.push(
      stubToolCall("stub-primary", [{ name: "runbook_search", args: lookup }], 700),
      stubToolCall(
        "stub-primary",
        [{ name: "design_proposal", args: { directives: ["two azs"], risks: [], rationale: "See networking/dns-resolution.md." } }],
        900,
      ),
    );
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(run.plan?.planner).toBe("model");
    expect(run.tokens_used).toBe(1600);

    const calls = stub.requestsTo("/v1/chat/completions");
    expect(calls.map((r) => r.body.model)).toEqual(["stub-primary", "stub-primary"]);
    // the tool really ran: the second call carries its result back to the model
    const toolResult = ((calls[1]?.body.messages ?? []) as { role: string; content: string }[]).find((m) => m.role === "tool");
    expect(JSON.parse(toolResult?.content ?? "{}").results[0].citation).toMatch(/^networking\/dns-resolution\.md#L\d+-L\d+$/);

    const cited = run.plan?.citations.find((c) => c.source === "networking/dns-resolution.md");
    expect(cited?.reason).toContain('fetched by model stub-primary through runbook_search for "DNS resolution failures"');
    expect(run.plan?.revision_notes.join(" ")).toContain("model stub-primary read through runbook_search: networking/dns-resolution.md");
  });

  // Some OpenAI-compatible servers repeat a tool-call id; the agent then goes back to the model
  // without running the tool, and the bound must hold all the same.
  for (const ids of ["fresh", "repeated"] as const) {
    it(`a stub model that keeps calling tools past the step bound is a model failure; the next model answers (${ids} tool-call ids)`, async () => {
      // the primary never answers: every turn it searches again
      stub.chatResponder = (request) =>
        request.body.model === "stub-primary"
          ? stubToolCall(
              "stub-primary",
              [{ name: "runbook_search", args: { query: "postgres replication lag" }, ...(ids === "repeated" ? { id: "call_1" } : {}) }],
              300,
            )
          : undefined;
      stub.chatReplies.push(stubToolCall("stub-fallback", [{ name: "design_proposal", args: { directives: [], risks: [], rationale: "defaults fit" } }], 500));
      const run = await deps.planner.start({ goal, tenant: "default" });
      expect(run.status).toBe("WAIT_FOR_APPROVE");
      expect(run.plan?.planner).toBe("model");
      const calls = stub.requestsTo("/v1/chat/completions");
      expect(calls.map((r) => r.body.model)).toEqual([...Array(MAX_MODEL_CALLS).fill("stub-primary"), "stub-fallback"]);
      if (ids === "fresh") {
        // each turn's search really ran: the last primary call carries one tool result per earlier turn
        const messages = calls[MAX_MODEL_CALLS - 1]?.body.messages as { role: string }[];
        expect(messages.filter((m) => m.role === "tool")).toHaveLength(MAX_MODEL_CALLS - 1);
      }
      expect(run.plan?.revision_notes.join(" ")).toMatch(/models that failed first: stub-primary: model call limit/);
      // every call was spent, the failed model's too
      expect(run.tokens_used).toBe(MAX_MODEL_CALLS * 300 + 500);
      // what the failed model read is not cited for the fallback's answer
      expect(run.plan?.citations.some((c) => c.reason.includes("fetched by model stub-primary"))).toBe(false);
    });
  }

  it("a stub model answering outside the directive vocabulary is a model failure", async () => {
    stub.chatReplies.push(
      stubToolCall("stub-primary", [{ name: "design_proposal", args: { directives: ["add kafka"], risks: [], rationale: "streams" } }], 400),
      stubToolCall("stub-fallback", [{ name: "design_proposal", args: { directives: ["no cache"], risks: [], rationale: "fits" } }], 600),
    );
    const run = await deps.planner.start({ goal, tenant: "default" });
    expect(run.plan?.planner).toBe("model");
    expect(run.plan?.caches).toEqual([]);
    expect(stub.requestsTo("/v1/chat/completions").map((r) => r.body.model)).toEqual(["stub-primary", "stub-fallback"]);
    expect(run.plan?.revision_notes.join(" ")).toContain("models that failed first: stub-primary");
    expect(run.plan?.revision_notes.join(" ")).not.toContain("add kafka");
    expect(run.tokens_used).toBe(1000);
  });

  it("the budget is checked before each of the stub model's turns: used up mid-agent, no further call and no fallback", async () => {
    await deps.tokenBudget.setLimits("tight", { per_run: 500 }, "model-mode test");
    stub.chatReplies.push(
      stubToolCall("stub-primary", [{ name: "runbook_search", args: { query: "postgres replication lag" } }], 600),
      stubToolCall("stub-primary", [{ name: "design_proposal", args: { directives: [], risks: [], rationale: "never asked" } }], 600),
    );
    const run = await deps.planner.start({ goal, tenant: "tight" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    expect(stub.requestsTo("/v1/chat/completions").map((r) => r.body.model)).toEqual(["stub-primary"]);
    expect(run.plan?.planner).toBe("deterministic");
    expect(run.plan?.revision_notes.join(" ")).toContain("token budget exhausted: planned deterministically (this run used 600 of its 500 tokens");
    expect(run.tokens_used).toBe(600);
    const warnings = (await deps.planner.events(run.thread_id, "tight")).filter((e) => e.type === "budget.warning").map((e) => e.data);
    expect(warnings).toEqual([
      { kind: "tokens", scope: "run", tenant: "tight", used: 600, limit: 500, threshold: 80, exhausted: false },
      { kind: "tokens", scope: "run", tenant: "tight", used: 600, limit: 500, threshold: 100, exhausted: true },
    ]);
  });
});
