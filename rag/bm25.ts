/**
 * Okapi BM25 split into a document half (stored in the inverted index's postings) and a
 * query half (IDF), whose inner product is the BM25 score:
 *
 *   score(q, d) = Σ_t idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
 *                 └ query ┘   └──────────────── document weight ────────────────┘
 *
 * The document half depends on avgdl; the store records the avgdl its weights use, and
 * ingestion recomputes them when the corpus average drifts (see `needsReweight`).
 */
export const K1 = 1.2;
export const B = 0.75;

/** Relative avgdl drift past which stored document weights are recomputed. */
export const REWEIGHT_DRIFT = 0.15;

/** BM25 document-side weight of one term. */
export function documentWeight(tf: number, length: number, avgdl: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avgdl));
}

/** BM25 IDF (the Lucene variant, always positive). */
export function idf(documentFrequency: number, documentCount: number): number {
  return Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * How much more than a seen term of the highest IDF a term the store has never seen weighs
 * against coverage: an unknown word is the strongest sign the question is about something else.
 */
export const UNSEEN_TERM_WEIGHT = 2;

/** One content term of a question (its term id) with its IDF, and whether any chunk in the store holds it. */
export interface ContentTermWeight {
  id: number;
  idf: number;
  seen: boolean;
}

/**
 * Whether a chunk is about the question, 0..1: the share of the question's content-term IDF
 * mass the chunk holds. Terms the store has never seen count against it (at
 * `UNSEEN_TERM_WEIGHT` times their IDF), so one shared word among unknown ones does not pass.
 * Independent of the BM25 score: the ranking decides the order, this decides refusal.
 */
export function relevance(chunkTerms: ReadonlySet<number>, query: readonly ContentTermWeight[]): number {
  let mass = 0;
  let matched = 0;
  for (const { id, idf: weight, seen } of query) {
    mass += seen ? weight : weight * UNSEEN_TERM_WEIGHT;
    if (seen && chunkTerms.has(id)) matched += weight;
  }
  return mass > 0 ? Math.min(1, matched / mass) : 0;
}

export function needsReweight(weightsAvgdl: number | null, actualAvgdl: number): boolean {
  if (weightsAvgdl === null || weightsAvgdl <= 0) return actualAvgdl > 0;
  return Math.abs(actualAvgdl - weightsAvgdl) / weightsAvgdl > REWEIGHT_DRIFT;
}
