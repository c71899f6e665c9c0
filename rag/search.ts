import type pg from "pg";
import { analyze, termId } from "./analyzer.js";
import { type ContentTermWeight, idf, relevance } from "./bm25.js";
import { contentTerms } from "./coverage.js";
import type { Embedder } from "./embedder.js";
import { makeSnippet } from "./snippet.js";
import { documentChunks } from "./store/chunks.js";
import { queryTermStatistics } from "./store/corpus.js";
import { denseRanking, rankByTerms } from "./store/ranking.js";
import type { RankedChunk } from "./store/rows.js";
import { vectorLiteral } from "./store/vectors.js";
import type { RankTerm } from "./top-k.js";

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
/** Candidates a ranking gives at most per hit (fusion, collapsing and the threshold drop some). */
const CANDIDATE_FACTOR = 4;

/**
 * The query's BM25 terms (IDF, document frequency and score bound for each term the store
 * holds: these rank) and the weights relevance is judged on: the question's content terms with
 * their IDF, terms the store has never seen at the highest IDF and marked unseen, so they count
 * against coverage.
 */
async function queryWeights(
  pool: pg.Pool,
  terms: string[],
  content: string[],
): Promise<{ rank: RankTerm[]; corpus: { avgdl: number; maxChunkId: number }; content: ContentTermWeight[] } | null> {
  const ids = [...new Set([...terms, ...content].map(termId))];
  if (ids.length === 0) return null;
  const stats = await queryTermStatistics(pool, ids);
  const rank: RankTerm[] = [];
  for (const id of new Set(terms.map(termId))) {
    const term = stats.terms.get(id);
    if (term) rank.push({ ...term, idf: idf(term.df, stats.chunkCount) });
  }
  if (rank.length === 0) return null;
  const contentWeights = content.map((term) => {
    const id = termId(term);
    const known = stats.terms.get(id);
    return { id, idf: idf(known?.df ?? 0, stats.chunkCount), seen: known !== undefined };
  });
  return { rank, corpus: stats, content: contentWeights };
}

/**
 * Builds the runbook search: BM25 over the inverted index, fused by reciprocal rank
 * with dense cosine similarity when an embedder is configured.
 */
export function makeRunbookSearch(deps: SearchDeps): RunbookSearch {
  return async (query, options = {}) => {
    const topK = options.top_k ?? deps.defaults.top_k;
    const threshold = options.threshold ?? deps.defaults.threshold;
    const collapse = options.collapse_by_file ?? deps.defaults.collapse_by_file;
    const filters = options.filters ?? {};
    const terms = analyze(query);
    const weights = await queryWeights(deps.pool, terms, contentTerms(query));
    const queryVector = deps.embedder && query.trim() ? vectorLiteral((await deps.embedder.embed([query]))[0] ?? []) : null;
    // Candidates per ranking: at most CANDIDATE_FACTOR per hit (three times that when collapsing
    // by file). BM25 alone first asks for one per hit, and for the rest only when collapsing or
    // the relevance threshold left fewer than top_k hits and the ranking had more to give.
    const most = topK * CANDIDATE_FACTOR * (collapse ? 3 : 1);
    let limit = queryVector ? most : topK * (collapse ? 3 : 1);
    for (;;) {
      const lexical = weights ? await rankByTerms(deps.pool, weights.rank, weights.corpus, filters, limit) : [];
      const dense = queryVector ? await denseRanking(deps.pool, queryVector, filters, limit) : [];
      const hits = fuse(lexical, dense, { topK, threshold, collapse, terms, content: weights?.content ?? [] });
      if (hits.length >= topK || limit >= most || (lexical.length < limit && dense.length < limit)) return hits;
      limit = most;
    }
  };
}

/** Fuses the two rankings (reciprocal rank, or BM25 order alone) into at most `topK` hits that pass the threshold. */
function fuse(
  lexical: RankedChunk[],
  dense: RankedChunk[],
  options: { topK: number; threshold: number; collapse: boolean; terms: string[]; content: ContentTermWeight[] },
): SearchHit[] {
  const { topK, threshold, collapse, terms } = options;
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
    const lexicalRelevance = entry.lexical === null ? 0 : relevance(new Set(entry.row.term_ids), options.content);
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
}

/**
 * Every section of one runbook as hits that matched nothing (relevance 0): an answer can then
 * quote a runbook's fix even when the question's words only matched its symptoms.
 */
export type RunbookSections = (collection: string, source: string) => Promise<SearchHit[]>;

export function makeRunbookSections(pool: pg.Pool): RunbookSections {
  return async (collection, source) =>
    (await documentChunks(pool, collection, source)).map((row) => ({
      chunk_id: row.id,
      collection: row.collection,
      source: row.source,
      title: row.title,
      heading_path: row.heading_path,
      line_start: row.line_start,
      line_end: row.line_end,
      score: 0,
      relevance: 0,
      lexical_score: null,
      dense_score: null,
      snippet: makeSnippet(row.content, []),
      content: row.content,
    }));
}
