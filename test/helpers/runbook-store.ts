import type pg from "pg";
import { unpackIds, unpackTermStats, unpackWeights } from "../../rag/postings.js";
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
  /** where the inverted index disagrees with the chunks (empty when it is exact) */
  indexProblems: string[];
}

/** Every live chunk's weight per term, as the index's postings hold them (dead entries skipped). */
export async function postedWeights(pool: pg.Pool): Promise<Map<number, Map<number, number>>> {
  const live = await pool.query<{ id: string }>("select id from rag_chunks");
  const posted = new Map<number, Map<number, number>>(live.rows.map((row) => [Number(row.id), new Map()]));
  const { rows } = await pool.query<{ term_id: number; chunk_ids: Buffer; weights: Buffer }>("select term_id, chunk_ids, weights from rag_postings");
  for (const row of rows) {
    const ids = unpackIds(row.chunk_ids);
    const weights = unpackWeights(row.weights);
    ids.forEach((id, i) => {
      const terms = posted.get(id);
      if (!terms) return;
      if (terms.has(row.term_id))
        terms.set(row.term_id, Number.NaN); // posted twice: never right
      else terms.set(row.term_id, weights[i] as number);
    });
  }
  return posted;
}

/** Compares the index with the chunks: every live chunk posted once under exactly its terms, segment counts right. */
async function indexProblems(pool: pg.Pool): Promise<string[]> {
  const problems: string[] = [];
  const posted = await postedWeights(pool);
  const chunks = await pool.query<{ id: string; term_stats: Buffer | null; segment: string | null }>("select id, term_stats, segment from rag_chunks");
  for (const chunk of chunks.rows) {
    if (!chunk.term_stats || !chunk.segment) {
      problems.push(`chunk ${chunk.id} has no term statistics or segment`);
      continue;
    }
    const expected = [...unpackTermStats(chunk.term_stats).ids].sort((a, b) => a - b);
    const terms = posted.get(Number(chunk.id)) ?? new Map();
    const actual = [...terms.keys()].sort((a, b) => a - b);
    if (expected.join() !== actual.join()) problems.push(`chunk ${chunk.id} is posted under ${actual.length} terms, holds ${expected.length}`);
    if ([...terms.values()].some((weight) => Number.isNaN(weight))) problems.push(`chunk ${chunk.id} is posted twice under a term`);
  }
  const segments = await pool.query<{ id: string; chunks: number; dead: number; live: string }>(
    "select s.id, s.chunks, s.dead, (select count(*) from rag_chunks c where c.segment = s.id) as live from rag_segments s",
  );
  for (const s of segments.rows) {
    if (s.chunks - s.dead !== Number(s.live)) problems.push(`segment ${s.id}: ${s.chunks} chunks, ${s.dead} dead, but ${s.live} live`);
  }
  return problems;
}

/** Reads `rag_terms` and `rag_corpus` and recomputes both from the chunks' own term statistics; checks the index against the chunks. */
export async function statisticsCheck(pool: pg.Pool): Promise<StatisticsCheck> {
  const stored = await pool.query<{ term_id: number; df: number }>("select term_id, df from rag_terms");
  const chunks = await pool.query<{ term_stats: Buffer }>("select term_stats from rag_chunks");
  const recomputedDf = new Map<number, number>();
  for (const row of chunks.rows) for (const id of unpackTermStats(row.term_stats).ids) recomputedDf.set(id, (recomputedDf.get(id) ?? 0) + 1);
  const corpus = await pool.query<{ chunk_count: string; term_total: string }>("select chunk_count, term_total from rag_corpus");
  const totals = await pool.query<{ chunk_count: string; term_total: string }>(
    "select count(*) as chunk_count, coalesce(sum(term_count), 0) as term_total from rag_chunks",
  );
  return {
    storedDf: new Map(stored.rows.map((row) => [row.term_id, Number(row.df)])),
    recomputedDf,
    stored: { chunk_count: Number(corpus.rows[0]?.chunk_count), term_total: Number(corpus.rows[0]?.term_total) },
    recomputed: { chunk_count: Number(totals.rows[0]?.chunk_count), term_total: Number(totals.rows[0]?.term_total) },
    indexProblems: await indexProblems(pool),
  };
}
