import { documentWeight } from "./bm25.js";
import type { LexicalTerms } from "./lexical.js";

/**
 * The inverted index's data, packed for storage in `bytea` columns and read back without
 * parsing: a posting block is one term's postings in one segment (chunk ids ascending with
 * their BM25 document weights); a chunk's term statistics are its term ids and frequencies.
 * Chunk ids are stored as unsigned 32-bit integers (a store would need four billion chunk
 * inserts to pass that; `packIds` refuses rather than wrap).
 */

/** One term's postings in one segment. */
export interface PostingBlock {
  chunkIds: Uint32Array;
  weights: Float32Array;
}

/** A chunk's term ids and their frequencies, in the same order. */
export interface ChunkTermStats {
  ids: Uint32Array;
  tfs: Uint32Array;
}

const MAX_CHUNK_ID = 2 ** 32 - 1;

/** Bytes of a typed array, little-endian on every platform Node runs on (x64, arm64). */
function bytesOf(array: Uint32Array | Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** A 4-byte-aligned copy of `buffer` when `pg` handed back an unaligned slice. */
function aligned(buffer: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(buffer.byteLength);
  new Uint8Array(copy).set(buffer);
  return copy;
}

export function packIds(ids: readonly number[]): Buffer {
  for (const id of ids) if (!(Number.isInteger(id) && id >= 0 && id <= MAX_CHUNK_ID)) throw new RangeError(`chunk id ${id} does not fit the index`);
  return bytesOf(Uint32Array.from(ids));
}

export function packWeights(weights: readonly number[]): Buffer {
  return bytesOf(Float32Array.from(weights));
}

export function unpackIds(buffer: Buffer): Uint32Array {
  return new Uint32Array(aligned(buffer));
}

export function unpackWeights(buffer: Buffer): Float32Array {
  return new Float32Array(aligned(buffer));
}

/** A chunk's term statistics as stored: every term id, then every frequency. */
export function packTermStats(terms: LexicalTerms): Buffer {
  const ids = [...terms.tf.keys()];
  const packed = new Uint32Array(ids.length * 2);
  ids.forEach((id, i) => {
    packed[i] = id;
    packed[ids.length + i] = terms.tf.get(id) as number;
  });
  return bytesOf(packed);
}

export function unpackTermStats(buffer: Buffer): ChunkTermStats {
  const all = new Uint32Array(aligned(buffer));
  const half = all.length / 2;
  return { ids: all.subarray(0, half), tfs: all.subarray(half) };
}

/** A chunk as an index segment is built from: its id, length and term frequencies. */
export interface IndexedChunk {
  id: number;
  length: number;
  tf: ReadonlyMap<number, number> | ChunkTermStats;
}

function* frequencies(tf: IndexedChunk["tf"]): Generator<[number, number]> {
  if (tf instanceof Map) {
    yield* tf.entries();
    return;
  }
  const stats = tf as ChunkTermStats;
  for (let i = 0; i < stats.ids.length; i++) yield [stats.ids[i] as number, stats.tfs[i] as number];
}

/** One term's row of a segment, ready to write. */
export interface SegmentPostings {
  termId: number;
  chunkIds: Buffer;
  weights: Buffer;
  maxWeight: number;
}

/**
 * The postings of a segment: per term, the chunks holding it (ascending ids) with their BM25
 * document weights at `avgdl`, and the largest weight (the term's score bound in this segment).
 */
export function buildSegment(chunks: readonly IndexedChunk[], avgdl: number): SegmentPostings[] {
  const byTerm = new Map<number, { ids: number[]; weights: number[] }>();
  for (const chunk of [...chunks].sort((a, b) => a.id - b.id)) {
    for (const [termId, tf] of frequencies(chunk.tf)) {
      let list = byTerm.get(termId);
      if (!list) {
        list = { ids: [], weights: [] };
        byTerm.set(termId, list);
      }
      list.ids.push(chunk.id);
      list.weights.push(documentWeight(tf, chunk.length, avgdl));
    }
  }
  return [...byTerm.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([termId, list]) => {
      const weights = Float32Array.from(list.weights);
      let maxWeight = 0;
      for (const weight of weights) if (weight > maxWeight) maxWeight = weight;
      return { termId, chunkIds: packIds(list.ids), weights: bytesOf(weights), maxWeight };
    });
}
