import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BuildDepsOverrides, buildDeps, type Deps } from "../app/deps.js";
import { openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { createLogger } from "../lib/log.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { testConfig } from "../test/helpers/config.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { cleanRedisPrefix, testRedisClient, testRedisPrefix, testRedisUrl, waitFor } from "../test/helpers/redis.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { type RunWorkers, startRunWorkers } from "./worker.js";

// Issue 8, defects 6 and 7: what a crash leaves behind is recovered, on real Postgres and Redis.
// "Replicas" are separate Deps in this process; a dead runner is played by pointing a run's claim
// at an owner that no longer renews it, as a killed process leaves it.

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));
const log = createLogger("silent");
const nonVector = readMigrations().filter((m) => !m.requiresVector);

let native: NativeTestDatabase;
let inspect: Redis;
let dataDir: string;
const prefix = testRedisPrefix();
const opened: Deps[] = [];
const workers: RunWorkers[] = [];

async function replica(extra: BuildDepsOverrides = {}): Promise<Deps> {
  const env = {
    ATLAS_DATA_DIR: dataDir,
    DATABASE_URL: native.url,
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: prefix,
    STALE_CLAIM_SECONDS: "1",
    STREAM_CLAIM_IDLE_MS: "500",
  };
  const deps = await buildDeps(testConfig(env), log, { db: await openDatabase({ url: native.url }), migrations: nonVector, search: async () => [], ...extra });
  opened.push(deps);
  return deps;
}

beforeAll(async () => {
  native = await nativeTestDatabase();
  inspect = testRedisClient();
  dataDir = makeTmpDir("atlas-recovery-");
});
// no worker outlives its test: one left running would take the next test's jobs
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  for (const deps of opened) await deps.close();
  await cleanRedisPrefix(inspect, prefix);
  inspect.disconnect();
  await native?.drop();
  removeTmpDir(dataDir);
});

/** What a killed process leaves: the run's claim held by an owner nobody renews, long ago. */
const killRunner = (deps: Deps, threadId: string) =>
  deps.db.pool.query("update atlas_runs set claimed_by = 'dead-replica', claimed_at = now() - interval '1 hour' where thread_id = $1", [threadId]);
const eventTypes = async (deps: Deps, threadId: string) =>
  (await deps.db.pool.query<{ type: string }>("select type from atlas_events where thread_id = $1 order by id", [threadId])).rows.map((row) => row.type);

describe("recovery of runs whose runner died", () => {
  it("a synchronous plan cut off mid-design is continued by a background worker, and says so", async () => {
    // replica A's runbook search never answers: its synchronous run hangs inside the architect
    let searching: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      searching = resolve;
    });
    const a = await replica({
      search: () => {
        searching();
        return new Promise(() => {});
      },
    });
    void a.planner.start({ goal, thread_id: "cut-off-1", tenant: "default" }).catch(() => {});
    await stuck;
    // the input checkpoint is written in the background: wait until the run shows as running
    await waitFor(async () => (await a.planner.get("cut-off-1", "default")).status === "IN_PROGRESS", 30_000, "the run's first checkpoint");
    await killRunner(a, "cut-off-1");
    // before recovery: the thread looked busy forever (IN_PROGRESS, claimed)
    expect((await a.planner.get("cut-off-1", "default")).status).toBe("IN_PROGRESS");

    const b = await replica();
    workers.push(startRunWorkers(b, { count: 1 }));
    const sweep = await b.recovery.sweep();
    expect(sweep.recovered).toEqual([
      { thread_id: "cut-off-1", from: "IN_PROGRESS", to: "PENDING", action: "continued by a background worker from its last checkpoint" },
    ]);
    await waitFor(async () => (await b.planner.get("cut-off-1", "default")).status === "WAIT_FOR_APPROVE", 90_000, "the continued run");
    await waitFor(async () => (await b.background.busy("cut-off-1", "default")) === false, 10_000, "the worker to release the thread");
    expect(await eventTypes(b, "cut-off-1")).toEqual([
      "run.recovered",
      "plan.pending",
      "build.done",
      "InfrastructureGenerated",
      "validate.result",
      "approval.requested",
    ]);
    const approved = await b.planner.resume("cut-off-1", "default", { decision: "approve", approver: "alice" });
    expect(approved.status).toBe("DONE");
  });

  it("a resume cut off before it ran releases the run waiting; another replica's sweep finds nothing twice", async () => {
    const b = await replica();
    const run = await b.planner.start({ goal, thread_id: "cut-off-2", tenant: "default" });
    expect(run.status).toBe("WAIT_FOR_APPROVE");
    await killRunner(b, "cut-off-2");
    const c = await replica();
    const [first, second] = await Promise.all([b.recovery.sweep(), c.recovery.sweep()]);
    const recovered = [...first.recovered, ...second.recovered].filter((r) => r.thread_id === "cut-off-2");
    expect(recovered).toEqual([
      { thread_id: "cut-off-2", from: "WAIT_FOR_APPROVE", to: "WAIT_FOR_APPROVE", action: "released at the status its checkpoint stopped at" },
    ]);
    expect((await c.planner.resume("cut-off-2", "default", { decision: "approve", approver: "alice" })).status).toBe("DONE");
  });

  it("a background run whose job Redis lost (the stream came back empty) is queued again and runs once", async () => {
    const d = await replica();
    const submitted = await d.background.submit({ goal, thread_id: "lost-job-1", tenant: "default" });
    await inspect.del(`${prefix}runs`); // Redis restarted without its data
    workers.push(startRunWorkers(d, { count: 1 }));
    // the run is eligible once it has waited unclaimed for STALE_CLAIM_SECONDS
    await waitFor(async () => (await d.recovery.sweep()).requeued >= 1, 20_000, "the lost job to be queued again");
    await waitFor(async () => (await d.planner.get("lost-job-1", "default")).status === "WAIT_FOR_APPROVE", 90_000, "the requeued run");
    expect((await d.planner.get("lost-job-1", "default")).trace_id).toBe(submitted.trace_id);
    expect((await eventTypes(d, "lost-job-1")).filter((type) => type === "approval.requested")).toHaveLength(1);
  });
});
