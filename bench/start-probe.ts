import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** One timed start: milliseconds from spawning the process until it was ready, and its resident memory then. */
export interface StartSample {
  ms: number;
  /** MiB; null where /proc is not there to ask */
  rss_mib: number | null;
}

/** The environment of a measured process: the caller's, without a model, an external database or Redis. */
export function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL", "REDIS_URL"]) delete env[name];
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const mib = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));

/** Resident memory of a running process (Linux /proc), in MiB. */
function rssOf(pid: number | undefined): number | null {
  try {
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Number.isFinite(kib) ? mib(kib * 1024) : null;
  } catch {
    return null;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("close", () => resolve());
  });
}

/** Spawns `node <args>` in `cwd` with stdout piped (and drained: a full pipe would stall the process). */
function spawnNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (part: Buffer) => {
    stderr = (stderr + part.toString("utf8")).slice(-4000);
  });
  return { child, stderr: () => stderr };
}

/**
 * Starts a server entry (`node <args>`) on a free port with `env`, polls `/healthz` every 10 ms
 * until it answers 200, reads the process's RSS at that moment, then stops it with SIGTERM
 * and waits for it to exit (the embedded database must be closed before the next start).
 */
export async function timeServerStart(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<StartSample> {
  const port = await freePort();
  const started = performance.now();
  const { child, stderr } = spawnNode(args, cwd, { ...env, HOST: "127.0.0.1", PORT: String(port) });
  child.stdout?.resume();
  const gone = exited(child);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node ${args.join(" ")} exited ${child.exitCode} before /healthz answered:\n${stderr()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return { ms: Math.round(performance.now() - started), rss_mib: rssOf(child.pid) };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill("SIGTERM");
    await gone;
  }
}

/**
 * The baseline: a process that only opens the embedded database's data folder with PGlite (and
 * pgvector, as Atlas loads it) and answers `select 1`: what any start on that folder pays.
 */
const PGLITE_ALONE = `
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
const db = await PGlite.create(process.env.BENCH_PGDATA, { extensions: { vector } });
await db.query("select 1");
process.stdout.write("ready " + process.memoryUsage().rss + "\\n");
await db.close();
`;

/** Times {@link PGLITE_ALONE} on `pgdata` from spawning until it said ready. */
export async function timePgliteOpen(pgdata: string, cwd: string): Promise<StartSample> {
  const started = performance.now();
  const { child, stderr } = spawnNode(["--input-type=module", "--eval", PGLITE_ALONE], cwd, isolatedEnv({ BENCH_PGDATA: pgdata }));
  const gone = exited(child);
  const ready = await new Promise<StartSample>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (part: Buffer) => {
      stdout += part.toString("utf8");
      const match = /^ready (\d+)$/m.exec(stdout);
      if (match) resolve({ ms: Math.round(performance.now() - started), rss_mib: mib(Number(match[1])) });
    });
    child.once("close", (code) => reject(new Error(`PGlite alone exited ${code} before it was ready:\n${stderr()}`)));
  });
  await gone;
  return ready;
}
