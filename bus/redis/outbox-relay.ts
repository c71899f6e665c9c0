import type { Redis } from "ioredis";
import type pg from "pg";
import { withTransaction } from "../../lib/db/transaction.js";
import type { Logger } from "../../lib/log.js";
import { backoff, sleep } from "../../lib/sleep.js";
import type { LifecycleEvent } from "../../schemas/events.js";
import { lockUnpublished, markPublished } from "../outbox.js";
import { objectToFields } from "./keys.js";

export interface OutboxRelay {
  /** Asks the relay to look for unpublished events now (after a publish). */
  kick(): void;
  /** Publishes what is waiting, once; resolves to the number of events relayed. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 200;

/** The stream fields of one outbox row; `outbox_id` is the idempotency key consumers dedupe on. */
export function eventFields(outboxId: string, event: LifecycleEvent): string[] {
  return objectToFields({
    outbox_id: outboxId,
    schema_ver: event.schema_ver,
    type: event.type,
    trace_id: event.trace_id,
    tenant: event.tenant,
    thread_id: event.thread_id,
    event: JSON.stringify(event),
  });
}

/**
 * Moves events from the Postgres outbox (`atlas_events` rows with `published_at` null) to the
 * Redis stream. Rows are locked (`for update skip locked`, so replicas share the work), added
 * with XADD, then marked in the same transaction: a crash between the two re-sends the rows
 * later (at-least-once, with the outbox id in each message). While Redis is down it retries
 * with backoff and the rows simply wait; synchronous requests never depend on it.
 */
export function startOutboxRelay(options: {
  pool: pg.Pool;
  redis: Redis;
  stream: string;
  /** approximate stream length kept (XADD MAXLEN ~) */
  maxLen: number;
  /** how often to look for events nobody kicked about (written by a CLI or another replica that died) */
  pollMs: number;
  log: Logger;
}): OutboxRelay {
  const { pool, redis, log } = options;
  const stopController = new AbortController();
  let wake = new AbortController();
  let kicked = false;

  async function flushOnce(): Promise<number> {
    return withTransaction(pool, async (client) => {
      const rows = await lockUnpublished(client, BATCH);
      if (rows.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const row of rows) pipeline.xadd(options.stream, "MAXLEN", "~", options.maxLen, "*", ...eventFields(row.id, row.payload));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed || results.length !== rows.length) throw failed?.[0] ?? new Error("redis pipeline answered short");
      await markPublished(
        client,
        rows.map((row) => row.id),
      );
      return rows.length;
    });
  }

  let flushing: Promise<number> | null = null;
  /** One flush at a time per process; concurrent callers share it. */
  function flush(): Promise<number> {
    flushing ??= (async () => {
      let total = 0;
      for (;;) {
        const moved = await flushOnce();
        total += moved;
        if (moved < BATCH) return total;
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopController.signal.aborted) {
      kicked = false;
      try {
        const moved = await flush();
        if (failures > 0) log.info({ moved }, "event relay caught up after Redis came back");
        failures = 0;
      } catch (error) {
        if (stopController.signal.aborted) break;
        if (failures === 0) log.warn({ err: (error as Error).message }, "event relay cannot reach Redis; events wait in the outbox");
        await sleep(backoff(failures++, 100, 5_000), stopController.signal);
        continue;
      }
      if (kicked) continue;
      await sleep(options.pollMs, AbortSignal.any([stopController.signal, wake.signal]));
      if (wake.signal.aborted) wake = new AbortController();
    }
  })();

  return {
    kick() {
      kicked = true;
      wake.abort();
    },
    flush,
    async stop() {
      stopController.abort();
      await loop;
    },
  };
}
