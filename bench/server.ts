import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Fastify, { type FastifyInstance } from "fastify";
import { buildDeps } from "../app/deps.js";
import { readGoalCases } from "../evals/plans.js";
import { ingestPaths } from "../ingest/ingest.js";
import { loadConfig } from "../lib/config.js";
import { openDatabase } from "../lib/db/database.js";
import { createLogger } from "../lib/log.js";
import { buildServer } from "../server/app.js";
import { type Percentiles, percentiles, printTable } from "./stats.js";

/** What one autocannon run measured. */
export interface LoadFigures {
  connections: number;
  duration_s: number;
  /** responses of any status */
  requests: number;
  /** responses per second over the run */
  requests_per_s: number;
  /** per-response latency over the whole run (every response, whatever its status) */
  latency_ms: Percentiles;
  /** connection errors and timeouts (no response) */
  errors: number;
  timeouts: number;
  non_2xx: number;
  status_codes: Record<string, number>;
}

export interface ServerBenchResult {
  machine: { cpus: number; node: string };
  notes: string[];
  advice: { atlas: LoadFigures; baseline: LoadFigures };
  plan: { atlas: LoadFigures; baseline: LoadFigures };
}

/**
 * The load generator, in a worker thread so that it does not share the servers' event loop.
 * It is plain CommonJS (a worker cannot load TypeScript here); it sends back autocannon's
 * counts and every response's latency, since autocannon's summary has no p95 (and, off the
 * main thread, autocannon hands back its raw counts instead of a summary).
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const autocannon = require(workerData.autocannon);
const latencies = [];
const run = autocannon(workerData.options);
run.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
run.then(
  (result) => {
    const statusCodes = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
    parentPort.postMessage({
      result: {
        duration_s: result.duration,
        requests_per_s: Number((result.totalCompletedRequests / result.duration).toFixed(1)),
        errors: result.errors,
        timeouts: result.timeouts,
        non_2xx: result.non2xx,
        status_codes: statusCodes,
      },
      latencies: Float64Array.from(latencies),
    });
  },
  (error) => parentPort.postMessage({ error: String((error && error.message) || error) }),
);
`;

const autocannonPath = createRequire(import.meta.url).resolve("autocannon");

interface LoadOptions {
  url: string;
  bodies: string[];
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

/** POSTs the bodies (each connection cycles through them) for `seconds` with autocannon. */
export function load(options: LoadOptions): Promise<LoadFigures> {
  const autocannonOptions = {
    url: options.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: options.bodies.map((body) => ({ method: "POST", body })),
    connections: options.connections,
    duration: options.seconds,
    // a warm-up at the same concurrency whose responses are not counted
    warmup: { connections: options.connections, duration: options.warmupSeconds },
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { autocannon: autocannonPath, options: autocannonOptions } });
    worker.once("error", reject);
    worker.once("message", (message: { error?: string; result?: Omit<LoadFigures, "connections" | "requests" | "latency_ms">; latencies?: Float64Array }) => {
      void worker.terminate();
      if (message.error || !message.result || !message.latencies) {
        reject(new Error(`autocannon on ${options.url}: ${message.error ?? "no result"}`));
        return;
      }
      const samples = Array.from(message.latencies);
      resolve({ connections: options.connections, requests: samples.length, latency_ms: percentiles(samples), ...message.result });
    });
  });
}

