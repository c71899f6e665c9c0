import type pg from "pg";
import type { Embedder } from "./embedder.js";
import { indexedChunks, updateEmbeddings } from "./store/chunks.js";
import { recordEmbeddingModel } from "./store/corpus.js";
import { vectorLiteral } from "./store/vectors.js";

const BATCH = 256;

/**
 * Embeds every chunk that has no vector yet (chunks ingested before a model was set, or
 * all of them after `clearEmbeddings`). Refuses vectors whose size differs from the store's.
 * @returns the number of chunks embedded.
 */
export async function backfillEmbeddings(pool: pg.Pool, embedder: Embedder): Promise<number> {
  let embedded = 0;
  let lastId = "0";
  for (;;) {
    const chunks = await indexedChunks(pool, { afterId: lastId, limit: BATCH, withoutEmbedding: true });
    if (chunks.length === 0) return embedded;
    const vectors = await embedder.embed(chunks.map((chunk) => chunk.text));
    await recordEmbeddingModel(pool, embedder.model, vectors[0]?.length ?? 0);
    await updateEmbeddings(
      pool,
      chunks.map((chunk, i) => ({ id: chunk.id, embedding: vectorLiteral(vectors[i] ?? []) })),
    );
    embedded += chunks.length;
    lastId = (chunks[chunks.length - 1] as { id: string }).id;
  }
}
