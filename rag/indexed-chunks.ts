import type pg from "pg";
import { indexedText } from "./lexical.js";

/**
 * The next `limit` chunks after `afterId` (by id), each with the text it is indexed by (title,
 * source, heading path and content), for jobs that recompute an index column in batches.
 * `withoutEmbedding`: only chunks that have no vector yet.
 */
export async function indexedChunks(
  pool: pg.Pool,
  options: { afterId: string; limit: number; withoutEmbedding?: boolean },
): Promise<{ id: string; text: string }[]> {
  const { rows } = await pool.query<{ id: string; title: string | null; source: string; heading_path: string[]; content: string }>(
    `select c.id, d.title, d.source, c.heading_path, c.content
     from rag_chunks c join rag_documents d on d.id = c.document_id
     where c.id > $1 and (not $3::boolean or c.embedding is null)
     order by c.id limit $2`,
    [options.afterId, options.limit, options.withoutEmbedding ?? false],
  );
  return rows.map((row) => ({ id: row.id, text: indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content }) }));
}
