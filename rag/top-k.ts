import { documentWeight } from "./bm25.js";
import type { ChunkTermStats, PostingBlock } from "./postings.js";

/**
 * Exact BM25 top-k over the inverted index without reading every posting: a MaxScore-style
 * split of the query's terms (Turtle & Flood, 1995). Rare terms are "essential": their postings
 * are read and summed. Common terms are not read at all; each can add at most its bound
 * (IDF × its largest document weight), so a chunk holding none of the essential terms scores
 * at most the sum of those bounds. The best candidates by partial score are then scored in full
 * from their own term statistics, and the answer is final once neither a chunk outside the
 * essential postings nor an unscored candidate can beat the k-th full score. Otherwise more
 * candidates are scored, or the next term becomes essential; in the worst case every posting is
 * read, which is the plain term-at-a-time sum.
 */

/** A query term with what ranking needs: its IDF, how many chunks hold it, and its score bound. */
export interface RankTerm {
  id: number;
  idf: number;
  df: number;
  /** the largest BM25 document weight the term has in any chunk */
  maxWeight: number;
}

/** A live chunk that passed the filters, with what its full score is computed from. */
export interface ScoredCandidate<R> {
  id: number;
  row: R;
  length: number;
  stats: ChunkTermStats;
}

/** Where ranking reads from; the store implements it with two queries. */
export interface TopKSource<R> {
  /** every posting block of these terms (all segments) */
  postings(termIds: number[]): Promise<{ termId: number; block: PostingBlock }[]>;
  /** the chunks among `ids` that still exist and pass the caller's filters */
  candidates(ids: number[]): Promise<ScoredCandidate<R>[]>;
}

/** Postings read at the start before any bound is known: enough for most queries' rare terms. */
const INITIAL_POSTINGS = 20_000;
/** Candidates scored in full at first, beyond the requested results (more when the bounds say so). */
const EXTRA_CANDIDATES = 16;
/**
 * What a scored candidate costs in postings read: fetching and scoring one candidate row took
 * ~17 µs on the embedded database here, reading one posting ~0.15 µs (100,000-chunk corpus).
 */
const POSTINGS_PER_CANDIDATE = 100;
/** Chunk ids up to this use a dense array for partial scores (8 bytes each); beyond, a map. */
const DENSE_IDS = 1 << 20;

/** Partial scores by chunk id: a dense array when ids are small enough, else a map. */
class PartialScores {
  private readonly dense: Float64Array | null;
  private readonly touched: number[] = [];
  private readonly sparse = new Map<number, number>();

  constructor(maxChunkId: number | undefined) {
    this.dense = maxChunkId !== undefined && maxChunkId < DENSE_IDS ? new Float64Array(maxChunkId + 1) : null;
  }

  add(id: number, value: number): void {
    const dense = this.dense;
    if (dense && id < dense.length) {
      if (dense[id] === 0) this.touched.push(id);
      dense[id] = (dense[id] as number) + value;
    } else {
      this.sparse.set(id, (this.sparse.get(id) ?? 0) + value);
    }
  }

  /** The `n` best chunk ids by partial score. */
  best(n: number): number[] {
    const dense = this.dense;
    const fromDense = dense ? best(this.touched, (id) => dense[id] as number, n) : [];
    if (this.sparse.size === 0) return fromDense;
    const fromSparse = best(this.sparse.keys(), (id) => this.sparse.get(id) as number, n);
    const all = new Map([...fromDense, ...fromSparse].map((id) => [id, this.get(id)]));
    return best(all.keys(), (id) => all.get(id) as number, n);
  }

  get(id: number): number {
    const dense = this.dense;
    return dense && id < dense.length ? (dense[id] as number) : (this.sparse.get(id) ?? 0);
  }
}

/** Float32 postings against float64 full scores: bounds are widened by this much. */
const EPSILON = 1e-4;

export interface TopKStats {
  postingsRead: number;
  essentialTerms: number;
  candidatesScored: number;
  rounds: number;
}

/**
 * The `limit` chunks with the highest BM25 score (ties by lower id), exactly as a full scan
 * would rank them, and only chunks sharing a term with the query.
 */
