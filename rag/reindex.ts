import type pg from "pg";
import { LOCK_KEYS } from "../lib/db/advisory-lock.js";
import { withTransaction } from "../lib/db/transaction.js";
import { needsReweight } from "./bm25.js";
import { lexicalTerms } from "./lexical.js";
import { buildSegment, packTermStats, unpackTermStats } from "./postings.js";
import { indexedChunks, updateTermStats } from "./store/chunks.js";
import { corpusState, setWeightsAvgdl } from "./store/corpus.js";
import { assignSegment, createSegment, dropSegments, segmentChunks, segmentIds, segmentStates, writePostings } from "./store/postings.js";

/** Chunks per rebuilt segment: bounds the memory a rebuild holds at once. */
const SEGMENT_CHUNKS = 10_000;
/** A segment is rebuilt once this share of its chunks is gone. */
const DEAD_SHARE = 0.25;
/** Small segments (fewer live chunks than SMALL_SEGMENT) are merged once there are more than this many. */
const SMALL_SEGMENTS = 8;
const SMALL_SEGMENT = 1_000;

/**
 * Rebuilds index segments from the chunks' stored term statistics, in one transaction (searches
 * see the old segments or the new ones, never both): every segment when the average chunk
 * length the weights use has changed, or the given ones to drop dead chunks and merge small
 * segments. Returns the number of chunks re-indexed.
 */
export async function rebuildSegments(pool: pg.Pool, segments: string[] | "all", avgdl: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.ingest]);
    const old = segments === "all" ? await segmentIds(client) : segments;
    let afterId = "0";
    let rebuilt = 0;
    for (;;) {
      const chunks = await segmentChunks(client, { segments, afterId, limit: SEGMENT_CHUNKS });
      if (chunks.length === 0) break;
      const segment = await createSegment(client, chunks.length);
      const indexed = chunks.map((chunk) => ({ id: Number(chunk.id), length: chunk.term_count, tf: unpackTermStats(chunk.term_stats) }));
      await writePostings(client, segment, buildSegment(indexed, avgdl));
      await assignSegment(
        client,
        segment,
        chunks.map((chunk) => chunk.id),
      );
      rebuilt += chunks.length;
      afterId = (chunks[chunks.length - 1] as { id: string }).id;
    }
    if (old.length) await dropSegments(client, old);
    return rebuilt;
  });
}

/** Term statistics for chunks stored before the inverted index existed, from their text. */
async function backfillTermStats(pool: pg.Pool): Promise<number> {
  let filled = 0;
  for (;;) {
    // Filled chunks drop out of the selection, so every batch starts from the beginning.
    const chunks = await indexedChunks(pool, { afterId: "0", limit: 1_000, withoutTermStats: true });
    if (chunks.length === 0) return filled;
    await updateTermStats(
      pool,
      chunks.map((chunk) => {
        const terms = lexicalTerms(chunk.text);
        return { id: chunk.id, term_count: terms.length, term_stats: packTermStats(terms) };
      }),
    );
    filled += chunks.length;
  }
}

/**
 * Keeps the index right after writes: chunks without term statistics are filled in; when the
 * average chunk length drifted past `REWEIGHT_DRIFT` (or was never recorded) every weight is
 * recomputed; otherwise segments that are a quarter dead, or too many small ones, are rebuilt.
 * Returns whether every weight was recomputed.
 */
export async function maintainIndex(pool: pg.Pool): Promise<boolean> {
  await backfillTermStats(pool);
  const corpus = await corpusState(pool);
  const chunks = Number(corpus.chunk_count);
  if (chunks === 0) {
    // An emptied store: no segment is needed, and the next ingest sets the average afresh.
    if (corpus.weights_avgdl !== null) {
      await rebuildSegments(pool, "all", 1);
      await setWeightsAvgdl(pool, null);
    }
    return false;
  }
  const avgdl = Number(corpus.term_total) / chunks;
  if (needsReweight(corpus.weights_avgdl, avgdl)) {
    await rebuildSegments(pool, "all", avgdl);
    await setWeightsAvgdl(pool, avgdl);
    return true;
  }
  const states = await segmentStates(pool);
  const worn = states.filter((s) => s.dead >= s.chunks * DEAD_SHARE);
  const small = states.filter((s) => s.chunks - s.dead < SMALL_SEGMENT && !worn.includes(s));
  const chosen = [...worn, ...(small.length > SMALL_SEGMENTS ? small : [])];
  if (chosen.length)
    await rebuildSegments(
      pool,
      chosen.map((s) => s.id),
      corpus.weights_avgdl ?? avgdl,
    );
  return false;
}
