import type pg from "pg";
import { indexedText } from "../lexical.js";
import type { ChunkWithDocument } from "./rows.js";

/**
 * The next `limit` chunks after `afterId` (by id), each with the text it is indexed by (title,
 * source, heading path and content), for jobs that recompute an index column in batches.
 * `withoutEmbedding`: only chunks that have no vector yet.
 */
export async function indexedChunks(
  pool: pg.Pool,
  options: { afterId: string; limit: number; withoutEmbedding?: boolean },
): Promise<{ id: string; text: string }[]> {
  const { rows } = await pool.query<Pick<ChunkWithDocument, "id" | "title" | "source" | "heading_path" | "content">>(
    `select c.id, d.title, d.source, c.heading_path, c.content
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where c.id > $1 and (not $3::boolean or c.embedding is null)
     order by c.id limit $2`,
    [options.afterId, options.limit, options.withoutEmbedding ?? false],
  );
  return rows.map((row) => ({ id: row.id, text: indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content }) }));
}

/** Replaces the BM25 weights (`sparsevec` literals) of the given chunks. */
export async function updateLexicalWeights(pool: pg.Pool, weights: { id: string; lexical: string }[]): Promise<void> {
  await pool.query(
    `update rag_chunks c set lexical = r.lexical::sparsevec
     from jsonb_to_recordset($1::jsonb) as r(id bigint, lexical text) where c.id = r.id`,
    [JSON.stringify(weights)],
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
