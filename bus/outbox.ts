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
 * Up to `limit` unpublished events, oldest first, locked for the caller's transaction
 * (`for update skip locked`: replicas relaying at once take different rows).
 */
export async function lockUnpublished(client: pg.PoolClient, limit: number): Promise<{ id: string; payload: LifecycleEvent }[]> {
  const { rows } = await client.query<{ id: string; payload: LifecycleEvent }>(
    "select id::text as id, payload from atlas_events where published_at is null order by id limit $1 for update skip locked",
    [limit],
  );
  return rows;
}

/** Marks events delivered, inside the transaction that locked them. */
export async function markPublished(client: pg.PoolClient, ids: string[]): Promise<void> {
  await client.query("update atlas_events set published_at = now() where id = any($1::bigint[])", [ids]);
}
