import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMain, parseCli } from "../app/cli/args.js";
import { isolatedEnv, type StartSample, timePgliteOpen, timeServerStart } from "./start-probe.js";
import { median, printTable } from "./stats.js";

/** Several timed starts of one kind and their medians. */
export interface StartFigures {
  command: string;
  runs: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** median resident memory once ready, MiB */
  rss_mib: number | null;
  samples: StartSample[];
}

export interface StartBenchResult {
  machine: { cpus: number; node: string; load_avg_1m_before: number };
  notes: string[];
  /** the baseline: PGlite alone opening the warm data folder */
  pglite: StartFigures;
  compiled_warm: StartFigures;
  /** `pnpm start` without pnpm itself: the staleness check, then the same compiled server */
  launcher_warm: StartFigures;
  compiled_fresh: StartFigures;
  tsx_warm: StartFigures;
  /** the target: a warm compiled start within 1 s of PGlite's own start */
  target: { gap_ms: number; limit_ms: number; met: boolean };
}

/** How many starts of each kind `pnpm bench` times (fewer with --quick). */
export function startRuns(quick: boolean): { warmRuns: number; freshRuns: number; tsxRuns: number } {
  return quick ? { warmRuns: 3, freshRuns: 2, tsxRuns: 2 } : { warmRuns: 7, freshRuns: 3, tsxRuns: 3 };
}

function figures(command: string, samples: StartSample[]): StartFigures {
  const times = samples.map((sample) => sample.ms);
  const rss = samples.map((sample) => sample.rss_mib).filter((value): value is number => value !== null);
  return {
    command,
    runs: samples.length,
    median_ms: median(times),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    rss_mib: rss.length ? median(rss) : null,
    samples,
  };
}

/** The compiled build `pnpm start` runs, made fresh first: the figures are for the current sources. */
function ensureBuild(root: string): void {
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (built.status !== 0) throw new Error(`node scripts/build.mjs --if-stale exited ${built.status}: the start benchmark needs a clean build`);
}

/**
 * Time to the first `/healthz` 200 of `pnpm start`'s server, with default settings (embedded
 * database, auth on, docs/ seeded on a first start), and its RSS then:
 * - compiled (`node dist/app/main.js`) on an existing data folder (warm) and on a new one (fresh),
 * - `pnpm start`'s launcher (`node scripts/run.mjs app/main.ts`: staleness check, then the same),
 * - tsx (`node --import tsx app/main.ts`, what `pnpm start` ran before) on the warm folder,
 * beside the baseline, PGlite alone opening the same warm folder. Rounds interleave the kinds so
 * that a change in the machine's load falls on all of them alike.
 */
export async function benchStart(options: { root: string; warmRuns: number; freshRuns: number; tsxRuns: number }): Promise<StartBenchResult> {
  ensureBuild(options.root);
  const load = loadavg()[0] ?? 0;
  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-start-"));
  const dataDir = (name: string) => join(folder, name);
  const env = (dir: string) => isolatedEnv({ ATLAS_DATA_DIR: dir });
  const server = (args: string[], dir: string) => timeServerStart(args, options.root, env(dir));
  const runs = {
    pglite: [] as StartSample[],
    compiled: [] as StartSample[],
    launcher: [] as StartSample[],
    fresh: [] as StartSample[],
    tsx: [] as StartSample[],
  };
  try {
    // the first fresh start leaves the folder every warm start then opens
    for (let i = 0; i < options.freshRuns; i++) runs.fresh.push(await server(["dist/app/main.js"], dataDir(i === 0 ? "warm" : `fresh-${i}`)));
    const warm = dataDir("warm");
    for (let i = 0; i < options.warmRuns; i++) {
      runs.pglite.push(await timePgliteOpen(join(warm, "pgdata"), options.root));
      runs.compiled.push(await server(["dist/app/main.js"], warm));
      runs.launcher.push(await server(["scripts/run.mjs", "app/main.ts"], warm));
      if (i < options.tsxRuns) runs.tsx.push(await server(["--import", "tsx", "app/main.ts"], warm));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const pglite = figures("PGlite.create(<data>/pgdata, { extensions: { vector } }); select 1", runs.pglite);
  const compiledWarm = figures("node dist/app/main.js", runs.compiled);
  const gap = compiledWarm.median_ms - pglite.median_ms;
  return {
    machine: { cpus: cpus().length, node: process.version, load_avg_1m_before: Number(load.toFixed(2)) },
    notes: [
      "time from spawning the process to the first /healthz 200 (polled every 10 ms); the baseline until its select 1 answered",
      "default settings: embedded PGlite with pgvector, auth on, LOG_LEVEL info, no Redis, no model; a fresh start also creates the admin key and ingests docs/",
      "RSS: the process's resident memory (VmRSS) at that moment",
      "pnpm itself adds its own start-up (several hundred ms) in front of the launcher",
      "tsx's transpile cache is warm after its first run (the median hides the cold one)",
    ],
    pglite,
    compiled_warm: compiledWarm,
    launcher_warm: figures("node scripts/run.mjs app/main.ts", runs.launcher),
    compiled_fresh: figures("node dist/app/main.js (new data folder)", runs.fresh),
    tsx_warm: figures("node --import tsx app/main.ts", runs.tsx),
    target: { gap_ms: gap, limit_ms: 1_000, met: gap <= 1_000 },
  };
}

export function printStartBench(result: StartBenchResult): void {
  console.log(
    `\nServer start to first /healthz 200 (${result.machine.cpus} CPUs, Node ${result.machine.node}, load ${result.machine.load_avg_1m_before} before)`,
  );
  const row = (name: string, f: StartFigures) => [name, String(f.runs), String(f.median_ms), String(f.min_ms), String(f.max_ms), String(f.rss_mib ?? "-")];
  printTable(
    ["start", "runs", "median ms", "min ms", "max ms", "RSS MiB"],
    [
      row("baseline: PGlite alone opens the warm data folder", result.pglite),
      row("compiled, warm (node dist/app/main.js)", result.compiled_warm),
      row("pnpm start's launcher, warm (scripts/run.mjs)", result.launcher_warm),
      row("compiled, fresh data folder", result.compiled_fresh),
      row("tsx, warm (node --import tsx app/main.ts)", result.tsx_warm),
    ],
  );
  const { gap_ms, limit_ms, met } = result.target;
  console.log(`warm compiled start minus PGlite's own start: ${gap_ms} ms (target at most ${limit_ms} ms: ${met ? "met" : "missed"})`);
  for (const note of result.notes) console.log(`- ${note}`);
}

// `tsx bench/start.ts [--quick]`: this benchmark alone (`pnpm bench` runs it after the others)
if (isMain(import.meta.url)) {
  const args = parseCli(process.argv.slice(2), {
    usage: "usage: tsx bench/start.ts [--quick]\n  The server's start alone, as `pnpm bench` measures it (results are printed, not written).",
    options: { quick: { type: "boolean" } },
  });
  if (typeof args === "number") process.exitCode = args;
  else {
    const quick = args.values.quick === true;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
    printStartBench(await benchStart({ root, ...startRuns(quick) }));
  }
}