export async function topK<R>(
  terms: readonly RankTerm[],
  limit: number,
  avgdl: number,
  source: TopKSource<R>,
  options: {
    initialPostings?: number;
    maxChunkId?: number;
    /** only these chunks can be results (a filter): others are skipped while reading postings */
    accept?: (id: number) => boolean;
  } = {},
): Promise<{ results: { row: R; id: number; score: number }[]; stats: TopKStats }> {
  const stats: TopKStats = { postingsRead: 0, essentialTerms: 0, candidatesScored: 0, rounds: 0 };
  if (terms.length === 0 || limit <= 0) return { results: [], stats };
  const position = new Map(terms.map((term, i) => [term.id, i]));
  // Cheapest postings first: they are read; the long lists of common terms are bounded instead.
  const order = [...terms].sort((a, b) => a.df - b.df || b.idf - a.idf || a.id - b.id);
  const bound = (term: RankTerm) => term.idf * term.maxWeight + EPSILON;

  let essential = 0;
  let postingsBudget = 0;
  do {
    postingsBudget += (order[essential] as RankTerm).df;
    essential++;
  } while (essential < order.length && postingsBudget + (order[essential] as RankTerm).df <= (options.initialPostings ?? INITIAL_POSTINGS));

  const partial = new PartialScores(options.maxChunkId);
  const scored = new Map<number, { row: R; id: number; score: number } | null>();
  let read = 0;
  let wanted = limit + EXTRA_CANDIDATES;
  for (;;) {
    stats.rounds++;
    if (read < essential) {
      const newTerms = order.slice(read, essential);
      for (const { termId, block } of await source.postings(newTerms.map((term) => term.id))) {
        const weight = terms[position.get(termId) ?? -1]?.idf ?? 0;
        stats.postingsRead += block.chunkIds.length;
        const accept = options.accept;
        for (let i = 0; i < block.chunkIds.length; i++) {
          const id = block.chunkIds[i] as number;
          if (!accept || accept(id)) partial.add(id, weight * (block.weights[i] as number));
        }
      }
      read = essential;
    }
    const restBound = order.slice(essential).reduce((sum, term) => sum + bound(term), 0);
    // Only the best `wanted` partial scores and the one after them matter: select, do not sort all.
    const ranked = partial.best(wanted + 1);
    const unscored = ranked.slice(0, wanted).filter((id) => !scored.has(id));
    if (unscored.length) {
      const found = new Map((await source.candidates(unscored)).map((candidate) => [candidate.id, candidate]));
      for (const id of unscored) {
        const candidate = found.get(id);
        scored.set(id, candidate ? { row: candidate.row, id, score: fullScore(candidate, terms, position, avgdl) } : null);
      }
      stats.candidatesScored += unscored.length;
    }
    const results = [...scored.values()]
      .filter((entry): entry is { row: R; id: number; score: number } => entry !== null && entry.score > 0)
      .sort((a, b) => b.score - a.score || a.id - b.id);
    const kth = results.length >= limit ? (results[limit - 1] as { score: number }).score : 0;
    // A chunk outside the essential postings scores at most restBound; one not yet scored, at most
    // the next partial score plus restBound. With fewer than `limit` results every match counts.
    const outsideDone = essential === order.length || (results.length >= limit && restBound <= kth);
    const next = ranked[wanted];
    const restDone = next === undefined || (results.length >= limit && partial.get(next) + restBound + EPSILON <= kth);
    if (outsideDone && restDone) {
      stats.essentialTerms = essential;
      return { results: results.slice(0, limit), stats };
    }
    // Either bound fails: read the next term's postings when that is cheaper than scoring twice
    // as many candidates (or when chunks outside the postings could still win), else score more.
    const nextTerm = order[essential];
    if (!outsideDone || (nextTerm && nextTerm.df <= POSTINGS_PER_CANDIDATE * wanted)) essential++;
    else wanted *= 2;
  }
}

/** The `n` ids with the highest score (ties to the lower id), best first: a bounded min-heap of ids. */
export function best(ids: Iterable<number>, scoreOf: (id: number) => number, n: number): number[] {
  if (n <= 0) return [];
  const heap: number[] = [];
  const scores: number[] = [];
  // worse(i, j): the entry at heap index i ranks below the one at j
  const worse = (i: number, j: number) =>
    (scores[i] as number) < (scores[j] as number) || (scores[i] === scores[j] && (heap[i] as number) > (heap[j] as number));
  const swap = (i: number, j: number) => {
    [heap[i], heap[j]] = [heap[j] as number, heap[i] as number];
    [scores[i], scores[j]] = [scores[j] as number, scores[i] as number];
  };
  for (const id of ids) {
    const score = scoreOf(id);
    if (heap.length < n) {
      heap.push(id);
      scores.push(score);
      let i = heap.length - 1;
      while (i > 0 && worse(i, (i - 1) >> 1)) {
        swap(i, (i - 1) >> 1);
        i = (i - 1) >> 1;
      }
    } else if ((scores[0] as number) < score || (scores[0] === score && (heap[0] as number) > id)) {
      heap[0] = id;
      scores[0] = score;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        let lowest = i;
        if (left < heap.length && worse(left, lowest)) lowest = left;
        if (left + 1 < heap.length && worse(left + 1, lowest)) lowest = left + 1;
        if (lowest === i) break;
        swap(i, lowest);
        i = lowest;
      }
    }
  }
  return heap
    .map((id, i) => [id, scores[i] as number] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([id]) => id);
}

/**
 * A chunk's BM25 score for the query, from its own term frequencies, summed in the query's term
 * order so that equal scores come out equal (and ties fall to the lower id) whatever the chunk's order.
 */
function fullScore<R>(candidate: ScoredCandidate<R>, terms: readonly RankTerm[], position: ReadonlyMap<number, number>, avgdl: number): number {
  const parts = new Float64Array(terms.length);
  const { ids, tfs } = candidate.stats;
  for (let i = 0; i < ids.length; i++) {
    const at = position.get(ids[i] as number);
    if (at !== undefined) parts[at] = (terms[at] as RankTerm).idf * Math.fround(documentWeight(tfs[i] as number, candidate.length, avgdl));
  }
  let score = 0;
  for (const part of parts) score += part;
  return score;
}
