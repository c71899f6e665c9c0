import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BuildDepsOverrides, buildDeps, type Deps } from "../app/deps.js";
import { fieldsToObject } from "../bus/redis/keys.js";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { testConfig } from "../test/helpers/config.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { cleanRedisPrefix, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../test/helpers/redis.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import type { ExecuteResult } from "./background.js";
import { type RunWorkers, startRunWorkers } from "./worker.js";

// Background runs on a real Redis Streams queue over real Postgres. Each describe has its own
// database and key prefix; "replicas" are separate Deps (own pool, graph, Redis clients) in
// this process. (Two OS processes with SIGKILL are covered by the end-to-end suite.)

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));
const impossible = {
  ...goal,
  slo: { availability: 99.99, p95_latency_ms: 100 },
  workload: { ...goal.workload, requests_per_second: 5000 },
  budget: { monthly_usd: 40 },
};
const log = createLogger("silent");
const nonVector = readMigrations().filter((m) => !m.requiresVector);

/** One describe's world: a database, a key prefix, a data folder; replicas on them. */
function world() {
  const state = { native: null as NativeTestDatabase | null, prefix: testRedisPrefix(), dataDir: "", inspect: null as Redis | null };
  const opened: Deps[] = [];
  const apps: TestApp[] = [];
  const workers: RunWorkers[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    ATLAS_DATA_DIR: state.dataDir,
    DATABASE_URL: state.native?.url ?? "",
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: state.prefix,
    STALE_CLAIM_SECONDS: "1",
    STREAM_CLAIM_IDLE_MS: "500",
    OUTBOX_POLL_MS: "50",
    ...extra,
  });
  const overrides = (extra: BuildDepsOverrides = {}): BuildDepsOverrides => ({ migrations: nonVector, search: async () => [], ...extra });
  beforeAll(async () => {
    state.native = await nativeTestDatabase();
    state.dataDir = makeTmpDir("atlas-bg-");
    state.inspect = testRedisClient();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    for (const deps of [...apps.map((t) => t.deps), ...opened]) await deps.close();
    if (state.inspect) {
      await cleanRedisPrefix(state.inspect, state.prefix);
      state.inspect.disconnect();
    }
    await state.native?.drop();
    removeTmpDir(state.dataDir);
  });
  return {
    state,
    get pool() {
      const deps = opened[0] ?? apps[0]?.deps;
      if (!deps) throw new Error("no replica yet");
      return deps.db.pool;
    },
    /** A replica without HTTP: its own pool, graph and Redis clients. */
    async replica(extraEnv: Record<string, string> = {}, extra: BuildDepsOverrides = {}): Promise<Deps> {
      const db = await openDatabase({ url: state.native?.url });
      const deps = await buildDeps(testConfig(env(extraEnv)), log, { db, embedder: null, ...overrides(extra) });
      opened.push(deps);
      return deps;
    },
    /** A replica with the real HTTP app (app.inject) and an admin key. */
    async app(extraEnv: Record<string, string> = {}): Promise<TestApp> {
      const db = await openDatabase({ url: state.native?.url });
      const t = await buildTestApp(db, { env: env(extraEnv), overrides: overrides() });
      apps.push(t);
      return t;
    },
    work(deps: Deps, count = 1): RunWorkers {
      const started = startRunWorkers(deps, { count });
      workers.push(started);
      return started;
    },
  };
}

const idle = async (pool: import("pg").Pool, threadIds: string[]) => {
  const { rows } = await pool.query<{ n: number }>(
    "select count(*)::int as n from atlas_runs where thread_id = any($1) and claimed_by is null and status <> 'PENDING'",
    [threadIds],
  );
  return rows[0]?.n === threadIds.length;
};

