import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCli } from "../app/cli/args.js";

/**
 * `pnpm bench [--quick]`: benchmarks with their baselines measured in the same run: retrieval
 * and ingest (retrieval.ts), the server under concurrent load (server.ts), planning (planning.ts:
 * a plan to the approval interrupt over HTTP beside the same graph on MemorySaver, and plans/s at 4
 * connections), then the server's start (start.ts: compiled, fresh and warm, and tsx, beside PGlite
 * opening the same folder).
 * NATIVE_DATABASE_URL (default the machine's Postgres) adds the vector-free native figures;
 * set it to "off" to skip them.
 */
const USAGE = `usage: pnpm bench [--quick]
  Ingest throughput and query latency beside raw-SQL baselines, the server under load, planning
  beside MemorySaver, then the server's start (compiled and tsx) beside PGlite's own start.
  --quick  a smaller corpus and shorter runs
  NATIVE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) adds the native
  PostgreSQL figures; "off" skips them. Results are written to bench/results/.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function main(quick: boolean): Promise<void> {
  // loaded only now: `--help` needs none of Atlas
  const [
    { benchRetrieval, printRetrievalBench },
    { benchServer, printServerBench },
    { benchPlanning, printPlanningBench, planningRuns },
    { benchStart, printStartBench, startRuns },
  ] = await Promise.all([import("./retrieval.js"), import("./server.js"), import("./planning.js"), import("./start.js")]);
  const native = process.env.NATIVE_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const nativeUrl = native === "off" ? undefined : native;
  const retrieval = await benchRetrieval({
    files: quick ? 200 : 2_000,
    sectionsPerFile: 10,
    queries: quick ? 50 : 300,
    nativeUrl,
  }).catch(async (error: Error) => {
    if (!nativeUrl || !/ECONNREFUSED|connect/.test(error.message)) throw error;
    console.log(`native Postgres unreachable (${error.message}); embedded figures only`);
    return benchRetrieval({ files: quick ? 200 : 2_000, sectionsPerFile: 10, queries: quick ? 50 : 300 });
  });
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

const args = parseCli(process.argv.slice(2), { usage: USAGE, options: { quick: { type: "boolean" } } });
if (typeof args === "number") process.exitCode = args;
else await main(args.values.quick === true);
