/**
 * Okapi BM25 split into a document half and a query half whose inner product is the
 * BM25 score, so Postgres can rank with pgvector's sparse inner product (`<#>`):
 *
 *   score(q, d) = Σ_t idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
 *                 └ query ┘   └──────────────── document weight ────────────────┘
 *
 * The document half depends on avgdl; weights store the avgdl they were computed with,
 * and ingestion recomputes them when the corpus average drifts (see `needsReweight`).
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
 * Maps a BM25 score onto 0..1: the share of the query's IDF mass a chunk matches, where a
 * chunk of average length holding every query term once scores 1. Used for the threshold.
 */
export function relevance(score: number, queryIdfs: number[]): number {
  const mass = queryIdfs.reduce((sum, weight) => sum + weight, 0);
  return mass > 0 ? Math.min(1, score / mass) : 0;
}

export function needsReweight(weightsAvgdl: number | null, actualAvgdl: number): boolean {
  if (weightsAvgdl === null || weightsAvgdl <= 0) return actualAvgdl > 0;
  return Math.abs(actualAvgdl - weightsAvgdl) / weightsAvgdl > REWEIGHT_DRIFT;
}
