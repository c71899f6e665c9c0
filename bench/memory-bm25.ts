import { termId } from "../rag/analyzer.js";
import { B, idf, K1 } from "../rag/bm25.js";

/**
 * A plain in-process BM25 engine: the second query baseline. It ranks the same chunks with the
 * same analysed terms, the same term ids and the same K1, B and IDF as the store, so the gap
 * between it and the store is the cost of the database and its protocol, not of a different
 * scoring. Scoring is term-at-a-time over an inverted index, with a bounded heap for the top k.
 */

/** One chunk as the engine indexes it: its id and its analysed terms (`analyze(indexedText(...))`). */
export interface MemoryDocument {
  id: string;
  terms: string[];
}

export interface MemoryHit {
  id: string;
  score: number;
}

/** The postings of one term: the documents holding it (by position) and how often. */
interface Postings {
  docs: Int32Array;
  tfs: Int32Array;
}

export interface MemoryIndex {
  ids: string[];
  lengths: Float64Array;
  avgdl: number;
  postings: Map<number, Postings>;
  /** per-document score accumulator, reused by every search (reset through `touched`) */
  scores: Float64Array;
}

/** Builds the inverted index; documents keep the order given, which breaks score ties. */
export function buildMemoryIndex(documents: MemoryDocument[]): MemoryIndex {
  const growing = new Map<number, { docs: number[]; tfs: number[] }>();
  const lengths = new Float64Array(documents.length);
  let total = 0;
  documents.forEach((document, position) => {
    lengths[position] = document.terms.length;
    total += document.terms.length;
    const tf = new Map<number, number>();
    for (const term of document.terms) {
      const id = termId(term);
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const [id, count] of tf) {
      const list = growing.get(id) ?? { docs: [], tfs: [] };
      list.docs.push(position);
      list.tfs.push(count);
      growing.set(id, list);
    }
  });
  const postings = new Map<number, Postings>();
  for (const [id, list] of growing) postings.set(id, { docs: Int32Array.from(list.docs), tfs: Int32Array.from(list.tfs) });
  return {
    ids: documents.map((document) => document.id),
    lengths,
    avgdl: documents.length ? total / documents.length : 0,
    postings,
    scores: new Float64Array(documents.length),
  };
}

/**
 * The `limit` best documents for the query's analysed terms, best first, ties by document
 * order. Each distinct term counts once, as in the store's query weights.
 */
export function searchMemoryIndex(index: MemoryIndex, queryTerms: string[], limit: number): MemoryHit[] {
  const n = index.ids.length;
  const touched: number[] = [];
  for (const id of new Set(queryTerms.map(termId))) {
    const list = index.postings.get(id);
    if (!list) continue;
    const weight = idf(list.docs.length, n);
    for (let i = 0; i < list.docs.length; i++) {
      const doc = list.docs[i] as number;
      const tf = list.tfs[i] as number;
      if (index.scores[doc] === 0) touched.push(doc);
      const length = index.lengths[doc] as number;
      index.scores[doc] = (index.scores[doc] as number) + (weight * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * length) / index.avgdl));
    }
  }
  const best = topK(touched, index.scores, limit).map((doc) => ({ id: index.ids[doc] as string, score: index.scores[doc] as number }));
  for (const doc of touched) index.scores[doc] = 0;
  return best;
}

/** Whether document `a` ranks below `b`: lower score, or the same score and later in order. */
function worse(scores: Float64Array, a: number, b: number): boolean {
  const sa = scores[a] as number;
  const sb = scores[b] as number;
  return sa < sb || (sa === sb && a > b);
}

/**
 * The `limit` best of `candidates`, best first, through a min-heap of size `limit` (the
 * worst kept document at the root), so a common term touching most documents costs
 * O(m log k) rather than a full sort.
 */
function topK(candidates: number[], scores: Float64Array, limit: number): number[] {
  const heap: number[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i] as number;
    heap[i] = heap[j] as number;
    heap[j] = t;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && worse(scores, heap[left] as number, heap[worst] as number)) worst = left;
      if (right < heap.length && worse(scores, heap[right] as number, heap[worst] as number)) worst = right;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  for (const doc of candidates) {
    if (limit <= 0) break;
    if (heap.length < limit) {
      heap.push(doc);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(scores, heap[i] as number, heap[parent] as number)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (worse(scores, heap[0] as number, doc)) {
      heap[0] = doc;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(scores, a, b) ? 1 : worse(scores, b, a) ? -1 : 0));
}
