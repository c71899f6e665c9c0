import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCli } from "../app/cli/args.js";
import { type CorpusSize, parseSizes } from "./corpus.js";
import type { RetrievalOptions } from "./retrieval.js";

/**
 * `pnpm bench [--quick] [--sizes 1k,20k]`: benchmarks with their baselines measured in the same
 * run: retrieval and ingest at each corpus size (retrieval.ts), the server under concurrent load (server.ts), planning (planning.ts:
 * a plan to the approval interrupt over HTTP beside the same graph on MemorySaver, and plans/s at 4
 * connections), then the server's start (start.ts: compiled, fresh and warm, and tsx, beside PGlite
 * opening the same folder).
 * NATIVE_DATABASE_URL (default the machine's Postgres) adds the vector-free native figures;
 * set it to "off" to skip them.
 */
const USAGE = `usage: pnpm bench [--quick] [--sizes 1k,20k,100k]
  Ingest throughput and query latency beside their baselines at each corpus size, the ingest
  process's peak RSS, /rag/search under load, the server under load, planning beside
  MemorySaver, then the server's start (compiled and tsx) beside PGlite's own start.
  --quick        the 1k corpus only and shorter runs
  --sizes LIST   corpus sizes in chunks (10 per file), e.g. 1k,20k (default 1k,20k,100k; --quick 1k)
  NATIVE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) adds the native
  PostgreSQL figures; "off" skips them. Results are written to bench/results/.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What the retrieval bench runs at these sizes: fewer repetitions at 100k (one ingest there takes minutes). */
function retrievalOptions(quick: boolean, sizes: CorpusSize[], nativeUrl: string | undefined): RetrievalOptions {
  const largest = sizes[sizes.length - 1] as CorpusSize;
  // the load figure is at 20k; without 20k, the largest size chosen, marked indicative
  const loadLabel = sizes.some((size) => size.label === "20k") ? "20k" : largest.label;
  return {
    root,
    sizes,
    queries: quick ? 50 : 200,
    repetitions: (size) => (size.chunks >= 100_000 ? 2 : 3),
    load: { label: loadLabel, seconds: quick ? 3 : 10, warmupSeconds: quick ? 1 : 2, connections: 10 },
    // the issue asks for 20k and 100k; --quick measures its one size so the path stays exercised
    rssSizes: sizes.filter((size) => quick || size.chunks >= 20_000).map((size) => size.label),
    nativeUrl,
  };
}

async function main(quick: boolean, sizes: CorpusSize[]): Promise<void> {
  // loaded only now: `--help` needs none of Atlas
  const [
    { benchRetrieval, printRetrievalBench },
    { benchServer, printServerBench },
    { benchPlanning, printPlanningBench, planningRuns },
    { benchStart, printStartBench, startRuns },
  ] = await Promise.all([import("./retrieval.js"), import("./server.js"), import("./planning.js"), import("./start.js")]);
  const native = process.env.NATIVE_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const nativeUrl = native === "off" ? undefined : native;
  const retrieval = await benchRetrieval(retrievalOptions(quick, sizes, nativeUrl));
  printRetrievalBench(retrieval);
  const server = await benchServer({ root, seconds: quick ? 3 : 10, warmupSeconds: quick ? 1 : 2 });
  printServerBench(server);
  const planning = await benchPlanning({ root, ...planningRuns(quick) });
  printPlanningBench(planning);
  const start = await benchStart({ root, ...startRuns(quick) });
  printStartBench(start);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  const out = join(root, "bench", "results", `bench-${Date.now()}.json`);
  writeFileSync(out, `${JSON.stringify({ generated_at: new Date().toISOString(), retrieval, server, planning, start }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

const args = parseCli(process.argv.slice(2), { usage: USAGE, options: { quick: { type: "boolean" }, sizes: { type: "string" } } });
if (typeof args === "number") process.exitCode = args;
else {
  const quick = args.values.quick === true;
  let sizes: CorpusSize[] | undefined;
  try {
    sizes = parseSizes(args.values.sizes ?? (quick ? "1k" : "1k,20k,100k"));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 2;
  }
  if (sizes) await main(quick, sizes);
}
