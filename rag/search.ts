import type pg from "pg";
import { analyze, TERM_SPACE, termId } from "./analyzer.js";
import { type ContentTermWeight, idf, relevance } from "./bm25.js";
import { contentTerms } from "./coverage.js";
import type { Embedder } from "./embedder.js";
import { indexedText } from "./lexical.js";
import { makeSnippet } from "./snippet.js";
import { termStatistics } from "./store/corpus.js";
import { denseRanking, lexicalRanking } from "./store/ranking.js";
import type { RankedChunk } from "./store/rows.js";
import { sparsevecLiteral, vectorLiteral } from "./store/vectors.js";

/** Narrows a search to part of the store. */
export interface SearchFilters {
  /** Only this collection (the base name of the folder that was ingested, unless renamed). */
  collection?: string | undefined;
  /** Only sources whose path starts with this prefix, e.g. "databases/". */
  source_prefix?: string | undefined;
}

export interface SearchOptions {
  top_k?: number | undefined;
  /** Minimum relevance (0..1) a hit needs. */
  threshold?: number | undefined;
  /** At most one hit per source file. */
  collapse_by_file?: boolean | undefined;
  filters?: SearchFilters | undefined;
}

/** One ranked chunk with what a reader needs to check it. */
export interface SearchHit {
  chunk_id: string;
  collection: string;
  source: string;
  title: string | null;
  heading_path: string[];
  line_start: number;
  line_end: number;
  /** ranking score (BM25, or reciprocal-rank fusion when dense retrieval is on); higher is better */
  score: number;
  /**
   * 0..1: best of lexical coverage (the IDF share of the question's content terms the chunk
   * holds, unseen terms counting against it) and dense cosine similarity; compared with the threshold
   */
  relevance: number;
  lexical_score: number | null;
  dense_score: number | null;
  snippet: string;
  content: string;
}

export interface SearchDeps {
  pool: pg.Pool;
  embedder: Embedder | null;
  defaults: { top_k: number; threshold: number; collapse_by_file: boolean };
}

/** Searches the runbook store; the function every caller (routes, tools, nodes, CLI) uses. */
export type RunbookSearch = (query: string, options?: SearchOptions) => Promise<SearchHit[]>;

/** Reciprocal-rank-fusion constant (Cormack et al. use 60). */
const RRF_K = 60;
/** Candidates fetched per ranking before fusion and collapsing. */
const CANDIDATE_FACTOR = 4;

/**
 * The query's BM25 half (IDF per term the store holds: this ranks) and the weights relevance
 * is judged on: the question's content terms with their IDF, terms the store has never seen
 * at the highest IDF and marked unseen, so they count against coverage.
 */
async function queryWeights(pool: pg.Pool, terms: string[], content: string[]): Promise<{ vector: string; content: ContentTermWeight[] } | null> {
  const ids = [...new Set([...terms, ...content].map(termId))];
  if (ids.length === 0) return null;
  const { chunkCount: n, df } = await termStatistics(pool, ids);
  const weights = new Map<number, number>();
  for (const id of new Set(terms.map(termId))) {
    const frequency = df.get(id);
    if (frequency !== undefined) weights.set(id, idf(frequency, n));
  }
  if (weights.size === 0) return null;
  const contentWeights = content.map((term) => {
    const frequency = df.get(termId(term));
    return { term, idf: idf(frequency ?? 0, n), seen: frequency !== undefined };
  });
  return { vector: sparsevecLiteral(weights, TERM_SPACE), content: contentWeights };
}

/** The index terms a stored chunk was indexed under (as `lexicalTerms` saw them at ingest). */
function chunkTerms(row: RankedChunk): Set<string> {
  return new Set(analyze(indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content })));
}

/**
 * Builds the runbook search: BM25 over stored sparse weights, fused by reciprocal rank
 * with dense cosine similarity when an embedder is configured.
 */
export function makeRunbookSearch(deps: SearchDeps): RunbookSearch {
  return async (query, options = {}) => {
    const topK = options.top_k ?? deps.defaults.top_k;
    const threshold = options.threshold ?? deps.defaults.threshold;
    const collapse = options.collapse_by_file ?? deps.defaults.collapse_by_file;
    const filters = options.filters ?? {};
    const terms = analyze(query);
    const limit = topK * CANDIDATE_FACTOR * (collapse ? 3 : 1);

    const weights = await queryWeights(deps.pool, terms, contentTerms(query));
    const lexical = weights ? await lexicalRanking(deps.pool, weights.vector, filters, limit) : [];
    const dense =
      deps.embedder && query.trim() ? await denseRanking(deps.pool, vectorLiteral((await deps.embedder.embed([query]))[0] ?? []), filters, limit) : [];

    const merged = new Map<string, { row: RankedChunk; lexical: number | null; dense: number | null; fused: number }>();
    lexical.forEach((row, rank) => {
      merged.set(row.id, { row, lexical: row.score, dense: null, fused: 1 / (RRF_K + rank + 1) });
    });
    dense.forEach((row, rank) => {
      const entry = merged.get(row.id) ?? { row, lexical: null, dense: null, fused: 0 };
      entry.dense = row.score;
      entry.fused += 1 / (RRF_K + rank + 1);
      merged.set(row.id, entry);
    });

    const hits: SearchHit[] = [];
    const seenFiles = new Set<string>();
    const ranked = [...merged.values()].sort(
      (a, b) => (dense.length ? b.fused - a.fused : (b.lexical ?? 0) - (a.lexical ?? 0)) || Number(a.row.id) - Number(b.row.id),
    );
    for (const entry of ranked) {
      const lexicalRelevance = entry.lexical === null || !weights ? 0 : relevance(chunkTerms(entry.row), weights.content);
      const hitRelevance = Math.max(lexicalRelevance, entry.dense ?? 0);
      if (hitRelevance < threshold) continue;
      const fileKey = `${entry.row.collection}\u0000${entry.row.source}`;
      if (collapse && seenFiles.has(fileKey)) continue;
      seenFiles.add(fileKey);
      hits.push({
        chunk_id: entry.row.id,
        collection: entry.row.collection,
        source: entry.row.source,
        title: entry.row.title,
        heading_path: entry.row.heading_path,
        line_start: entry.row.line_start,
        line_end: entry.row.line_end,
        score: Number((dense.length ? entry.fused : (entry.lexical ?? 0)).toFixed(6)),
        relevance: Number(hitRelevance.toFixed(4)),
        lexical_score: entry.lexical === null ? null : Number(entry.lexical.toFixed(4)),
        dense_score: entry.dense === null ? null : Number(entry.dense.toFixed(4)),
        snippet: makeSnippet(entry.row.content, terms),
        content: entry.row.content,
      });
      if (hits.length >= topK) break;
    }
    return hits;
  };
}
