import { classifyRateLimitError } from "@langchain/core/utils/async_caller";
import { OpenAIEmbeddings } from "@langchain/openai";
import { isRetryableStatus } from "../lib/http/retry.js";

/** Turns texts into dense vectors. */
export interface Embedder {
  /** Model name, recorded with the vectors so models are never mixed. */
  readonly model: string;
  embed(texts: string[]): Promise<number[][]>;
}

export interface OpenAIEmbedderOptions {
  apiKey: string;
  model: string;
  /** Defaults to the OpenAI API; any OpenAI-compatible server works. */
  baseUrl?: string | undefined;
  /** Texts per request. */
  batchSize?: number | undefined;
  /** Requests per batch before giving up, the first included (default 5). */
  attempts?: number | undefined;
}

const OPENAI_API = "https://api.openai.com/v1";
/** Longest `retry-after` waited for; a server asking for more is retried after this. */
const MAX_RETRY_AFTER_MS = 20_000;

/**
 * Atlas's verdict on a failed attempt, for LangChain's retry loop (which does the waiting:
 * from 1 s, doubling, with jitter): throw to stop, return to retry. A 4xx other than 429 is
 * the caller's mistake (bad model, bad key) and a 429 for an exhausted quota will not pass by
 * waiting: both stop. Any other 429, a 5xx or a network error is retried, after at least the
 * `retry-after` the server sent (up to 20 s). LangChain's own verdict would also stop at a 429
 * without `retry-after`, so that concurrent callers shed load (langchainjs#10674); Atlas sends
 * one batch at a time and has no load to shed.
 */
function retryVerdict(error: Error): void {
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && !isRetryableStatus(status)) throw error;
  const rateLimit = classifyRateLimitError(error);
  if (rateLimit?.action === "stop") throw error;
  // LangChain's loop waits at least an error's `retryAfterMs`
  if (rateLimit?.retryAfterMs !== undefined) Object.assign(error, { retryAfterMs: Math.min(rateLimit.retryAfterMs, MAX_RETRY_AFTER_MS) });
}

/**
 * `OpenAIEmbeddings` answering per request, in input order: its `embedDocuments` takes the
 * vectors in the order the server listed them and assumes one per input, where the API gives
 * each an `index` and a server can send fewer (the vector would then land on the wrong chunk).
 */
class IndexedOpenAIEmbeddings extends OpenAIEmbeddings {
  async embedBatch(input: string[]): Promise<number[][]> {
    const { data } = await this.embeddingWithRetry({ model: this.model, input, encoding_format: "float" });
    if (data.length !== input.length) throw new Error(`embeddings returned ${data.length} vectors for ${input.length} inputs`);
    return [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  }
}

/**
 * Embedder for any OpenAI-compatible `/embeddings` endpoint, through LangChain's
 * `OpenAIEmbeddings`: batched requests, one at a time, each retried with exponential backoff
 * (from 1 s, doubling, with jitter) on 429, 5xx and network errors, honouring `retry-after`.
 * Texts are sent as they are (newlines kept) and vectors asked for as floats, as before.
 */
export function makeOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const embeddings = new IndexedOpenAIEmbeddings({
    model: options.model,
    apiKey: options.apiKey,
    batchSize: options.batchSize ?? 96,
    maxRetries: (options.attempts ?? 5) - 1,
    maxConcurrency: 1,
    onFailedAttempt: retryVerdict,
    stripNewLines: false,
    encodingFormat: "float",
    // Atlas's config is the only reader of the environment: no organisation or project
    // header from OPENAI_ORG_ID / OPENAI_PROJECT_ID behind its back.
    configuration: { baseURL: options.baseUrl ?? OPENAI_API, organization: null, project: null },
  });
  return {
    model: options.model,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += embeddings.batchSize) {
        vectors.push(...(await embeddings.embedBatch(texts.slice(start, start + embeddings.batchSize))));
      }
      return vectors;
    },
  };
}
