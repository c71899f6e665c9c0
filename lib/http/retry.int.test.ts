import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OpenAIStub, startOpenAIStub } from "../../test/fixtures/openai-stub.js";
import { freePort } from "../../test/helpers/processes.js";
import { fetchWithRetry, isRetryableStatus, UpstreamError } from "./retry.js";

// Real HTTP against the LOCAL OpenAI-compatible stub; sleeps are recorded, not waited.
let stub: OpenAIStub;
beforeAll(async () => {
  stub = await startOpenAIStub();
});
afterAll(async () => {
  await stub?.close();
});
beforeEach(() => stub.reset());

const post = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: ["x"] }) };

describe("isRetryableStatus", () => {
  it("retries 429 and 5xx only", () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 404, 409, 413].some(isRetryableStatus)).toBe(false);
  });
});

describe("fetchWithRetry", () => {
  it("returns the first non-retryable response", async () => {
    const sleeps: number[] = [];
    stub.embeddingReplies.push({ status: 502 }, { status: 404 });
    const response = await fetchWithRetry(`${stub.baseUrl}/embeddings`, post, { sleep: async (ms) => void sleeps.push(ms) });
    expect(response.status).toBe(404);
    expect(stub.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("reads retry-after as an HTTP date too", async () => {
    const sleeps: number[] = [];
    stub.embeddingReplies.push({ status: 429, headers: { "retry-after": new Date(Date.now() - 5_000).toUTCString() } });
    await fetchWithRetry(`${stub.baseUrl}/embeddings`, post, { sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toEqual([0]); // a date in the past means "now"
  });

  it("caps every wait at maxDelayMs", async () => {
    const sleeps: number[] = [];
    stub.embeddingReplies.push({ status: 429, headers: { "retry-after": "3600" } }, { status: 500 }, { status: 500 });
    await fetchWithRetry(`${stub.baseUrl}/embeddings`, post, { baseDelayMs: 1000, maxDelayMs: 1500, sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toHaveLength(3);
    for (const ms of sleeps) expect(ms).toBeLessThanOrEqual(1500);
    expect(sleeps[0]).toBe(1500);
  });

  it("retries network errors and reports them with no status", async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    const failure = await fetchWithRetry(`http://127.0.0.1:${port}/v1/embeddings`, post, {
      attempts: 3,
      sleep: async (ms) => void sleeps.push(ms),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).status).toBeNull();
    expect((failure as Error).message).toMatch(/failed after 3 attempts/);
    expect(sleeps).toHaveLength(2);
  });
});
