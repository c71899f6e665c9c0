import type pg from "pg";
import { emptyStore } from "../../rag/store/corpus.js";

/** Empties the runbook store and its statistics, as a fresh migration leaves them. */
export async function resetRunbookStore(pool: pg.Pool): Promise<void> {
  await emptyStore(pool);
}

/** What the incrementally maintained statistics hold, next to the same figures recomputed from the chunks. */
export interface StatisticsCheck {
  storedDf: Map<number, number>;
  recomputedDf: Map<number, number>;
  stored: { chunk_count: number; term_total: number };
  recomputed: { chunk_count: number; term_total: number };
}

/** Reads `rag_terms` and `rag_corpus` and recomputes both from `rag_chunks` with SQL. */
export async function statisticsCheck(pool: pg.Pool): Promise<StatisticsCheck> {
  const stored = await pool.query<{ term_id: number; df: number }>("select term_id, df from rag_terms");
  const recomputed = await pool.query<{ term_id: number; df: string }>("select t as term_id, count(*) as df from rag_chunks, unnest(term_ids) as t group by t");
  const corpus = await pool.query<{ chunk_count: string; term_total: string }>("select chunk_count, term_total from rag_corpus");
  const totals = await pool.query<{ chunk_count: string; term_total: string }>(
    "select count(*) as chunk_count, coalesce(sum(term_count), 0) as term_total from rag_chunks",
  );
  return {
    storedDf: new Map(stored.rows.map((row) => [row.term_id, Number(row.df)])),
    recomputedDf: new Map(recomputed.rows.map((row) => [row.term_id, Number(row.df)])),
    stored: { chunk_count: Number(corpus.rows[0]?.chunk_count), term_total: Number(corpus.rows[0]?.term_total) },
    recomputed: { chunk_count: Number(totals.rows[0]?.chunk_count), term_total: Number(totals.rows[0]?.term_total) },
  };
}