describe("POST /architect/plan in the background", () => {
  const w = world();
  let t: TestApp;
  beforeAll(async () => {
    t = await w.app(); // RUN_WORKERS defaults to 1: the worker starts with the server
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/architect/plan", payload: payload as object, headers: { ...t.auth, ...headers } });
  const get = (threadId: string) => t.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: t.auth });

  it("answers 202 with the thread id at once; a worker finishes the run at WAIT_FOR_APPROVE", async () => {
    const res = await post({ goal, background: true });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ status: "PENDING", queued: "next", thread_id: expect.any(String), trace_id: expect.any(String) });
    expect(res.headers.location).toBe(`/architect/plan/${body.thread_id}`);
    const done = await waitFor(
      async () => {
        const view = (await get(body.thread_id)).json();
        return view.status === "WAIT_FOR_APPROVE" ? view : null;
      },
      30_000,
      "the worker to finish",
    );
    expect(done.trace_id).toBe(body.trace_id);
    expect(done.validation.status).toBe("PASS");
    // The checkpoint shows WAIT_FOR_APPROVE a moment before the worker releases its claim.
    expect(await waitFor(() => idle(t.deps.db.pool, [body.thread_id]), 10_000, "the worker to release the thread")).toBe(true);
    const { rows } = await t.deps.db.pool.query("select type from atlas_events where thread_id = $1 order by id", [body.thread_id]);
    expect(rows.map((r) => r.type)).toEqual(["plan.pending", "build.done", "InfrastructureGenerated", "validate.result", "approval.requested"]);
  });

  it("`Prefer: respond-async` does the same; the run can then be approved synchronously", async () => {
    const res = await post({ goal }, { prefer: "respond-async" });
    expect(res.statusCode).toBe(202);
    expect(res.headers["preference-applied"]).toBe("respond-async");
    const { thread_id } = res.json();
    await waitFor(async () => (await get(thread_id)).json().status === "WAIT_FOR_APPROVE", 30_000, "the worker");
    const approved = await t.app.inject({
      method: "POST",
      url: `/architect/plan/${thread_id}/resume`,
      payload: { decision: "approve", approver: "alice" },
      headers: t.auth,
    });
    expect(approved.json().status).toBe("DONE");
  });
});

describe("double-texting", () => {
  const w = world();
  let t: TestApp;
  beforeAll(async () => {
    t = await w.app({ RUN_WORKERS: "0" }); // runs stay queued until the test starts a worker
  });
  const post = (payload: unknown) => t.app.inject({ method: "POST", url: "/architect/plan", payload: payload as object, headers: t.auth });

  it("a second run on a busy thread gets 409, or is queued behind the first with if_busy: queue", async () => {
    const first = await post({ goal: impossible, thread_id: "dt-1", background: true });
    expect(first.statusCode).toBe(202);
    expect(first.json().queued).toBe("next");

    const sync = await post({ goal, thread_id: "dt-1" });
    expect(sync.statusCode).toBe(409);
    expect(sync.json().error).toMatchObject({ code: "CONFLICT", busy: true, status: "PENDING" });
    const background = await post({ goal, thread_id: "dt-1", background: true });
    expect(background.statusCode).toBe(409);

    const queued = await post({ goal, thread_id: "dt-1", if_busy: "queue" });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ status: "PENDING", queued: "after_current", thread_id: "dt-1" });

    w.work(t.deps);
    // the first run is BLOCKED (restartable), then the queued one runs to the approval gate
    await waitFor(
      async () => {
        const view = (await t.app.inject({ method: "GET", url: "/architect/plan/dt-1", headers: t.auth })).json();
        return view.status === "WAIT_FOR_APPROVE" && view.trace_id === queued.json().trace_id;
      },
      30_000,
      "the queued run",
    );
    const { rows } = await t.deps.db.pool.query("select type, trace_id from atlas_events where thread_id = 'dt-1' order by id");
    expect(rows.map((r) => r.type)).toEqual([
      "design.blocked",
      "plan.pending",
      "build.done",
      "InfrastructureGenerated",
      "validate.result",
      "approval.requested",
    ]);
    expect(rows[0].trace_id).toBe(first.json().trace_id);
    expect(rows[1].trace_id).toBe(queued.json().trace_id);
  });

  it("a run queued behind one that stops at the approval gate is dropped, with a run.dropped event", async () => {
    expect((await post({ goal, thread_id: "dt-2", background: true })).statusCode).toBe(202);
    const queued = await post({ goal, thread_id: "dt-2", if_busy: "queue" });
    expect(queued.statusCode).toBe(202);
    w.work(t.deps);
    const dropped = await waitFor(
      async () => {
        const { rows } = await t.deps.db.pool.query("select payload from atlas_events where thread_id = 'dt-2' and type = 'run.dropped'");
        return rows[0]?.payload;
      },
      30_000,
      "run.dropped",
    );
    expect(dropped).toMatchObject({ trace_id: queued.json().trace_id, data: { status: "WAIT_FOR_APPROVE", kind: "follow" } });
    // a waiting thread is not busy: 409 whatever if_busy says
    expect((await post({ goal, thread_id: "dt-2", if_busy: "queue" })).statusCode).toBe(409);
  });
});

