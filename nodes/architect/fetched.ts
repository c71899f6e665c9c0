import type { RunbookSearch, SearchHit } from "../../rag/search.js";
import type { PlanSpec } from "../../schemas/plan.js";

type Citation = PlanSpec["citations"][number];

/** A runbook chunk a model read through `runbook_search`, with the query that found it. */
export interface FetchedRunbook {
  query: string;
  hit: SearchHit;
}

/**
 * The search a model's `runbook_search` tool runs, recording every hit it hands back, so the
 * plan can cite what the model actually read (not what it says it read).
 */
export function recordingSearch(search: RunbookSearch): { search: RunbookSearch; fetched: FetchedRunbook[] } {
  const fetched: FetchedRunbook[] = [];
  return {
    fetched,
    search: async (query, options) => {
      const hits = await search(query, options);
      for (const hit of hits) fetched.push({ query, hit });
      return hits;
    },
  };
}

const key = (c: { source: string; line_start: number; line_end: number }) => `${c.source}#${c.line_start}-${c.line_end}`;

/**
 * The node's citations plus each chunk the answering model fetched, once per source and line
 * range. A chunk the node had already cited keeps its place and gains the model's reason.
 */
export function citeFetched(citations: readonly Citation[], fetched: readonly FetchedRunbook[], model: string): Citation[] {
  const merged = citations.map((c) => ({ ...c, heading_path: [...c.heading_path] }));
  const byKey = new Map(merged.map((c) => [key(c), c]));
  for (const { query, hit } of fetched) {
    const reason = `fetched by model ${model} through runbook_search for "${query.slice(0, 80)}"`;
    const known = byKey.get(key(hit));
    if (known) {
      if (!known.reason.includes(`fetched by model ${model}`)) known.reason = `${known.reason}; ${reason}`;
      continue;
    }
    const citation = {
      source: hit.source,
      heading_path: [...hit.heading_path],
      line_start: hit.line_start,
      line_end: hit.line_end,
      reason,
      excerpt: hit.content.slice(0, 1200),
    };
    merged.push(citation);
    byKey.set(key(citation), citation);
  }
  return merged;
}
