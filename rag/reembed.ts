import type pg from "pg";
import { AtlasError } from "../lib/errors.js";
import type { Embedder } from "./embedder.js";
import { indexedChunks } from "./indexed-chunks.js";

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
    await pool.query(
      `update rag_chunks c set embedding = r.embedding::vector
       from jsonb_to_recordset($1::jsonb) as r(id bigint, embedding text) where c.id = r.id`,
      [JSON.stringify(chunks.map((chunk, i) => ({ id: chunk.id, embedding: `[${(vectors[i] ?? []).join(",")}]` })))],
    );
    embedded += chunks.length;
    lastId = (chunks[chunks.length - 1] as { id: string }).id;
  }
}

/** Stores the model and size on first use; refuses a different size under the same model. */
export async function recordEmbeddingModel(pool: pg.Pool, model: string, dims: number): Promise<void> {
  const { rows } = await pool.query<{ embedding_model: string | null; embedding_dims: number | null }>(
    `update rag_corpus set embedding_model = coalesce(embedding_model, $1), embedding_dims = coalesce(embedding_dims, $2)
     returning embedding_model, embedding_dims`,
    [model, dims],
  );
  const stored = rows[0];
  if (stored && (stored.embedding_model !== model || stored.embedding_dims !== dims)) {
    throw new AtlasError(
      "CONFLICT",
      `Embeddings of ${model} have ${dims} dimensions but the store holds ${stored.embedding_dims}-dimension vectors ` +
        `from ${stored.embedding_model}. Run "pnpm ingest --reembed" to re-embed every chunk.`,
    );
  }
}

/** Drops every stored vector and the recorded model, ahead of a full re-embed. */
export async function clearEmbeddings(pool: pg.Pool): Promise<void> {
  await pool.query("update rag_chunks set embedding = null where embedding is not null");
  await pool.query("update rag_corpus set embedding_model = null, embedding_dims = null");
}
