import type pg from "pg";
import { indexedChunks } from "./indexed-chunks.js";
import { lexicalTerms, lexicalVector } from "./lexical.js";

const BATCH = 500;

/**
 * Recomputes every chunk's BM25 document weights for a new average chunk length, in
 * batches, then records that length. Run when the corpus average has drifted.
 */
export async function reweightCorpus(pool: pg.Pool, avgdl: number): Promise<number> {
  let lastId = "0";
  let updated = 0;
  for (;;) {
    const chunks = await indexedChunks(pool, { afterId: lastId, limit: BATCH });
    if (chunks.length === 0) break;
    const weights = chunks.map((chunk) => ({ id: chunk.id, lexical: lexicalVector(lexicalTerms(chunk.text), avgdl) }));
    await pool.query(
      `update rag_chunks c set lexical = r.lexical::sparsevec
       from jsonb_to_recordset($1::jsonb) as r(id bigint, lexical text) where c.id = r.id`,
      [JSON.stringify(weights)],
    );
    updated += chunks.length;
    lastId = (chunks[chunks.length - 1] as { id: string }).id;
  }
  await pool.query("update rag_corpus set weights_avgdl = $1", [avgdl]);
  return updated;
}
