import type { SearchFilters, SearchHit } from "../search.js";

/** A source an answer relies on; `[n]` in the answer text refers to `id` n. */
export interface Citation {
  id: number;
  collection: string;
  /** path relative to the ingested folder */
  source: string;
  title: string | null;
  heading_path: string[];
  line_start: number;
  line_end: number;
  snippet: string;
}

export interface Advice {
  answer: string;
  citations: Citation[];
  /** how the answer was made: sentences picked from runbooks, or written by the model */
  mode: "extractive" | "model";
  /** false when no runbook passed the relevance threshold */
  grounded: boolean;
  /** why the model was not used although one is configured */
  fallback_reason?: string;
  /** model tokens the answer used (model mode) */
  tokens_used?: number;
}

export interface AdviceRequest {
  question: string;
  top_k?: number | undefined;
  filters?: SearchFilters | undefined;
}

export const NO_COVERAGE_ANSWER =
  "No runbook in the store covers this question, so Atlas will not guess. " + "Ingest a runbook that does (`pnpm ingest <folder>`) or rephrase the question.";

/**
 * The refusal: no runbook is about the question. Names what the store does hold nearest to it
 * (titles and files, not cited: they are not support for any answer), so the reader can judge.
 */
export function refusalAnswer(nearest: SearchHit[]): string {
  if (nearest.length === 0) return NO_COVERAGE_ANSWER;
  const titles = nearest.map((hit) => `${hit.title ?? hit.source} (${hit.collection}/${hit.source})`);
  return `${NO_COVERAGE_ANSWER} The nearest runbooks in the store, none of them about this question: ${titles.join("; ")}.`;
}

/** The citation `[id]` for a hit, over the given lines (default: the whole chunk). */
export function citationFor(hit: SearchHit, id: number, lines = { start: hit.line_start, end: hit.line_end }): Citation {
  return {
    id,
    collection: hit.collection,
    source: hit.source,
    title: hit.title,
    heading_path: hit.heading_path,
    line_start: lines.start,
    line_end: lines.end,
    snippet: hit.snippet,
  };
}
