import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./tmp.js";

/** What a finished child process printed and how it exited. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment for Atlas child processes: no model, no external database or Redis, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL", "REDIS_URL"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/**
 * The compiled JavaScript of a TypeScript entry point, when the test run's build made one
 * (test/global-setup.ts: the server and the CLIs in dist/, and the replica launcher beside them).
 */
export function compiledEntry(script: string): string | undefined {
  if (!script.endsWith(".ts")) return undefined;
  const compiled = join(repoRoot, "dist", script.replace(/\.ts$/, ".js"));
  return existsSync(compiled) ? compiled : undefined;
}

/**
 * Starts a TypeScript entry point in the repository root: its compiled JavaScript from dist/
 * when it has one (as `pnpm start` runs it: tsx would spend most of a test transpiling the
 * graph), through tsx otherwise (the harnesses, `--eval`).
 */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const compiled = compiledEntry(script);
  const argv = compiled ? [compiled, ...args] : ["--import", "tsx", script, ...args];
  return spawn(process.execPath, argv, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<ProcessResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (part: Buffer) => {
    stdout += part.toString("utf8");
  });
  child.stderr?.on("data", (part: Buffer) => {
    stderr += part.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a command to completion in `cwd` (the repository root unless given). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<ProcessResult> {
  return finished(spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] }));
}

/** Runs a TypeScript entry point to completion (compiled when it can be, see `spawnTs`). */
export function runTs(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return finished(spawnTs(script, args, env));
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, the child exits, or `attempts` polls (250 ms apart) pass. */
export async function waitForOk(url: string, child: ChildProcess, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200`);
}

/** Sends SIGTERM to a child we started and waits for it to exit (SIGKILL if it will not). */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A server process started for a test: where it listens, what it logged so far, how it exits. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** pino's JSON lines on stdout so far */
  logs(): Record<string, unknown>[];
  exited: Promise<ProcessResult>;
}

/** Starts a server entry (see `spawnTs`) on a free port (PORT is set here) and waits until `/healthz` answers. */
export async function startServerProcess(script: string, env: NodeJS.ProcessEnv, attempts = 480): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnTs(script, [], { ...env, PORT: String(port) });
  let stdout = "";
  child.stdout?.on("data", (part: Buffer) => {
    stdout += part.toString("utf8");
  });
  const exited = finished(child);
  const server: ServerProcess = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exited,
    logs: () =>
      stdout
        .slice(0, stdout.lastIndexOf("\n") + 1) // whole lines only
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
  try {
    await waitForOk(`${server.url}/healthz`, child, attempts);
  } catch (error) {
    const running = child.exitCode === null && child.signalCode === null;
    if (running) await stopChild(child);
    const result = await exited;
    throw new Error(`${script}: ${(error as Error).message}${running ? "" : `\n${result.stderr}`}`);
  }
  return server;
}
