import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NativeTestDatabase, nativeTestDatabase } from "../helpers/databases.js";
import { childEnv, finished, freePort, type ProcessResult, run, spawnTs, stopChild, waitForOk } from "../helpers/processes.js";
import { cleanRedisPrefix, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../helpers/redis.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../helpers/tmp.js";

// Two real server processes (test/fixtures/replica-server.ts: app/main.ts without the
// pgvector migration, with a runbook search that finds nothing) on one fresh database of the
// machine's PostgreSQL, one Redis key prefix and one shared GitOps repository, each with its
// own data folder and port, talking real HTTP. No model is configured (deterministic mode).

const goal = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8"));

/** One server process and what it has logged so far. */
interface Replica {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  dataDir: string;
  exited: Promise<ProcessResult>;
  /** pino's JSON lines on stdout so far */
  logs(): Record<string, unknown>[];
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

let database: NativeTestDatabase;
let pool: pg.Pool;
let redis: Redis;
const prefix = testRedisPrefix();
const tmpDirs: string[] = [];
let gitopsDir: string;
/** one deployment: the replicas share the artifact signing key (ATLAS_SIGNING_KEY_FILE) */
let signingKeyFile: string;
const replicas: Replica[] = [];
let a: Replica;
let b: Replica;
let planner: string;
let approver: string;

/** Starts a replica process on the shared database, Redis prefix and GitOps repository. */
async function startReplica(name: string, dataDir: string, extra: Record<string, string> = {}): Promise<Replica> {
  const port = await freePort();
  const child = spawnTs(
    "test/fixtures/replica-server.ts",
    [],
    childEnv({
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: prefix,
      ATLAS_DATA_DIR: dataDir,
      ATLAS_GITOPS_DIR: gitopsDir,
      ATLAS_SIGNING_KEY_FILE: signingKeyFile,
      ATLAS_SEED_DOCS: "off",
      HOST: "127.0.0.1",
      PORT: String(port),
      // info: the workers' "background run finished" lines say which process ran what
      LOG_LEVEL: "info",
      RATE_LIMIT_PER_MINUTE: "0",
      RUN_WORKERS: "1",
      // a live runner renews its claim every third of this; shorter leases go stale on this
      // 2-core machine when it is busy (a stalled runner's run is then run twice)
      STALE_CLAIM_SECONDS: "5",
      STREAM_CLAIM_IDLE_MS: "1000",
      OUTBOX_POLL_MS: "100",
      ...extra,
    }),
  );
  let stdout = "";
  child.stdout?.on("data", (part: Buffer) => {
    stdout += part.toString("utf8");
  });
  const replica: Replica = {
    name,
    child,
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    exited: finished(child),
    logs: () =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
  replicas.push(replica);
  try {
    // a replica runs through tsx; on a loaded 2-core machine its start can take a minute
    await waitForOk(`${replica.url}/healthz`, child, 480);
  } catch (error) {
    const result = child.exitCode === null ? null : await replica.exited;
    throw new Error(`replica ${name}: ${(error as Error).message}${result ? `\n${result.stderr}` : ""}`);
  }
  return replica;
}

async function api(replica: Replica, method: string, path: string, key: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${replica.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const git = async (...args: string[]) => {
  const result = await run("git", ["-C", gitopsDir, ...args], process.env);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
};

/** Apply commits in the shared GitOps repository, optionally for one plan id. */
async function applyCommits(planId?: string): Promise<string[]> {
  const grep = ["--grep=^Atlas-Action: apply$", ...(planId ? [`--grep=^Atlas-Plan: ${planId}$`] : [])];
  const out = await git("log", "--format=%H", "--all-match", ...grep);
  return out ? out.split("\n") : [];
}

/** Files a commit changed. */
async function changedFiles(commit: string): Promise<string[]> {
  return (await git("show", "--name-only", "--format=", commit)).split("\n").filter(Boolean);
}

/** True once every thread has left PENDING and nobody holds its claim. */
async function settled(threadIds: string[]): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>(
    "select count(*)::int as n from atlas_runs where thread_id = any($1) and claimed_by is null and status <> 'PENDING'",
    [threadIds],
  );
  return rows[0]?.n === threadIds.length;
}

/** Thread ids whose background run finished in this replica's worker, from its log. */
const finishedBy = (replica: Replica) =>
  replica
    .logs()
    .filter((line) => line.msg === "background run finished")
    .map((line) => String(line.thread_id));

beforeAll(async () => {
  database = await nativeTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  redis = testRedisClient();
  gitopsDir = makeTmpDir("atlas-replicas-gitops-");
  const dirA = makeTmpDir("atlas-replica-a-");
  const dirB = makeTmpDir("atlas-replica-b-");
  const secrets = makeTmpDir("atlas-replicas-secrets-");
  tmpDirs.push(gitopsDir, dirA, dirB, secrets);
  signingKeyFile = join(secrets, "signing-key.pem");
  // Both start at once on an empty database: migrations and the first-start key happen once.
  [a, b] = await Promise.all([startReplica("A", dirA), startReplica("B", dirB)]);

  const keyFiles = [a, b].map((replica) => join(replica.dataDir, "admin.key")).filter((path) => existsSync(path));
  expect(keyFiles).toHaveLength(1);
  const admin = readFileSync(keyFiles[0] as string, "utf8").trim();
  // On an external Postgres the default tenant refuses self-approval: one key plans, another approves.
  const created = await Promise.all([
    api(a, "POST", "/admin/keys", admin, { name: "e2e-planner", roles: ["planner"] }),
    api(b, "POST", "/admin/keys", admin, { name: "e2e-approver", roles: ["approver"] }),
  ]);
  for (const reply of created) expect(reply.status).toBe(201);
  planner = String(created[0].body.key);
  approver = String(created[1].body.key);
}, 120_000);

afterAll(async () => {
  for (const replica of replicas) {
    if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill("SIGCONT");
    await stopChild(replica.child);
    await replica.exited.catch(() => {});
  }
  await pool?.end();
  if (redis) {
    await cleanRedisPrefix(redis, prefix);
    redis.disconnect();
  }
  await database?.drop();
  for (const dir of tmpDirs) removeTmpDir(dir);
});

describe("two server processes on one Postgres, Redis and GitOps repository", () => {
  it("a plan started on A (synchronously) is approved on B: DONE, one apply commit", async () => {
    const started = await api(a, "POST", "/architect/plan", planner, { goal });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("WAIT_FOR_APPROVE");
    const threadId = String(started.body.thread_id);
    const planId = String(started.body.plan_id);

    // B sees the run A stopped at the approval gate
    expect((await api(b, "GET", `/architect/plan/${threadId}`, planner)).body).toMatchObject({ status: "WAIT_FOR_APPROVE", plan_id: planId });
    const approved = await api(b, "POST", `/architect/plan/${threadId}/resume`, approver, { decision: "approve", approver: "bob" });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("DONE");
    const commit = (approved.body.applied as { commit: string }).commit;

    // the interrupt is answered once: a second approval, on either replica, is refused
    for (const replica of [a, b]) {
      expect((await api(replica, "POST", `/architect/plan/${threadId}/resume`, approver, { decision: "approve", approver: "bob" })).status).toBe(409);
    }
    expect(await applyCommits(planId)).toEqual([commit]);
    expect((await changedFiles(commit)).every((file) => file.startsWith(`plans/default/${planId}/`))).toBe(true);
  });

  it("20 background runs submitted alternately to A and B each run once; approved across both, 20 apply commits", async () => {
    const submitted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api(i % 2 === 0 ? a : b, "POST", "/architect/plan", planner, { goal, background: true })),
    );
    for (const reply of submitted) expect(reply.status).toBe(202);
    const threads = submitted.map((reply) => String(reply.body.thread_id));
    expect(new Set(threads).size).toBe(20);
    await waitFor(() => settled(threads), 45_000, "20 background runs to stop");

    const statuses = await pool.query("select status, count(*)::int as n from atlas_runs where thread_id = any($1) group by status", [threads]);
    expect(statuses.rows).toEqual([{ status: "WAIT_FOR_APPROVE", n: 20 }]);
    const events = await pool.query<{ thread_id: string; type: string; n: number }>(
      `select thread_id, type, count(*)::int as n from atlas_events
       where thread_id = any($1) and type in ('plan.pending', 'approval.requested') group by thread_id, type`,
      [threads],
    );
    expect(events.rows).toHaveLength(40);
    expect(events.rows.every((row) => row.n === 1)).toBe(true);

    // each run finished in exactly one process, and both processes ran some (a worker logs
    // after it releases the claim, so the last lines may trail the registry a little)
    const ranOn = (replica: Replica) => finishedBy(replica).filter((id) => threads.includes(id));
    await waitFor(() => ranOn(a).length + ranOn(b).length >= threads.length, 5_000, "the workers' log lines");
    const ranOnA = ranOn(a);
    const ranOnB = ranOn(b);
    expect([...ranOnA, ...ranOnB].sort()).toEqual([...threads].sort());
    expect(ranOnA.length).toBeGreaterThan(0);
    expect(ranOnB.length).toBeGreaterThan(0);
    // every job acknowledged (a worker logs "finished" just before it acknowledges)
    await waitFor(async () => Number(((await redis.xpending(`${prefix}runs`, "atlas-workers")) as [number])[0]) === 0, 10_000, "every job acknowledged");
    expect(await redis.xpending(`${prefix}runs`, "atlas-workers")).toEqual([0, null, null, null]);

    // approve all at once, each on the replica it was not submitted to
    const approved = await Promise.all(
      threads.map((threadId, i) =>
        api(i % 2 === 0 ? b : a, "POST", `/architect/plan/${threadId}/resume`, approver, { decision: "approve", approver: "carol" }),
      ),
    );
    for (const reply of approved) expect({ status: reply.status, run: reply.body.status }).toEqual({ status: 200, run: "DONE" });
    for (const reply of approved) {
      const planId = String(reply.body.plan_id);
      const commits = await applyCommits(planId);
      expect(commits).toEqual([(reply.body.applied as { commit: string }).commit]);
      // a commit holds its own plan's files only (no other plan's staged changes)
      const files = await changedFiles(commits[0] as string);
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((file) => file.startsWith(`plans/default/${planId}/`))).toBe(true);
    }
    expect(await applyCommits()).toHaveLength(21); // these 20 and the first test's
  }, 90_000);

  it("A killed with SIGKILL mid-run: B finishes the run from A's last checkpoint, then it is approved once", async () => {
    // A restarts with a slow runbook search (test-only), so its run is still inside the architect when it dies.
    await stopChild(a.child);
    expect((await a.exited).code).toBe(0);
    a = await startReplica("A (slow search)", a.dataDir, { ATLAS_TEST_SEARCH_DELAY_MS: "4000" });

    // B is frozen while the job is handed out so that only A's worker can take it; its
    // blocking read (STREAM_CLAIM_IDLE_MS / 2) expires in Redis first. Connections are named
    // after their replica (`atlas:<host>-<pid>-...`), so CLIENT LIST shows when none of B's is blocked.
    b.child.kill("SIGSTOP");
    let threadId: string;
    try {
      const bIsBlocked = async () =>
        String(await redis.client("LIST"))
          .split("\n")
          .some((line) => line.includes(` name=atlas:${hostname()}-${b.pid}-`) && /\bflags=\S*b/.test(line));
      await waitFor(async () => !(await bIsBlocked()), 15_000, "B's blocking reads to expire in Redis");
      const submitted = await api(a, "POST", "/architect/plan", planner, { goal, background: true });
      expect(submitted.status).toBe(202);
      threadId = String(submitted.body.thread_id);
      await waitFor(
        async () =>
          (await pool.query("select 1 from atlas_runs where thread_id = $1 and claimed_by like $2", [threadId, `${hostname()}-${a.pid}-%`])).rowCount === 1,
        10_000,
        "A to claim the run",
      );
    } finally {
      b.child.kill("SIGCONT");
    }
    await waitFor(() => a.logs().some((line) => line.msg === "test-only: runbook search delayed"), 10_000, "A to be inside the architect");
    // Checkpoints are written while nodes run; wait for A's checkpoint after the intake (step 0 is
    // the input applied, step 1 the intake's writes: the run's trace id), so there is a checkpoint
    // of this run to continue from; A is held inside the architect, so no third one comes. (A kill
    // before the intake's checkpoint restarts the run from its input: runs/background-runs.int.test.ts.)
    await waitFor(
      async () =>
        ((await pool.query("select 1 from checkpoints where thread_id = $1 and metadata->>'source' = 'loop'", [`default/${threadId}`])).rowCount ?? 0) >= 2,
      10_000,
      "A's checkpoint after the intake",
    );
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");

    // what A left: the run PENDING under A's claim, and its checkpoints
    const left = await pool.query("select status, claimed_by from atlas_runs where thread_id = $1", [threadId]);
    expect(left.rows[0]).toMatchObject({ status: "PENDING", claimed_by: expect.stringMatching(new RegExp(`^${hostname()}-${a.pid}-`)) });
    const before = (await api(b, "GET", `/architect/plan/${threadId}/history`, planner)).body.history as { checkpoint_id: string; source: string }[];
    expect(before.length).toBeGreaterThan(0);

    await waitFor(() => settled([threadId]), 30_000, "B to finish A's run");
    const view = await api(b, "GET", `/architect/plan/${threadId}`, planner);
    // on failure, say what B logged about the thread and which checkpoints A left
    const story = JSON.stringify({
      left: before.map((step) => step.source),
      b: b
        .logs()
        .filter((line) => line.thread_id === threadId)
        .map((line) => [line.msg, line.status]),
    });
    expect(view.body.status, story).toBe("WAIT_FOR_APPROVE");
    expect(finishedBy(b)).toContain(threadId);
    expect(finishedBy(a)).not.toContain(threadId);
    // B continued from A's checkpoints: A's are still the oldest, and there is one input
    const after = (await api(b, "GET", `/architect/plan/${threadId}/history`, planner)).body.history as { checkpoint_id: string; source: string }[];
    expect(after.slice(-before.length).map((step) => step.checkpoint_id)).toEqual(before.map((step) => step.checkpoint_id));
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.filter((step) => step.source === "input")).toHaveLength(1);
    const events = await pool.query("select type from atlas_events where thread_id = $1 order by id", [threadId]);
    // B's recovery sweep may take A's dead claim before the queue hands B the job again: then one
    // run.recovered says so. Either way the run's own events happen exactly once.
    const types = events.rows.map((row) => row.type as string);
    expect(types.filter((type) => type !== "run.recovered")).toEqual([
      "plan.pending",
      "build.done",
      "InfrastructureGenerated",
      "validate.result",
      "approval.requested",
    ]);
    expect(types.filter((type) => type === "run.recovered").length).toBeLessThanOrEqual(1);

    const approved = await api(b, "POST", `/architect/plan/${threadId}/resume`, approver, { decision: "approve", approver: "dave" });
    expect(approved.body.status).toBe("DONE");
    expect(await applyCommits(String(approved.body.plan_id))).toEqual([(approved.body.applied as { commit: string }).commit]);
  }, 60_000);
});
