import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import type { RunbookSearch } from "../rag/search.js";
import { tsRankCdSources } from "../rag/store/baselines.js";

/** One (query, expected source) pair of a question set. */
export interface RetrievalCase {
  query: string;
  expected: string;
}

export interface RetrievalScore {
  set: string;
  ranker: string;
  queries: number;
  hit_at_1: number;
  hit_at_5: number;
  mrr: number;
}

/** Ranks sources for a query, best first, one entry per file. */
export type SourceRanker = (query: string, collection: string) => Promise<string[]>;

/** hit@1, hit@5 and MRR (over the top 10) of a ranker on a question set. */
export async function scoreRanker(set: string, ranker: string, cases: RetrievalCase[], collection: string, rank: SourceRanker): Promise<RetrievalScore> {
  let hit1 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  for (const item of cases) {
    const position = (await rank(item.query, collection)).slice(0, 10).indexOf(item.expected);
    if (position === 0) hit1++;
    if (position >= 0 && position < 5) hit5++;
    if (position >= 0) reciprocal += 1 / (position + 1);
  }
  const n = cases.length || 1;
  const round = (value: number) => Number(value.toFixed(3));
  return { set, ranker, queries: cases.length, hit_at_1: round(hit1 / n), hit_at_5: round(hit5 / n), mrr: round(reciprocal / n) };
}

/** Atlas's own retrieval (BM25, or hybrid with embeddings), collapsed by file, no threshold. */
export function atlasRanker(search: RunbookSearch): SourceRanker {
  return async (query, collection) =>
    (await search(query, { top_k: 10, threshold: 0, collapse_by_file: true, filters: { collection } })).map((hit) => hit.source);
}

/**
 * Baseline: Postgres full-text search ranked by plain `ts_rank_cd` over the same chunks
 * and the same indexed text, collapsed by file. Shows what BM25 adds.
 */
export function tsRankBaseline(pool: pg.Pool): SourceRanker {
  return (query, collection) => tsRankCdSources(pool, query, collection);
}

export function readDocsQuestions(path: string): RetrievalCase[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as RetrievalCase);
}

/** The openshift-runbooks pairs as two question sets: alert descriptions and summaries. */
export function readOpenshiftPairs(folder: string): { description: RetrievalCase[]; summary: RetrievalCase[] } | null {
  const path = join(folder, "pairs.jsonl");
  if (!existsSync(path)) return null;
  const pairs = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { query_description: string; query_summary: string; expected: string });
  return {
    description: pairs.map((pair) => ({ query: pair.query_description, expected: pair.expected })),
    summary: pairs.map((pair) => ({ query: pair.query_summary, expected: pair.expected })),
  };
}
