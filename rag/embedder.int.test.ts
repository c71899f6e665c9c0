import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UpstreamError } from "../lib/http/retry.js";
import { fakeEmbedding } from "../test/fixtures/fake-embedder.js";
import { type OpenAIStub, startOpenAIStub } from "../test/fixtures/openai-stub.js";
import { makeOpenAIEmbedder } from "./embedder.js";

// These tests talk real HTTP to a LOCAL OpenAI-compatible stub, not to OpenAI.
let stub: OpenAIStub;

beforeAll(async () => {
  stub = await startOpenAIStub();
});
afterAll(async () => {
  await stub?.close();
});
beforeEach(() => stub.reset());

const embedderFor = (options: { batchSize?: number; sleeps?: number[] } = {}) =>
  makeOpenAIEmbedder({
    apiKey: "sk-stub-not-a-real-key",
    model: "stub-embedding-model",
    baseUrl: `${stub.baseUrl}/`,
    batchSize: options.batchSize,
    retry: {
      baseDelayMs: 1,
      ...(options.sleeps ? { sleep: async (ms: number) => void options.sleeps?.push(ms) } : {}),
    },
  });

describe("makeOpenAIEmbedder against the local stub", () => {
  it("sends texts in batches and returns one vector per text, in order", async () => {
    const texts = ["disk full on a node", "postgres replication lag", "coredns servfail"];
    const vectors = await embedderFor({ batchSize: 2 }).embed(texts);
    const requests = stub.requestsTo("/v1/embeddings");
    expect(requests).toHaveLength(2);
    expect(requests.map((request) => request.body.input)).toEqual([texts.slice(0, 2), texts.slice(2)]);
    for (const request of requests) {
      expect(request.body.model).toBe("stub-embedding-model");
      expect(request.headers.authorization).toBe("Bearer sk-stub-not-a-real-key");
    }
    expect(vectors).toEqual(texts.map((text) => fakeEmbedding(text)));
  });

  it("puts vectors back in input order when the server answers out of order", async () => {
    stub.embeddingReplies.push({
      body: { data: [{ index: 1, embedding: [0, 1] }, { index: 0, embedding: [1, 0] }] },
    });
    expect(await embedderFor().embed(["first", "second"])).toEqual([[1, 0], [0, 1]]);
  });

  it("retries a 429 and then succeeds", async () => {
    stub.embeddingReplies.push({ status: 429 });
    const vectors = await embedderFor().embed(["retry me"]);
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(2);
    expect(vectors).toEqual([fakeEmbedding("retry me")]);
  });

  it("honours retry-after and backs off exponentially on 5xx", async () => {
    const sleeps: number[] = [];
    stub.embeddingReplies.push({ status: 429, headers: { "retry-after": "2" } }, { status: 503 }, { status: 500 });
    await embedderFor({ sleeps }).embed(["x"]);
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(4);
    expect(sleeps[0]).toBe(2000);
    // base 1 ms doubling, with jitter between half and all of it
    expect(sleeps[1]).toBeGreaterThanOrEqual(1);
    expect(sleeps[1]).toBeLessThanOrEqual(2);
    expect(sleeps[2]).toBeGreaterThanOrEqual(2);
    expect(sleeps[2]).toBeLessThanOrEqual(4);
  });

  it("gives up after the last attempt with the last status", async () => {
    for (let i = 0; i < 5; i++) stub.embeddingReplies.push({ status: 500 });
    const failure = await embedderFor().embed(["x"]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).status).toBe(500);
    expect((failure as Error).message).toMatch(/failed after 5 attempts: HTTP 500/);
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(5);
  });

  it("does not retry a client error", async () => {
    stub.embeddingReplies.push({ status: 400, body: { error: { message: "bad model" } } });
    const failure = await embedderFor().embed(["x"]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).status).toBe(400);
    expect((failure as Error).message).toContain("bad model");
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(1);
  });

  it("refuses an answer with the wrong number of vectors", async () => {
    stub.embeddingReplies.push({ body: { data: [{ index: 0, embedding: [1] }] } });
    await expect(embedderFor().embed(["a", "b"])).rejects.toThrow("embeddings returned 1 vectors for 2 inputs");
  });

  it("sends nothing for no texts", async () => {
    expect(await embedderFor().embed([])).toEqual([]);
    expect(stub.requests).toHaveLength(0);
  });
});