describe("progress over SSE from another replica", () => {
  const w = world();

  it("GET /architect/plan/:id/stream on replica A shows the events of the run replica B's worker does", async () => {
    const a = await w.app({ RUN_WORKERS: "0" });
    const b = await w.replica({ RUN_WORKERS: "0" });
    const submitted = await a.app.inject({ method: "POST", url: "/architect/plan", payload: { goal, background: true }, headers: a.auth });
    const { thread_id } = submitted.json();
    // Over real HTTP, so the test can see the stream open (its `status` event) before B's worker starts.
    const base = await a.app.listen({ port: 0, host: "127.0.0.1" });
    const res = await fetch(`${base}/architect/plan/${thread_id}/stream`, { headers: a.auth });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let body = "";
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const chunk = await reader.read();
        if (chunk.done) return;
        body += decoder.decode(chunk.value, { stream: true });
      }
    };
    await readUntil(() => body.includes("event: status"));
    w.work(b);
    await readUntil(() => false);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = body
      .split("\n\n")
      .filter((block) => block.startsWith("event: "))
      .map((block) => ({ name: block.split("\n")[0]?.slice(7), data: JSON.parse(block.split("\n")[1]?.slice(6) ?? "null") }));
    expect(events.map((e) => e.name)).toEqual([
      "status",
      "plan.pending",
      "build.done",
      "InfrastructureGenerated",
      "validate.result",
      "approval.requested",
      "result",
    ]);
    expect(events[0]?.data.status).toBe("PENDING");
    expect(events[1]?.data).toMatchObject({ thread_id, schema_ver: 1, tenant: "default" });
    expect(events.at(-1)?.data.status).toBe("WAIT_FOR_APPROVE");

    // a finished thread answers at once; an unknown one is 404 before any stream opens
    const again = await a.app.inject({ method: "GET", url: `/architect/plan/${thread_id}/stream`, headers: a.auth });
    expect(again.body).toContain("event: result");
    expect((await a.app.inject({ method: "GET", url: "/architect/plan/nope/stream", headers: a.auth })).statusCode).toBe(404);
  });
});

describe("runs across two workers", () => {
  const w = world();

  it("20 background runs submitted to two replicas all finish, each exactly once", async () => {
    const a = await w.replica();
    const b = await w.replica();
    const ran = { a: 0, b: 0 };
    for (const [name, deps] of [
      ["a", a],
      ["b", b],
    ] as const) {
      const execute = deps.background.execute;
      deps.background.execute = async (...args) => {
        const result = await execute(...args);
        if (result.outcome === "ran") ran[name]++;
        return result;
      };
    }
    w.work(a);
    w.work(b);
    const threads: string[] = [];
    for (let i = 0; i < 20; i++) {
      const deps = i % 2 === 0 ? a : b;
      threads.push((await deps.background.submit({ goal, tenant: "default" })).thread_id);
    }
    await waitFor(() => idle(a.db.pool, threads), 90_000, "20 runs to finish");
    const registry = await a.db.pool.query("select status, count(*)::int as n from atlas_runs where thread_id = any($1) group by status", [threads]);
    expect(registry.rows).toEqual([{ status: "WAIT_FOR_APPROVE", n: 20 }]);
    const pending = await a.db.pool.query(
      "select thread_id, count(*)::int as n from atlas_events where type = 'plan.pending' and thread_id = any($1) group by thread_id",
      [threads],
    );
    expect(pending.rows).toHaveLength(20);
    expect(pending.rows.every((row) => row.n === 1)).toBe(true);
    expect(ran.a + ran.b).toBe(20);
    expect(ran.a).toBeGreaterThan(0);
    expect(ran.b).toBeGreaterThan(0);
    expect(await a.queue.stats()).toEqual({ depth: 0, pending: 0 });
  }, 120_000);
});

