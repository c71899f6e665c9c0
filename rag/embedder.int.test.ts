import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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

const embedderFor = (options: { batchSize?: number; attempts?: number } = {}) =>
  makeOpenAIEmbedder({
    apiKey: "sk-stub-not-a-real-key",
    model: "stub-embedding-model",
    baseUrl: `${stub.baseUrl}/`,
    batchSize: options.batchSize,
    attempts: options.attempts,
  });

/** Milliseconds `work` took. Only ever compared as a lower bound: a loaded machine makes waits longer, never shorter. */
async function elapsed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** An upstream failure as the embedder surfaces it: the HTTP status and the server's message. */
type UpstreamFailure = Error & { status?: number };

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
      body: {
        data: [
          { index: 1, embedding: [0, 1] },
          { index: 0, embedding: [1, 0] },
        ],
      },
    });
    expect(await embedderFor().embed(["first", "second"])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it("retries a 429 and then succeeds", async () => {
    stub.embeddingReplies.push({ status: 429 });
    const vectors = await embedderFor().embed(["retry me"]);
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(2);
    expect(vectors).toEqual([fakeEmbedding("retry me")]);
  });

  it("honours retry-after", async () => {
    // The first backoff is at most 2 s, so waiting 3 s before the retry is the header's doing.
    stub.embeddingReplies.push({ status: 429, headers: { "retry-after": "3" } });
    let vectors: number[][] = [];
    const ms = await elapsed(async () => {
      vectors = await embedderFor().embed(["x"]);
    });
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(2);
    expect(vectors).toEqual([fakeEmbedding("x")]);
    expect(ms).toBeGreaterThanOrEqual(3000);
  });

  it("backs off exponentially on 5xx", async () => {
    // LangChain waits 1 s then 2 s at least (doubling, jitter only adds), so 3 s in all.
    stub.embeddingReplies.push({ status: 503 }, { status: 500 });
    let vectors: number[][] = [];
    const ms = await elapsed(async () => {
      vectors = await embedderFor().embed(["x"]);
    });
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(3);
    expect(vectors).toEqual([fakeEmbedding("x")]);
    expect(ms).toBeGreaterThanOrEqual(3000);
  });

  it("gives up after the last attempt with the last status", async () => {
    for (let i = 0; i < 3; i++) stub.embeddingReplies.push({ status: 500 });
    const failure = (await embedderFor({ attempts: 3 })
      .embed(["x"])
      .catch((error: unknown) => error)) as UpstreamFailure;
    expect(failure).toBeInstanceOf(Error);
    expect(failure.status).toBe(500);
    expect(failure.message).toContain("stub error 500");
    expect(stub.requestsTo("/v1/embeddings")).toHaveLength(3);
  });

  it("does not retry a client error", async () => {
    stub.embeddingReplies.push({ status: 400, body: { error: { message: "bad model" } } });
    const failure = (await embedderFor()
      .embed(["x"])
      .catch((error: unknown) => error)) as UpstreamFailure;
    expect(failure).toBeInstanceOf(Error);
    expect(failure.status).toBe(400);
    expect(failure.message).toContain("bad model");
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
