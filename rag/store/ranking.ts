import type pg from "pg";
import type { RankedChunk } from "./rows.js";

/** Narrows a ranking to part of the store. */
export interface RankingFilters {
  /** Only this collection. */
  collection?: string | undefined;
  /** Only sources whose path starts with this prefix. */
  source_prefix?: string | undefined;
}

const SELECT_CHUNK = `c.id, d.collection, d.source, d.title, c.heading_path, c.line_start, c.line_end, c.content`;
const FILTERS = `($2::text is null or d.collection = $2) and ($3::text is null or starts_with(d.source, $3))`;

/**
 * Chunks by BM25 score, best first: the inner product of the query's IDF weights (`vector`, a
 * `sparsevec` literal) with each chunk's stored document weights. Only chunks sharing a term.
 */
export async function lexicalRanking(pool: pg.Pool, vector: string, filters: RankingFilters, limit: number): Promise<RankedChunk[]> {
  const { rows } = await pool.query<RankedChunk>(
    `select ${SELECT_CHUNK}, -(c.lexical <#> $1::sparsevec) as score
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where ${FILTERS} and (c.lexical <#> $1::sparsevec) < 0
     order by c.lexical <#> $1::sparsevec, c.id
     limit $4`,
    [vector, filters.collection ?? null, filters.source_prefix ?? null, limit],
  );
  return rows;
}

/** Chunks by cosine similarity to `embedding` (a `vector` literal), best first; only chunks that have a vector. */
export async function denseRanking(pool: pg.Pool, embedding: string, filters: RankingFilters, limit: number): Promise<RankedChunk[]> {
  const { rows } = await pool.query<RankedChunk>(
    `select ${SELECT_CHUNK}, 1 - (c.embedding <=> $1::vector) as score
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where ${FILTERS} and c.embedding is not null
     order by c.embedding <=> $1::vector, c.id
     limit $4`,
    [embedding, filters.collection ?? null, filters.source_prefix ?? null, limit],
  );
  return rows;
}
