import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv } from "./start-probe.js";

/** What one `pnpm ingest` process used, measured from inside it. */
export interface IngestProcessFigures {
  folder: string;
  exit_code: number | null;
  seconds: number;
  /** the process's own peak resident memory (getrusage ru_maxrss), MiB */
  peak_rss_mib: number | null;
  /** the target */
  target_mib: number;
}

export const RSS_TARGET_MIB = 400;

/**
 * Preloaded into the CLI process: at exit it writes the process's own peak RSS (kilobytes) to
 * $BENCH_RSS_FILE. From inside, so a build that `scripts/run.mjs` might spawn, or the shell,
 * never counts; a data: URL, so no file to ship. On Linux it reads VmHWM from /proc/self/status:
 * `process.resourceUsage().maxRSS` (getrusage) survives exec, so a child spawned by this large
 * benchmark process would report the parent's peak (1,866 MiB for one small file, measured);
 * elsewhere it falls back to maxRSS.
 */
const RSS_PROBE =
  "data:text/javascript," +
  encodeURIComponent(
    'import { readFileSync, writeFileSync } from "node:fs"; process.on("exit", () => { let kib = process.resourceUsage().maxRSS; ' +
      'try { const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8")); if (hwm) kib = Number(hwm[1]); } catch {} ' +
      "writeFileSync(process.env.BENCH_RSS_FILE, String(kib)); });",
  );

/** `scripts/run.mjs` builds dist/ when stale; building first keeps the build out of the timed run. */
function ensureBuilt(root: string): void {
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: ["ignore", 2, 2] });
  // 2: type errors, JavaScript written anyway (another change in progress); the CLI still runs
  if (built.status !== 0 && built.status !== 2) throw new Error(`node scripts/build.mjs --if-stale exited ${built.status}`);
}

/**
 * Peak RSS of `node scripts/run.mjs app/cli/ingest.ts <folder>` (what `pnpm ingest` runs) into
 * a fresh temporary data dir (embedded PGlite on disk), without seeding the docs.
 */
export async function measureIngestProcess(root: string, folder: string): Promise<IngestProcessFigures> {
  ensureBuilt(root);
  const scratch = mkdtempSync(join(tmpdir(), "atlas-bench-rss-"));
  const rssFile = join(scratch, "maxrss");
  const env = isolatedEnv({ ATLAS_DATA_DIR: join(scratch, "data"), ATLAS_SEED_DOCS: "off", LOG_LEVEL: "warn", BENCH_RSS_FILE: rssFile });
  const started = performance.now();
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [`--import=${RSS_PROBE}`, join(root, "scripts", "run.mjs"), "app/cli/ingest.ts", folder], {
        cwd: root,
        env,
        stdio: ["ignore", "ignore", "inherit"],
      });
      child.once("error", reject);
      child.once("exit", (code) => resolve(code));
    });
    // no file: the process died before its exit handlers ran
    const kib = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : Number.NaN;
    return {
      folder,
      exit_code: exitCode,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      peak_rss_mib: Number.isFinite(kib) ? Number((kib / 1024).toFixed(1)) : null,
      target_mib: RSS_TARGET_MIB,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The floor under the figure above: the same command ingesting one small file into a fresh
 * data dir, so what the store's start (PGlite's first open and the migrations) costs is told
 * apart from what the corpus adds.
 */
export async function measureIngestFloor(root: string): Promise<IngestProcessFigures> {
  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-floor-"));
  try {
    mkdirSync(join(folder, "one"));
    writeFileSync(join(folder, "one", "runbook.md"), "# Disk full\n\nFree space on the node, then restart the pod.\n");
    return await measureIngestProcess(root, folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
