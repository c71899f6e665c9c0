import type pg from "pg";
import { indexedText, lexicalTerms, lexicalVector } from "./lexical.js";

const BATCH = 500;

/**
 * Recomputes every chunk's BM25 document weights for a new average chunk length, in
 * batches, then records that length. Run when the corpus average has drifted.
 */
export async function reweightCorpus(pool: pg.Pool, avgdl: number): Promise<number> {
  let lastId = "0";
  let updated = 0;
  for (;;) {
    const { rows } = await pool.query<{ id: string; title: string | null; source: string; heading_path: string[]; content: string }>(
      `select c.id, d.title, d.source, c.heading_path, c.content
       from rag_chunks c join rag_documents d on d.id = c.document_id
       where c.id > $1 order by c.id limit $2`,
      [lastId, BATCH],
    );
    if (rows.length === 0) break;
    const weights = rows.map((row) => ({
      id: row.id,
      lexical: lexicalVector(
        lexicalTerms(indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content })),
        avgdl,
      ),
    }));
    await pool.query(
      `update rag_chunks c set lexical = r.lexical::sparsevec
       from jsonb_to_recordset($1::jsonb) as r(id bigint, lexical text) where c.id = r.id`,
      [JSON.stringify(weights)],
    );
    updated += rows.length;
    lastId = (rows[rows.length - 1] as { id: string }).id;
  }
  await pool.query("update rag_corpus set weights_avgdl = $1", [avgdl]);
  return updated;
}
