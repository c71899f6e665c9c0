import type pg from "pg";
import type { LifecycleEvent } from "../schemas/events.js";

/**
 * The `atlas_events` table: every lifecycle event, written before it is delivered (the durable
 * record and the outbox of the Redis relay). All SQL on the table lives here.
 */

/** Writes an event; `published` marks it as already delivered (no Redis to relay to). @returns its id */
export async function insertEvent(pool: pg.Pool, event: LifecycleEvent, published: boolean): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into atlas_events (thread_id, tenant, type, trace_id, payload, published_at)
     values ($1, $2, $3, $4, $5, case when $6 then now() end) returning id::text as id`,
    [event.thread_id, event.tenant, event.type, event.trace_id, JSON.stringify(event), published],
  );
  return rows[0]?.id ?? "";
}

/**
 * Up to `limit` unpublished events, oldest first. Not locked: the relay must not hold a
 * transaction while it waits for Redis, so replicas relaying at once may read the same rows
 * (the relay adds each outbox id to the stream once).
 */
export async function listUnpublished(db: Pick<pg.Pool, "query">, limit: number): Promise<{ id: string; payload: LifecycleEvent }[]> {
  const { rows } = await db.query<{ id: string; payload: LifecycleEvent }>(
    "select id::text as id, payload from atlas_events where published_at is null order by id limit $1",
    [limit],
  );
  return rows;
}

/** Marks events delivered (those another replica marked first stay as they are). */
export async function markPublished(db: Pick<pg.Pool, "query">, ids: string[]): Promise<void> {
  await db.query("update atlas_events set published_at = now() where id = any($1::bigint[]) and published_at is null", [ids]);
}

/**
 * How a background run ended when no run state says so: its worker published `run.dropped` (the
 * thread could not take it) or `run.failed`. @returns the first such event of the trace, or null.
 */
export async function runEndEvent(
  db: Pick<pg.Pool, "query">,
  run: { tenant: string; thread_id: string; trace_id: string },
): Promise<{ type: "run.dropped" | "run.failed"; data: Record<string, unknown> } | null> {
  const { rows } = await db.query<{ type: "run.dropped" | "run.failed"; payload: LifecycleEvent }>(
    `select type, payload from atlas_events where tenant = $1 and thread_id = $2 and trace_id = $3 and type in ('run.dropped', 'run.failed')
     order by id limit 1`,
    [run.tenant, run.thread_id, run.trace_id],
  );
  const row = rows[0];
  return row ? { type: row.type, data: row.payload.data } : null;
}