/** A POST with the first body must answer 2xx before the server is loaded: a bench of 4xx answers measures nothing. */
export async function preflight(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

/**
 * Requests/s and latency of `POST /architect/advice` and `POST /architect/plan` under
 * concurrent load (autocannon, loopback), each beside a plain Fastify server answering a
 * static JSON reply to the same requests with the same settings, in the same run.
 */
export async function benchServer(options: { root: string; seconds: number; warmupSeconds: number }): Promise<ServerBenchResult> {
  const questions = readFileSync(join(options.root, "evals", "questions", "docs.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.stringify({ question: (JSON.parse(line) as { query: string }).query }));
  const goals = readGoalCases(join(options.root, "evals", "goals"))
    .filter((goalCase) => goalCase.expect === "plan")
    .map((goalCase) => JSON.stringify({ goal: goalCase.goal }));

  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-server-"));
  // Embedded in-memory database, no Redis, no model; auth off and no rate limit, so this
  // measures the routes and the HTTP stack, not key look-ups. Logs at error, like the baseline's none.
  const config = loadConfig({
    ATLAS_DATA_DIR: folder,
    ATLAS_SEED_DOCS: "off",
    LOG_LEVEL: "error",
    ATLAS_AUTH: "off",
    RATE_LIMIT_PER_MINUTE: "0",
    RUN_WORKERS: "0",
  });
  const deps = await buildDeps(config, createLogger("error"), { db: await openDatabase({}), models: [], embedder: null });
  const atlas = await buildServer(deps);
  const baseline = Fastify({ logger: false });
  const staticReply = { status: "ok", answer: "static reply", citations: [] };
  baseline.post("/static", async () => staticReply);
  try {
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [join(options.root, "docs")]);
    const atlasUrl = await listen(atlas);
    const baselineUrl = `${await listen(baseline)}/static`;
    const measure = async (path: string, bodies: string[], connections: number) => {
      await preflight(`${atlasUrl}${path}`, bodies[0] as string);
      const settings = { bodies, connections, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
      const base = await load({ url: baselineUrl, ...settings });
      const measured = await load({ url: `${atlasUrl}${path}`, ...settings });
      return { atlas: measured, baseline: base };
    };
    const advice = await measure("/architect/advice", questions, 10);
    const plan = await measure("/architect/plan", goals, 4);
    return {
      machine: { cpus: cpus().length, node: process.version },
      notes: [
        "loopback; autocannon in a worker thread, the servers in the main thread of the same process",
        "Atlas: embedded in-memory PGlite with docs/ ingested, no Redis, no model, ATLAS_AUTH=off, no rate limit, LOG_LEVEL=error",
        `advice bodies cycle through ${questions.length} eval questions; plan bodies through ${goals.length} eval goals (each request a new thread run to the approval gate)`,
        "baseline: Fastify answering a static JSON reply to the same POST bodies, same connections and duration",
      ],
      advice,
      plan,
    };
  } finally {
    await atlas.close();
    await baseline.close();
    await deps.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export function printServerBench(result: ServerBenchResult): void {
  console.log(`\nServer under concurrent load (autocannon, loopback, ${result.machine.cpus} CPUs, Node ${result.machine.node})`);
  const row = (name: string, f: LoadFigures) => [
    name,
    String(f.connections),
    `${f.duration_s}`,
    f.requests_per_s.toFixed(1),
    String(f.latency_ms.p50),
    String(f.latency_ms.p95),
    String(f.latency_ms.p99),
    String(f.requests),
    String(f.errors + f.timeouts),
    String(f.non_2xx),
  ];
  printTable(
    ["target", "conns", "s", "req/s", "p50 ms", "p95 ms", "p99 ms", "requests", "errors", "non-2xx"],
    [
      row("baseline: Fastify static JSON", result.advice.baseline),
      row("POST /architect/advice", result.advice.atlas),
      row("baseline: Fastify static JSON", result.plan.baseline),
      row("POST /architect/plan (to approval gate)", result.plan.atlas),
    ],
  );
  const share = (part: LoadFigures, whole: LoadFigures) => `${((part.requests_per_s / whole.requests_per_s) * 100).toPrecision(2)} %`;
  console.log(
    `req/s as a share of the baseline at the same settings: advice ${share(result.advice.atlas, result.advice.baseline)}, ` +
      `plan ${share(result.plan.atlas, result.plan.baseline)}`,
  );
  for (const note of result.notes) console.log(`- ${note}`);
}
