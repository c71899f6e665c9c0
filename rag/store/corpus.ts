import type pg from "pg";
import { AtlasError } from "../../lib/errors.js";
import type { CorpusRow } from "./rows.js";

/** The corpus statistics row: chunk and term totals, the avgdl of the stored weights, the embedding model. */
export async function corpusState(pool: pg.Pool): Promise<CorpusRow> {
  const { rows } = await pool.query<CorpusRow>("select chunk_count, term_total, weights_avgdl, embedding_model, embedding_dims from rag_corpus");
  return rows[0] as CorpusRow;
}

/** Records the average chunk length the stored BM25 weights were computed with. */
export async function setWeightsAvgdl(pool: pg.Pool, avgdl: number | null): Promise<void> {
  await pool.query("update rag_corpus set weights_avgdl = $1", [avgdl]);
}

/** Forgets terms no chunk holds any more (their document frequency fell to zero). */
export async function dropUnusedTerms(pool: pg.Pool): Promise<void> {
  await pool.query("delete from rag_terms where df <= 0");
}

/** Stores the model and size on first use; refuses a different size under the same model. */
export async function recordEmbeddingModel(pool: pg.Pool, model: string, dims: number): Promise<void> {
  const { rows } = await pool.query<Pick<CorpusRow, "embedding_model" | "embedding_dims">>(
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

/** Empties the runbook store and its statistics, as a fresh migration leaves them. */
export async function emptyStore(pool: pg.Pool): Promise<void> {
  await pool.query("truncate rag_postings, rag_chunks, rag_segments, rag_documents, rag_terms");
  await pool.query("update rag_corpus set chunk_count = 0, term_total = 0, weights_avgdl = null, embedding_model = null, embedding_dims = null");
}

/**
 * Flushes the write-ahead log to the data files so it can be recycled. Needs superuser or
 * pg_checkpoint on a server Postgres; a refusal there is harmless and ignored.
 */
export async function checkpoint(pool: pg.Pool): Promise<void> {
  await pool.query("checkpoint").catch(() => {});
}

/** What ranking needs of the query's terms and the corpus, in one round trip. */
export interface QueryTermStatistics {
  chunkCount: number;
  /** average chunk length the stored weights were computed with */
  avgdl: number;
  /** term id → document frequency and largest stored weight, only for terms some chunk holds */
  terms: Map<number, { id: number; df: number; maxWeight: number }>;
  /** the highest chunk id in the store (0 when empty) */
  maxChunkId: number;
}

export async function queryTermStatistics(pool: pg.Pool, termIds: number[]): Promise<QueryTermStatistics> {
  const { rows } = await pool.query<{
    term_id: number | null;
    df: number | null;
    max_weight: number | null;
    n: string;
    avgdl: number | null;
    max_id: string | null;
  }>(
    `select t.term_id, t.df, (select max(p.max_weight) from rag_postings p where p.term_id = t.term_id) as max_weight,
            c.chunk_count as n, c.weights_avgdl as avgdl, (select max(id) from rag_chunks) as max_id
     from rag_corpus c left join rag_terms t on t.term_id = any($1::int[]) and t.df > 0`,
    [termIds],
  );
  const terms = new Map<number, { id: number; df: number; maxWeight: number }>();
  for (const row of rows) {
    if (row.term_id !== null && row.df !== null && row.max_weight !== null) terms.set(row.term_id, { id: row.term_id, df: row.df, maxWeight: row.max_weight });
  }
  return { chunkCount: Number(rows[0]?.n ?? 0), avgdl: rows[0]?.avgdl ?? 1, terms, maxChunkId: Number(rows[0]?.max_id ?? 0) };
}
