import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MemorySaver } from "@langchain/langgraph";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import Fastify from "fastify";
import { isMain, parseCli } from "../app/cli/args.js";
import { buildDeps, type Deps } from "../app/deps.js";
import { readGoalCases } from "../evals/plans.js";
import { buildPlanningGraph } from "../graph/build.js";
import { ingestPaths } from "../ingest/ingest.js";
import { loadConfig } from "../lib/config.js";
import { createLogger } from "../lib/log.js";
import { newTraceId, planIdOf, startInput } from "../runs/driver.js";
import type { GoalStatement } from "../schemas/goal.js";
import { buildServer } from "../server/app.js";
import { type LoadFigures, listen, load, preflight } from "./server.js";
import { type Percentiles, percentiles, printTable } from "./stats.js";

/** One goal planned to the approval interrupt, again and again: Atlas over HTTP beside the bare graph on MemorySaver. */
export interface InterruptFigures {
  goal: string;
  runs: number;
  /** `POST /architect/plan` on the embedded database, answered at the approval interrupt */
  atlas_http_ms: Percentiles;
  /** the same graph and nodes (same database for search and events) on LangGraph's MemorySaver, in process */
  memory_saver_ms: Percentiles;
  /** the same graph on the PostgresSaver Atlas uses (same embedded database), in process: the checkpoints' share of the gap */
  postgres_saver_ms: Percentiles;
  /** Atlas over the baseline, median over median */
  ratio: number;
  /** the in-process PostgresSaver graph over the baseline, median over median */
  postgres_saver_ratio: number;
  /** what the PostgresSaver serializes for one plan to the interrupt (channel blobs, pending writes, metadata), bytes */
  checkpoint_bytes_per_plan: number;
}

export interface PlanningBenchResult {
  machine: { cpus: number; node: string; load_avg_1m_before: number };
  notes: string[];
  interrupt: InterruptFigures;
  load: { atlas: LoadFigures; baseline: LoadFigures };
  /** the targets: HTTP plan ≤ 1.3× MemorySaver, ≥ 10 plans/s at 4 connections */
  targets: { ratio_limit: number; ratio_met: boolean; plans_per_s_floor: number; plans_per_s_met: boolean };
}

export interface PlanningBenchOptions {
  root: string;
  /** timed plans of each kind (after a few untimed ones) */
  runs: number;
  seconds: number;
  warmupSeconds: number;
}

/** How long `pnpm bench` runs this (shorter with --quick). */
export function planningRuns(quick: boolean): Omit<PlanningBenchOptions, "root"> {
  return quick ? { runs: 11, seconds: 3, warmupSeconds: 1 } : { runs: 31, seconds: 10, warmupSeconds: 2 };
}

/** A PostgresSaver on `pool` whose serializer counts the bytes it hands to the database. */
function countingPostgresSaver(pool: Deps["db"]["pool"]) {
  const serde = new PostgresSaver(pool).serde;
  const counter = { bytes: 0 };
  const saver = new PostgresSaver(pool, {
    async dumpsTyped(value) {
      const dumped = await serde.dumpsTyped(value);
      counter.bytes += dumped[1].byteLength;
      return dumped;
    },
    loadsTyped: (type, data) => serde.loadsTyped(type, data),
  });
  return { saver, counter };
}

