import type pg from "pg";

/**
 * Rankings Atlas does NOT use, kept beside the real ones so the harnesses (`pnpm eval`,
 * `pnpm bench`) can measure what BM25 adds over them on the same stored chunks.
 */

/**
 * Baseline: Postgres full-text search ranked by plain `ts_rank_cd` over the stored chunks and
 * the same indexed text (title, headings, content), collapsed by file; the top 10 sources.
 * Query words are OR-ed, as BM25 matches any of them.
 */
export async function tsRankCdSources(pool: pg.Pool, query: string, collection: string): Promise<string[]> {
  const { rows } = await pool.query<{ source: string }>(
    `with ranked as (
       select d.source, ts_rank_cd(to_tsvector('english', coalesce(d.title, '') || ' ' || array_to_string(c.heading_path, ' ') || ' ' || c.content),
                                   websearch_to_tsquery('english', $1)) as rank
       from rag_chunks c join rag_documents d on d.id = c.document_id where d.collection = $2)
     select source from ranked where rank > 0 group by source order by max(rank) desc, source limit 10`,
    [query.replace(/\s+/g, " or "), collection],
  );
  return rows.map((row) => row.source);
}
