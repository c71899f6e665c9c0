import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { modelChainFromConfig } from "../../../app/models.js";
import type { NamedModel } from "../../../graph/deps.js";
import { type OpenAIStub, type StubRequest, startOpenAIStub, toolCallReply } from "../../../test/fixtures/openai-stub.js";
import { testConfig } from "../../../test/helpers/config.js";
import { makeModelSpend } from "../../architect/spend.js";
import { checkedModelReading, readPrompt } from "./model.js";

// Goals in plain language read by a model through structured output, against a LOCAL
// OpenAI-compatible STUB (not a real model): the stub answers what each test scripts.

const PROMPT = "Our orders API for production in Frankfurt needs to take about 48k requests a minute, stay at 99.95 %, and cost under $3k a month";

describe("checking what a model read", () => {
  it("keeps a field only when its words are in the description and its value makes a valid goal", () => {
    const reading = checkedModelReading(PROMPT, {
      name: "orders-api",
      fields: [
        { path: "environment", value: "prod", from: "production" },
        { path: "workload.requests_per_second", value: 800, from: "48k requests a minute" },
        { path: "slo.availability", value: 99.95, from: "99.95 %" },
        // invented: the words are not in the description
        { path: "budget.monthly_usd", value: 2500, from: "a budget of $2,500" },
        // out of range for the goal
        { path: "workload.payload_kb", value: -4, from: "orders" },
        // a second value for a single field
        { path: "environment", value: "dev", from: "orders API" },
      ],
    });
    expect(reading.by).toBe("model");
    expect(reading.fields.map((field) => [field.path, field.value])).toEqual([
      ["environment", "prod"],
      ["workload.requests_per_second", 800],
      ["slo.availability", 99.95],
    ]);
    // what it did not keep is asked, with the extractor's questions and defaults
    expect(reading.missing.map((fact) => fact.path)).toEqual(["workload.type", "budget.monthly_usd"]);
    expect(reading.name).toBe("orders-api");
  });

  it("names the goal from the description when the model's name is not a valid one", () => {
    expect(checkedModelReading(PROMPT, { name: "Orders API!", fields: [] }).name).toMatch(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/);
  });
});

describe("reading a description with a model chain (LOCAL OpenAI-compatible STUB)", () => {
  let stub: OpenAIStub;
  let models: NamedModel[];
  const answer = {
    name: "orders-api",
    fields: [
      { path: "environment", value: "prod", from: "production" },
      { path: "region", value: "eu-central-1", from: "Frankfurt" },
      { path: "workload.type", value: "web-api", from: "orders API" },
      { path: "workload.requests_per_second", value: 800, from: "48k requests a minute" },
      { path: "slo.availability", value: 99.95, from: "99.95 %" },
      { path: "budget.monthly_usd", value: 3000, from: "under $3k a month" },
    ],
  };
  /** Answers in whichever way the client asked for structured output: a tool call, or JSON content. */
  const structured = (request: StubRequest) => {
    const tools = (request.body.tools as { function: { name: string } }[] | undefined) ?? [];
    const tool = tools.find((candidate) => candidate.function.name === "goal_reading");
    if (tool) return toolCallReply("stub-primary", [{ name: "goal_reading", args: answer }], 700);
    return { content: JSON.stringify(answer) };
  };

  beforeAll(async () => {
    stub = await startOpenAIStub();
    const config = testConfig({
      OPENAI_API_KEY: "stub-key",
      OPENAI_BASE_URL: stub.baseUrl,
      OPENAI_MODEL: "stub-primary",
      OPENAI_FALLBACK_MODELS: "stub-fallback",
      OPENAI_MAX_RETRIES: "0",
    });
    models = await modelChainFromConfig(config);
  });
  afterAll(async () => {
    await stub?.close();
  });
  beforeEach(() => stub.reset());

  it("uses the model's reading, checked, and counts its tokens", async () => {
    stub.chatResponder = structured;
    const spend = makeModelSpend(null);
    const { reading, notes } = await readPrompt(PROMPT, { models, spend });
    expect(notes).toEqual([]);
    expect(reading).toMatchObject({ by: "model", model: "stub-primary", name: "orders-api", missing: [] });
    expect(Object.fromEntries(reading.fields.map((field) => [field.path, field.value]))).toMatchObject({ region: "eu-central-1", "budget.monthly_usd": 3000 });
    expect(stub.requestsTo("/v1/chat/completions")).toHaveLength(1);
    expect(spend.total()).toBeGreaterThan(0);
  });

  it("falls back to the next model, then to the extractor, and says why", async () => {
    let calls = 0;
    stub.chatResponder = (request) => (++calls === 1 ? { status: 500, body: { error: { message: "primary down" } } } : structured(request));
    const second = await readPrompt(PROMPT, { models });
    expect(second.reading).toMatchObject({ by: "model", model: "stub-fallback" });
    expect(second.notes[0]).toMatch(/models that failed first: stub-primary/);

    stub.chatResponder = () => ({ status: 500, body: { error: { message: "down" } } });
    const none = await readPrompt(PROMPT, { models });
    expect(none.reading.by).toBe("deterministic");
    expect(none.notes[0]).toMatch(/every model failed .*read deterministically/);
    expect(none.reading.fields.length).toBeGreaterThan(0);
  });
});
