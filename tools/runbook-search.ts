import { tool } from "@langchain/core/tools";
import { z } from "zod";
import type { RunbookSearch } from "../rag/search.js";

/** Characters of a chunk a tool result carries, as many as the architect gives a model per runbook. */
const EXCERPT_CHARS = 1_200;

export const runbookSearchInput = z.object({
  query: z.string().min(1).describe("What to look for in the team's runbooks"),
  top_k: z.number().int().min(1).max(8).optional().describe("How many runbooks to return (default 5, at most 8)"),
  source_prefix: z.string().optional().describe('Limit to runbooks under a folder, e.g. "databases/"'),
});

/**
 * LangChain tool a model-mode node may call to search runbooks. Failures come back as
 * `{ status: "error", message }` for the model to read, never as a thrown error.
 */
export function makeRunbookSearchTool(search: RunbookSearch) {
  return tool(
    async (input) => {
      try {
        const hits = await search(input.query, { top_k: input.top_k ?? 5, filters: { source_prefix: input.source_prefix } });
        return JSON.stringify({
          status: "ok",
          results: hits.map((hit) => ({
            citation: `${hit.source}#L${hit.line_start}-L${hit.line_end}`,
            heading: hit.heading_path.join(" › "),
            relevance: hit.relevance,
            // each excerpt as long as the architect's own (one search cannot blow up the next call)
            text: hit.content.slice(0, EXCERPT_CHARS),
            truncated: hit.content.length > EXCERPT_CHARS,
          })),
        });
      } catch (error) {
        return JSON.stringify({ status: "error", message: (error as Error).message });
      }
    },
    {
      name: "runbook_search",
      description: "Search the team's operational runbooks. Returns excerpts with citations (file and lines).",
      schema: runbookSearchInput,
    },
  );
}
