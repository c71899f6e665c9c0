import type pg from "pg";
import { unpackTermStats } from "../postings.js";
import { type RankTerm, topK } from "../top-k.js";
import { readPostings } from "./postings.js";
import type { RankedChunk } from "./rows.js";

/** Narrows a ranking to part of the store. */
export interface RankingFilters {
  /** Only this collection. */
  collection?: string | undefined;
  /** Only sources whose path starts with this prefix. */
  source_prefix?: string | undefined;
}

const SELECT_CHUNK = `c.id, d.collection, d.source, d.title, c.heading_path, c.line_start, c.line_end, c.content, c.term_stats`;
/** The filter clause, its collection and source prefix taken from parameters `$n` and `$n+1`. */
const filterClause = (n: number) => `($${n}::text is null or d.collection = $${n}) and ($${n + 1}::text is null or starts_with(d.source, $${n + 1}))`;
const FILTERS = filterClause(2);

/**
 * Chunks by BM25 score, best first, from the inverted index: only the postings of the query's
 * rarer terms are read, and candidates are scored in full from their term statistics (see
 * `topK`). `terms` carry their IDF, document frequency and largest weight, `corpus` the average
 * length the stored weights use and the highest chunk id (`queryTermStatistics` has all of them). Only chunks sharing a term.
 */
export async function rankByTerms(
  pool: pg.Pool,
  terms: readonly RankTerm[],
  corpus: { avgdl: number; maxChunkId: number },
  filters: RankingFilters,
  limit: number,
): Promise<RankedChunk[]> {
  const filterParams = [filters.collection ?? null, filters.source_prefix ?? null];
  // Candidates come with everything a hit shows: the winners need no second query.
  const { results } = await topK(
    terms,
    limit,
    corpus.avgdl,
    {
      postings: (termIds) => readPostings(pool, termIds),
      candidates: async (ids) => {
        const { rows } = await pool.query<ChunkRow & { term_count: number }>(
          `select ${SELECT_CHUNK}, c.term_count from rag_chunks c join rag_documents d on d.id = c.document_id
         where c.id = any($1::bigint[]) and ${FILTERS}`,
          [ids, ...filterParams],
        );
        return rows.map((row) => {
          const stats = unpackTermStats(row.term_stats ?? Buffer.alloc(0));
          return { id: Number(row.id), row: { ...row, stats }, length: row.term_count, stats };
        });
      },
    },
    { maxChunkId: corpus.maxChunkId, ...(await filterIds(pool, filters)) },
  );
  return results.map(({ row, score }) => {
    const { term_stats, term_count, stats, ...rest } = row;
    return { ...rest, score, term_ids: stats.ids };
  });
}

/**
 * With a filter, the ids of the chunks it lets through, so that postings of other chunks are
 * skipped as they are read: otherwise a narrow filter on a large store would have candidates
 * fetched and refused round after round.
 */
async function filterIds(pool: pg.Pool, filters: RankingFilters): Promise<{ accept?: (id: number) => boolean }> {
  if (filters.collection === undefined && filters.source_prefix === undefined) return {};
  const { rows } = await pool.query<{ id: string }>(`select c.id from rag_chunks c join rag_documents d on d.id = c.document_id where ${filterClause(1)}`, [
    filters.collection ?? null,
    filters.source_prefix ?? null,
  ]);
  const ids = new Set(rows.map((row) => Number(row.id)));
  return { accept: (id) => ids.has(id) };
}

type ChunkRow = Omit<RankedChunk, "score" | "term_ids"> & { term_stats: Buffer | null };

/** Chunks by cosine similarity to `embedding` (a `vector` literal), best first; only chunks that have a vector. */
export async function denseRanking(pool: pg.Pool, embedding: string, filters: RankingFilters, limit: number): Promise<RankedChunk[]> {
  const { rows } = await pool.query<ChunkRow & { score: number }>(
    `select ${SELECT_CHUNK}, 1 - (c.embedding <=> $1::vector) as score
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where ${FILTERS} and c.embedding is not null
     order by c.embedding <=> $1::vector, c.id
     limit $4`,
    [embedding, filters.collection ?? null, filters.source_prefix ?? null, limit],
  );
  return rows.map(({ term_stats, ...rest }) => ({ ...rest, term_ids: term_stats ? unpackTermStats(term_stats).ids : new Uint32Array(0) }));
}
