import { existsSync } from "node:fs";
import type { IngestSummary } from "../../ingest/ingest.js";
import { isMain, parseCli, runMain } from "./args.js";
import { runWithDeps } from "./runtime.js";

const usage = (command: string) => `usage: ${command} <path...> [--collection NAME] [--prune] [--reembed] [--json]
  Ingests Markdown (.md .mdx), text, YAML and JSON files from files or folders, recursively.
  --collection NAME  store every path under this collection (default: each folder's name)
  --prune            remove documents whose files are gone
  --reembed          drop stored vectors and embed every chunk again (after changing EMBEDDING_MODEL)
  --json             print the summary as JSON`;

const options = {
  collection: { type: "string" },
  prune: { type: "boolean" },
  reembed: { type: "boolean" },
  json: { type: "boolean" },
} as const;

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

/** `pnpm ingest` / `atlas ingest`: ingests runbook files into the configured database; returns the exit code. */
export async function main(argv: string[], command = "pnpm ingest"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options, minPositionals: 1 });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const missing = positionals.filter((path) => !existsSync(path));
  if (missing.length) {
    console.error(`error: no such file or folder: ${missing.join(", ")}`);
    return 2;
  }
  const progress = process.stderr.isTTY && !values.json;
  // loaded only now: --help and usage errors need none of it
  const { ingestPaths } = await import("../../ingest/ingest.js");
  return runWithDeps(async (deps) => {
    const summary = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder, log: deps.log, checkpoint: deps.db.kind === "embedded" }, positionals, {
      collection: values.collection,
      prune: values.prune === true,
      reembed: values.reembed === true,
      onProgress: progress ? progressBar : undefined,
    });
    if (progress) process.stderr.write("\n");
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary);
    const nothingIngested = summary.added + summary.updated + summary.unchanged === 0;
    return nothingIngested ? 1 : 0;
  });
}

if (isMain(import.meta.url)) runMain(main);
