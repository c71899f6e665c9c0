import { fetchWithRetry, UpstreamError } from "../lib/http/retry.js";

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
  batchSize?: number;
  retry?: Parameters<typeof fetchWithRetry>[2];
}

/**
 * Embedder for any OpenAI-compatible `/embeddings` endpoint: batched requests, retried
 * with backoff on 429 and 5xx.
 */
export function makeOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const url = `${(options.baseUrl ?? "https://api.openai.com/v1").replace(/\/$/, "")}/embeddings`;
  const batchSize = options.batchSize ?? 96;
  return {
    model: options.model,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const input = texts.slice(start, start + batchSize);
        const response = await fetchWithRetry(
          url,
          {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
            body: JSON.stringify({ model: options.model, input }),
          },
          options.retry,
        );
        if (!response.ok) {
          throw new UpstreamError(`embeddings HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`, response.status);
        }
        const body = (await response.json()) as { data?: { index: number; embedding: number[] }[] };
        const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
        if (data.length !== input.length) {
          throw new UpstreamError(`embeddings returned ${data.length} vectors for ${input.length} inputs`, response.status);
        }
        vectors.push(...data.map((item) => item.embedding));
      }
      return vectors;
    },
  };
}