/** Plans `goal` through HTTP to the interrupt; throws unless it got there. */
async function planOverHttp(url: string, goal: GoalStatement): Promise<void> {
  const response = await fetch(`${url}/architect/plan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ goal }) });
  const body = (await response.json()) as { status?: string };
  if (!response.ok || body.status !== "WAIT_FOR_APPROVE")
    throw new Error(`POST /architect/plan answered ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
}

/**
 * Time from request to the approval interrupt for one goal: Atlas over HTTP, the baseline (the
 * graph on MemorySaver) and the graph on Atlas's PostgresSaver, taking turns (so load on the
 * machine falls on all alike); then requests/s and latency of
 * `POST /architect/plan` under 4 connections beside a static Fastify reply, all in one run on
 * the embedded database in a data folder (what `pnpm start` uses).
 */
export async function benchPlanning(options: PlanningBenchOptions): Promise<PlanningBenchResult> {
  const cases = readGoalCases(join(options.root, "evals", "goals")).filter((goalCase) => goalCase.expect === "plan");
  const single = cases.find((goalCase) => goalCase.file.startsWith("04-")) ?? cases[0];
  if (!single) throw new Error("no buildable goal in evals/goals");
  const loadAvg = loadavg()[0] ?? 0;
  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-planning-"));
  // Auth off and no rate limit: this measures planning and its storage, not key look-ups.
  const config = loadConfig({
    ATLAS_DATA_DIR: folder,
    ATLAS_SEED_DOCS: "off",
    LOG_LEVEL: "error",
    ATLAS_AUTH: "off",
    RATE_LIMIT_PER_MINUTE: "0",
    RUN_WORKERS: "0",
  });
  const deps: Deps = await buildDeps(config, createLogger("error"), { models: [], embedder: null });
  // Runs still in hand when autocannon stops (it drops its connections, the handlers go on) finish before the database closes.
  const inFlight = new Set<Promise<unknown>>();
  const start = deps.planner.start.bind(deps.planner);
  deps.planner.start = (...args) => {
    const run = start(...args);
    inFlight.add(run);
    void run.catch(() => {}).finally(() => inFlight.delete(run));
    return run;
  };
  const atlas = await buildServer(deps);
  const baseline = Fastify({ logger: false });
  baseline.post("/static", async () => ({ status: "WAIT_FOR_APPROVE" }));
  try {
    await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [join(options.root, "docs")]);
    const url = await listen(atlas);
    const baselineUrl = `${await listen(baseline)}/static`;

    const saver = new MemorySaver();
    const graph = buildPlanningGraph(deps, saver);
    const counting = countingPostgresSaver(deps.db.pool);
    const onPostgres = buildPlanningGraph(deps, counting.saver);
    const inProcess = (on: typeof graph) => async (goal: GoalStatement) => {
      const threadId = randomUUID();
      const configurable = { thread_id: threadId, tenant: "bench", plan_id: planIdOf(threadId), trace_id: newTraceId() };
      const state = await on.invoke(startInput({ goal }), { configurable });
      if ((state as { status?: string }).status !== "WAIT_FOR_APPROVE") throw new Error(`in-process run ended ${(state as { status?: string }).status}`);
    };
    const inMemory = inProcess(graph);
    const inPostgres = inProcess(onPostgres);
    await inPostgres(single.goal);
    const checkpointBytes = counting.counter.bytes;

    const http: number[] = [];
    const memory: number[] = [];
    const postgres: number[] = [];
    const timed = async (samples: number[], fn: () => Promise<void>) => {
      const started = performance.now();
      await fn();
      samples.push(performance.now() - started);
    };
    for (let i = 0; i < 3; i++) {
      await planOverHttp(url, single.goal);
      await inMemory(single.goal);
      await inPostgres(single.goal);
    }
    for (let i = 0; i < options.runs; i++) {
      await timed(http, () => planOverHttp(url, single.goal));
      await timed(memory, () => inMemory(single.goal));
      await timed(postgres, () => inPostgres(single.goal));
    }
    const atlasMs = percentiles(http);
    const memoryMs = percentiles(memory);
    const postgresMs = percentiles(postgres);

    const bodies = cases.map((goalCase) => JSON.stringify({ goal: goalCase.goal }));
    await preflight(`${url}/architect/plan`, bodies[0] as string);
    const settings = { bodies, connections: 4, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
    const loadBaseline = await load({ url: baselineUrl, ...settings });
    const loadAtlas = await load({ url: `${url}/architect/plan`, ...settings });
    await Promise.allSettled([...inFlight]);

    const ratio = Number((atlasMs.p50 / memoryMs.p50).toFixed(2));
    return {
      machine: { cpus: cpus().length, node: process.version, load_avg_1m_before: Number(loadAvg.toFixed(2)) },
      notes: [
        `interrupt: goal ${single.file}, ${options.runs} timed runs of each after 3 untimed, the three kinds taking turns`,
        "Atlas: embedded PGlite in a data folder (as `pnpm start`), docs/ ingested, no Redis, no model, ATLAS_AUTH=off, no rate limit, LOG_LEVEL=error",
        "baseline: buildPlanningGraph(deps, new MemorySaver()).invoke() in the same process: same nodes, same search, event outbox and artifact store, no HTTP, no run registry",
        "PostgresSaver row: the same invoke() on new PostgresSaver(pool) over the embedded database, to show how much of the gap the checkpoints are",
        `load: autocannon in a worker thread, 4 connections cycling through ${bodies.length} buildable eval goals (each request a new thread), beside Fastify's static reply`,
        "the machine may be shared: load_avg_1m_before says how busy it was",
      ],
      interrupt: {
        goal: single.file,
        runs: options.runs,
        atlas_http_ms: atlasMs,
        memory_saver_ms: memoryMs,
        postgres_saver_ms: postgresMs,
        ratio,
        postgres_saver_ratio: Number((postgresMs.p50 / memoryMs.p50).toFixed(2)),
        checkpoint_bytes_per_plan: checkpointBytes,
      },
      load: { atlas: loadAtlas, baseline: loadBaseline },
      targets: { ratio_limit: 1.3, ratio_met: ratio <= 1.3, plans_per_s_floor: 10, plans_per_s_met: loadAtlas.requests_per_s >= 10 && loadAtlas.non_2xx === 0 },
    };
  } finally {
    await atlas.close();
    await baseline.close();
    await deps.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export function printPlanningBench(result: PlanningBenchResult): void {
  const { interrupt, load: loaded, targets } = result;
  console.log(
    `\nPlanning to the approval interrupt (${result.machine.cpus} CPUs, Node ${result.machine.node}, load ${result.machine.load_avg_1m_before} before)`,
  );
  const row = (name: string, p: Percentiles) => [name, String(p.n), String(p.p50), String(p.p95), String(p.mean)];
  printTable(
    ["target", "runs", "median ms", "p95 ms", "mean ms"],
    [
      row("baseline: graph on MemorySaver, in process", interrupt.memory_saver_ms),
      row("graph on PostgresSaver, in process", interrupt.postgres_saver_ms),
      row("POST /architect/plan, embedded database", interrupt.atlas_http_ms),
    ],
  );
  console.log(
    `HTTP plan / MemorySaver: ${interrupt.ratio}× (target ≤ ${targets.ratio_limit}×: ${targets.ratio_met ? "met" : "not met"}); ` +
      `PostgresSaver alone / MemorySaver: ${interrupt.postgres_saver_ratio}×; checkpointed per plan: ${(interrupt.checkpoint_bytes_per_plan / 1024).toFixed(1)} KiB`,
  );
  const loadRow = (name: string, f: LoadFigures) => [
    name,
    String(f.connections),
    f.requests_per_s.toFixed(1),
    String(f.latency_ms.p50),
    String(f.latency_ms.p95),
    String(f.non_2xx),
  ];
  printTable(
    ["target", "conns", "req/s", "p50 ms", "p95 ms", "non-2xx"],
    [loadRow("baseline: Fastify static JSON", loaded.baseline), loadRow("POST /architect/plan (to approval gate)", loaded.atlas)],
  );
  console.log(
    `plans/s at 4 connections: ${loaded.atlas.requests_per_s} (target ≥ ${targets.plans_per_s_floor}: ${targets.plans_per_s_met ? "met" : "not met"})`,
  );
  for (const note of result.notes) console.log(`- ${note}`);
}

const USAGE = `usage: tsx bench/planning.ts [--quick] [--json]
  Plans one goal to the approval interrupt over HTTP beside the same graph on MemorySaver (and on
  the PostgresSaver, in process), then
  POST /architect/plan under 4 connections beside a static Fastify route (also part of pnpm bench).`;

if (isMain(import.meta.url)) {
  const args = parseCli(process.argv.slice(2), { usage: USAGE, options: { quick: { type: "boolean" }, json: { type: "boolean" } } });
  if (typeof args === "number") process.exitCode = args;
  else {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
    const result = await benchPlanning({ root, ...planningRuns(args.values.quick === true) });
    if (args.values.json) console.log(JSON.stringify(result, null, 2));
    else printPlanningBench(result);
  }
}
