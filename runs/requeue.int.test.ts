import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../lib/db/database.js";
import { readMigrations } from "../lib/db/migrate.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { buildTestApp, type TestApp } from "../test/helpers/app.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { waitFor } from "../test/helpers/redis.js";
import { repoRoot } from "../test/helpers/tmp.js";

// Without REDIS_URL the run queue is in the server's memory. A restart must not lose the
// background runs that were still PENDING: the next server start queues them again from the
// run registry. Real HTTP app (inject) on the machine's PostgreSQL, no Redis.

const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(repoRoot, "test/fixtures/goals/web-api-prod.json"), "utf8")));
const overrides = { migrations: readMigrations().filter((m) => !m.requiresVector), search: async () => [] };

let native: NativeTestDatabase;
let db: Database;
const apps: TestApp[] = [];

beforeAll(async () => {
  native = await nativeTestDatabase();
  db = await openDatabase({ url: native.url });
});
afterAll(async () => {
  for (const t of apps) await t.close();
  await db?.close();
  await native?.drop();
});

/** A server process without Redis on the shared database. */
async function server(env: Record<string, string>): Promise<TestApp> {
  const t = await buildTestApp(db, { env: { DATABASE_URL: native.url, STALE_CLAIM_SECONDS: "1", ...env }, overrides, logLevel: "info" });
  apps.push(t);
  return t;
}

describe("background runs without Redis across a restart", () => {
  it("runs left PENDING by the previous process are queued again and finish; a goal that no longer validates is FAILED", async () => {
    // the first process has no workers: its jobs stay in its memory until it stops
    const first = await server({ RUN_WORKERS: "0" });
    const submit = async () => {
      const res = await first.app.inject({ method: "POST", url: "/architect/plan", payload: { goal, background: true }, headers: first.auth });
      expect(res.statusCode).toBe(202);
      return String(res.json().thread_id);
    };
    const [queued, heldByDeadWorker, outdated] = [await submit(), await submit(), await submit()];
    // what a worker that died mid-run leaves: the run PENDING under its claim
    await db.pool.query("update atlas_runs set claimed_by = 'pid-0-dead', claimed_at = now() where thread_id = $1", [heldByDeadWorker]);
    // a goal the next version no longer accepts
    await db.pool.query(`update atlas_runs set queued_goal = '{"name": 1}' where thread_id = $1`, [outdated]);
    const synchronous = await first.app.inject({ method: "POST", url: "/architect/plan", payload: { goal }, headers: first.auth });
    expect(synchronous.json().status).toBe("WAIT_FOR_APPROVE");
    await first.close();

    const second = await server({ RUN_WORKERS: "1" });
    const status = async (threadId: string) =>
      (await second.app.inject({ method: "GET", url: `/architect/plan/${threadId}`, headers: second.auth })).json().status as string;
    await waitFor(
      async () => (await status(queued)) === "WAIT_FOR_APPROVE" && (await status(heldByDeadWorker)) === "WAIT_FOR_APPROVE",
      30_000,
      "both requeued runs",
    );
    // WAIT_FOR_APPROVE shows a moment before the worker releases its claim (and clears the queued goal): wait for the release
    await waitFor(
      async () =>
        (await db.pool.query("select 1 from atlas_runs where thread_id = any($1) and claimed_by is null", [[queued, heldByDeadWorker]])).rowCount === 2,
      30_000,
      "both requeued runs released by the worker",
    );
    expect(await status(outdated)).toBe("FAILED");
    expect(second.logs.find((line) => line.msg?.toString().startsWith("queued background runs from before the restart"))).toMatchObject({ requeued: 2 });

    // each ran once, and nothing is left to requeue
    const events = await db.pool.query<{ thread_id: string; n: number }>(
      "select thread_id, count(*)::int as n from atlas_events where type = 'approval.requested' and thread_id = any($1) group by thread_id order by thread_id",
      [[queued, heldByDeadWorker]],
    );
    expect(events.rows.map((row) => row.n)).toEqual([1, 1]);
    expect(await second.deps.background.queued()).toEqual([]);
    const { rows } = await db.pool.query("select count(*)::int as n from atlas_runs where queued_goal is not null");
    expect(rows[0].n).toBe(0);
  });
});
