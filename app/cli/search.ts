import { isMain, parseCli, runMain } from "./args.js";
import { runWithDeps } from "./runtime.js";

const usage = (command: string) => `usage: ${command} "<query>" [--top-k N] [--collection NAME] [--prefix PATH] [--all-chunks] [--json]
  Shows what retrieval returns for a query, best first, with scores and line ranges.
  --top-k N          hits to return, 1 to 100 (default RAG_TOP_K)
  --collection NAME  only this collection
  --prefix PATH      only sources under this path
  --all-chunks       every matching chunk, not only the best one per file
  --json             print the hits as JSON`;

const options = {
  "top-k": { type: "string" },
  collection: { type: "string" },
  prefix: { type: "string" },
  "all-chunks": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** `pnpm run search` / `atlas search`: what retrieval returns for a query, and why; returns the exit code. */
export async function main(argv: string[], command = "pnpm run search"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options, minPositionals: 1 });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const query = positionals.join(" ").trim();
  if (!query) {
    console.error(usage(command));
    return 2;
  }
  const topK = values["top-k"] === undefined ? undefined : Number(values["top-k"]);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1 || topK > 100)) {
    console.error("error: --top-k must be a whole number from 1 to 100");
    return 2;
  }
  return runWithDeps(async (deps) => {
    const hits = await deps.search(query, {
      top_k: topK,
      collapse_by_file: values["all-chunks"] === true ? false : undefined,
      filters: { collection: values.collection, source_prefix: values.prefix },
    });
    if (values.json) {
      console.log(
        JSON.stringify(
          hits.map(({ content: _content, ...hit }) => hit),
          null,
          2,
        ),
      );
      return 0;
    }
    if (hits.length === 0) console.log("no runbook passed the relevance threshold");
    hits.forEach((hit, i) => {
      console.log(
        `${String(i + 1).padStart(2)}. ${hit.collection}/${hit.source}:${hit.line_start}-${hit.line_end}  ` +
          `score ${hit.score} relevance ${hit.relevance}\n    ${hit.heading_path.join(" › ")}\n    ${hit.snippet}`,
      );
    });
    return 0;
  });
}

if (isMain(import.meta.url)) runMain(main);