describe("a worker that dies mid-run", () => {
  const w = world();

  /** A replica whose runbook search never answers: its runs hang in the architect. `stuck`: one has. */
  async function hangingReplica() {
    let searching: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      searching = resolve;
    });
    const replica = await w.replica(
      {},
      {
        search: () => {
          searching();
          return new Promise(() => {});
        },
      },
    );
    return { replica, stuck };
  }

  it("leaves its job pending; another worker claims it and continues from the last checkpoint", async () => {
    // replica A hangs inside the architect (its runbook search never answers), then "dies"
    const { replica: a, stuck } = await hangingReplica();
    const b = await w.replica();
    const outcomes: ExecuteResult["outcome"][] = [];
    const execute = b.background.execute;
    b.background.execute = async (...args) => {
      const result = await execute(...args);
      outcomes.push(result.outcome);
      return result;
    };
    const workersA = w.work(a);
    const { thread_id } = await a.background.submit({ goal, tenant: "default" });
    await stuck;
    const claimed = await a.db.pool.query("select claimed_by from atlas_runs where thread_id = $1", [thread_id]);
    expect(claimed.rows[0].claimed_by).not.toBeNull();
    workersA.kill(); // no ack, no more claim renewals: as if the process died

    w.work(b);
    await waitFor(() => idle(b.db.pool, [thread_id]), 30_000, "replica B to finish the run");
    const view = await b.planner.get(thread_id, "default");
    expect(view.status).toBe("WAIT_FOR_APPROVE");
    expect(outcomes.at(-1)).toBe("ran");
    const { rows } = await b.db.pool.query("select type from atlas_events where thread_id = $1 order by id", [thread_id]);
    expect(rows.map((r) => r.type)).toEqual(["plan.pending", "build.done", "InfrastructureGenerated", "validate.result", "approval.requested"]);
    // B continued A's checkpoints (the input A wrote), it did not start a second run
    const history = await b.planner.history(thread_id, "default");
    expect(history.at(-1)?.source).toBe("input");
    expect(history.filter((step) => step.source === "input")).toHaveLength(1);
  });

  // Checkpoints are written in the background while a node runs, so a process killed early
  // leaves only the input checkpoint, with or without the `__start__` task's pending writes (the
  // first was seen in the two-process suite). Replica A hangs in the architect; deleting the
  // loop checkpoints it wrote (after the input, after the intake) and the `__start__` writes
  // leaves what such a kill leaves. The input is only the goal (the intake writes the trace id),
  // so either way the thread shows no trace of this run yet: B starts it again, a second input.
  it.each([
    { left: "the input checkpoint and the __start__ writes", dropStartWrites: false },
    { left: "the input checkpoint alone", dropStartWrites: true },
  ])("killed before its step-0 checkpoint lands, leaving $left: another worker still runs it to the approval gate", async ({ dropStartWrites }) => {
    const { replica: a, stuck } = await hangingReplica();
    const b = await w.replica();
    const workersA = w.work(a);
    const { thread_id } = await a.background.submit({ goal, tenant: "default" });
    await stuck;
    workersA.kill();
    const loopCheckpoints = "select checkpoint_id from checkpoints where thread_id = $1 and metadata->>'source' = 'loop'";
    const graphThread = `default/${thread_id}`; // checkpoints are kept under <tenant>/<thread>
    // step 0 (the input applied, the intake next) and step 1 (the intake's, the architect next)
    await waitFor(async () => (await a.db.pool.query(loopCheckpoints, [graphThread])).rowCount === 2, 5_000, "A's checkpoints up to the architect");
    await a.db.pool.query(`delete from checkpoint_writes where thread_id = $1 and checkpoint_id in (${loopCheckpoints})`, [graphThread]);
    await a.db.pool.query("delete from checkpoints where thread_id = $1 and metadata->>'source' = 'loop'", [graphThread]);
    if (dropStartWrites) await a.db.pool.query("delete from checkpoint_writes where thread_id = $1", [graphThread]);
    // what is left: the input checkpoint; its pending `__start__` writes, if any, read as applied
    expect((await b.planner.history(thread_id, "default")).map((step) => step.source)).toEqual(["input"]);
    expect((await b.planner.get(thread_id, "default")).status).toBe("PENDING");

    w.work(b);
    await waitFor(() => idle(b.db.pool, [thread_id]), 30_000, "replica B to finish the run");
    expect((await b.planner.get(thread_id, "default")).status).toBe("WAIT_FOR_APPROVE");
    const { rows } = await b.db.pool.query("select type from atlas_events where thread_id = $1 order by id", [thread_id]);
    expect(rows.map((r) => r.type)).toEqual(["plan.pending", "build.done", "InfrastructureGenerated", "validate.result", "approval.requested"]);
    const history = await b.planner.history(thread_id, "default");
    expect(history.filter((step) => step.source === "input")).toHaveLength(2);
  });

  it("a job whose worker fails 3 times goes to the dead-letter stream; its run is FAILED and escalated", async () => {
    const c = await w.replica();
    c.background.execute = async () => {
      throw new Error("worker keeps crashing");
    };
    w.work(c);
    const { thread_id } = await c.background.submit({ goal, tenant: "default" });
    const dead = await waitFor(
      () => w.state.inspect?.xrange(`${w.state.prefix}runs:dead`, "-", "+").then((rows) => (rows.length ? rows : null)),
      20_000,
      "the dead-lettered job",
    );
    expect(fieldsToObject(dead[0]?.[1])).toMatchObject({ thread_id, deliveries: "3", error: "worker keeps crashing" });
    await waitFor(
      async () => (await c.db.pool.query("select status from atlas_runs where thread_id = $1", [thread_id])).rows[0]?.status === "FAILED",
      5_000,
      "FAILED",
    );
    expect((await c.planner.get(thread_id, "default")).status).toBe("FAILED"); // no checkpoint says otherwise
    const escalate = await waitFor(
      async () => (await c.db.pool.query("select payload from atlas_events where thread_id = $1 and type = 'escalate'", [thread_id])).rows[0]?.payload,
      5_000,
      "the escalate event",
    );
    expect(escalate.data).toMatchObject({ original_type: "run.start", deliveries: 3, error: "worker keeps crashing" });
  });
});
