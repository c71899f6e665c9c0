import type pg from "pg";
import { indexedText } from "../lexical.js";
import type { ChunkWithDocument } from "./rows.js";

/**
 * The next `limit` chunks after `afterId` (by id), each with the text it is indexed by (title,
 * source, heading path and content), for jobs that recompute an index column in batches.
 * `withoutEmbedding`: only chunks that have no vector yet; `withoutTermStats`: only chunks stored
 * before the inverted index existed.
 */
export async function indexedChunks(
  pool: pg.Pool,
  options: { afterId: string; limit: number; withoutEmbedding?: boolean; withoutTermStats?: boolean },
): Promise<{ id: string; text: string }[]> {
  const { rows } = await pool.query<Pick<ChunkWithDocument, "id" | "title" | "source" | "heading_path" | "content">>(
    `select c.id, d.title, d.source, c.heading_path, c.content
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where c.id > $1 and (not $3::boolean or c.embedding is null) and (not $4::boolean or c.term_stats is null)
     order by c.id limit $2`,
    [options.afterId, options.limit, options.withoutEmbedding ?? false, options.withoutTermStats ?? false],
  );
  return rows.map((row) => ({ id: row.id, text: indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content }) }));
}

/** Stores the term statistics (`packTermStats`) and lengths of the given chunks. */
export async function updateTermStats(pool: pg.Pool, stats: { id: string; term_count: number; term_stats: Buffer }[]): Promise<void> {
  await pool.query(
    `update rag_chunks c set term_stats = r.term_stats, term_count = r.term_count
     from unnest($1::bigint[], $2::int[], $3::bytea[]) as r(id, term_count, term_stats) where c.id = r.id`,
    [stats.map((s) => s.id), stats.map((s) => s.term_count), stats.map((s) => s.term_stats)],
  );
}

/** Sets the vectors (`vector` literals) of the given chunks. */
export async function updateEmbeddings(pool: pg.Pool, embeddings: { id: string; embedding: string }[]): Promise<void> {
  await pool.query(
    `update rag_chunks c set embedding = r.embedding::vector
     from jsonb_to_recordset($1::jsonb) as r(id bigint, embedding text) where c.id = r.id`,
    [JSON.stringify(embeddings)],
  );
}

/** Every chunk of one document, in document order. */
export async function documentChunks(pool: pg.Pool, collection: string, source: string): Promise<ChunkWithDocument[]> {
  const { rows } = await pool.query<ChunkWithDocument>(
    `select c.id, d.collection, d.source, d.title, c.heading_path, c.line_start, c.line_end, c.content
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where d.collection = $1 and d.source = $2 order by c.ordinal`,
    [collection, source],
  );
  return rows;
}
