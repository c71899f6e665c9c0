import { parseArgsOrExit, runWithDeps } from "./runtime.js";

const USAGE = `usage: pnpm run search "<query>" [--top-k N] [--collection NAME] [--prefix PATH] [--all-chunks] [--json]
  Shows what retrieval returns for a query, best first, with scores and line ranges.`;

const args = parseArgsOrExit(process.argv.slice(2), ["json", "all-chunks"], USAGE);
const query = args.positional.join(" ").trim();
if (!query) {
  console.error(USAGE);
  process.exit(2);
}
const topK = args.flags["top-k"] === undefined ? undefined : Number(args.flags["top-k"]);
if (topK !== undefined && (!Number.isInteger(topK) || topK < 1 || topK > 100)) {
  console.error("error: --top-k must be a whole number from 1 to 100");
  process.exit(2);
}

await runWithDeps(async (deps) => {
  const hits = await deps.search(query, {
    top_k: topK,
    collapse_by_file: args.flags["all-chunks"] === true ? false : undefined,
    filters: {
      collection: typeof args.flags.collection === "string" ? args.flags.collection : undefined,
      source_prefix: typeof args.flags.prefix === "string" ? args.flags.prefix : undefined,
    },
  });
  if (args.flags.json) {
    console.log(JSON.stringify(hits.map(({ content: _content, ...hit }) => hit), null, 2));
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
