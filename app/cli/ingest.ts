import { existsSync } from "node:fs";
import { parseArgsOrExit, runWithDeps } from "./runtime.js";
import { type IngestSummary, ingestPaths } from "../../ingest/ingest.js";

const USAGE = `usage: pnpm ingest <path...> [--collection NAME] [--prune] [--reembed] [--json]
  Ingests Markdown (.md .mdx), text, YAML and JSON files from files or folders, recursively.
  --collection NAME  store every path under this collection (default: each folder's name)
  --prune            remove documents whose files are gone
  --reembed          drop stored vectors and embed every chunk again (after changing EMBEDDING_MODEL)
  --json             print the summary as JSON`;

function progressBar(done: number, total: number, source: string): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  const name = source.length > 40 ? `…${source.slice(-39)}` : source;
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${name.padEnd(40)}`);
}

function printSummary(summary: IngestSummary): void {
  for (const file of summary.skipped_files) console.log(`skipped ${file.collection}/${file.source}: ${file.reason}`);
  console.log(
    `files seen ${summary.files_seen} / added ${summary.added} / updated ${summary.updated} / unchanged ${summary.unchanged}` +
      ` / skipped ${summary.skipped}${summary.pruned ? ` / pruned ${summary.pruned}` : ""} / chunks ${summary.chunks}` +
      ` / ${summary.seconds.toFixed(2)} s${summary.reweighted ? " (BM25 weights recomputed)" : ""}`,
  );
}

const args = parseArgsOrExit(process.argv.slice(2), ["prune", "reembed", "json"], USAGE);
const missing = args.positional.filter((path) => !existsSync(path));
if (missing.length) {
  console.error(`error: no such file or folder: ${missing.join(", ")}`);
  process.exit(2);
}

await runWithDeps(async (deps) => {
  const summary = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder, log: deps.log }, args.positional, {
    collection: typeof args.flags.collection === "string" ? args.flags.collection : undefined,
    prune: args.flags.prune === true,
    reembed: args.flags.reembed === true,
    onProgress: process.stderr.isTTY && !args.flags.json ? progressBar : undefined,
  });
  if (process.stderr.isTTY && !args.flags.json) process.stderr.write("\n");
  if (args.flags.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  const nothingIngested = summary.added + summary.updated + summary.unchanged === 0;
  return nothingIngested ? 1 : 0;
});
