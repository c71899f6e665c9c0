import type pg from "pg";
import { lexicalTerms, lexicalVector } from "./lexical.js";
import { indexedChunks, updateLexicalWeights } from "./store/chunks.js";
import { setWeightsAvgdl } from "./store/corpus.js";

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
    await updateLexicalWeights(
      pool,
      chunks.map((chunk) => ({ id: chunk.id, lexical: lexicalVector(lexicalTerms(chunk.text), avgdl) })),
    );
    updated += chunks.length;
    lastId = (chunks[chunks.length - 1] as { id: string }).id;
  }
  await setWeightsAvgdl(pool, avgdl);
  return updated;
}
