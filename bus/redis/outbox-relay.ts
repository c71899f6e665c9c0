import type { Redis } from "ioredis";
import type pg from "pg";
import type { Logger } from "../../lib/log.js";
import { backoff, sleep } from "../../lib/sleep.js";
import type { LifecycleEvent } from "../../schemas/events.js";
import { listUnpublished, markPublished } from "../outbox.js";
import { objectToFields } from "./keys.js";

export interface OutboxRelay {
  /** Asks the relay to look for unpublished events now (after a publish). */
  kick(): void;
  /** Publishes what is waiting, once; resolves to the number of events relayed. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 200;
/** How long Redis remembers that an outbox id is on the stream: far longer than a relay takes between XADD and marking the row. */
const RELAYED_TTL_SECONDS = 3_600;

/**
 * XADD unless this outbox id was added already (another replica's relay, or this one before a
 * crash between XADD and marking the row): KEYS[1] stream, KEYS[2] the outbox id's marker;
 * ARGV: marker TTL, MAXLEN, then the entry's fields. Answers the entry id, or nil when skipped.
 */
const ADD_ONCE = `
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
return false
`;

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
 * Redis stream: reads a batch, adds each row once (a Lua script keyed on its outbox id, so
 * replicas relaying the same rows, or a relay that crashed before marking them, add nothing
 * twice), then marks the rows. No transaction is held while Redis is asked: on the embedded
 * database the one connection is every request's, and a Redis that does not answer would hold
 * them all. While Redis is down it retries with backoff and the rows simply wait; synchronous
 * requests never depend on it. Consumers still dedupe on `outbox_id` (a marker can expire or
 * be lost with Redis).
 */
export function startOutboxRelay(options: {
  pool: pg.Pool;
  redis: Redis;
  stream: string;
  /** the key that marks an outbox id as added to the stream */
  relayedKey: (outboxId: string) => string;
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
    const rows = await listUnpublished(pool, BATCH);
    if (rows.length === 0) return 0;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      pipeline.eval(ADD_ONCE, 2, options.stream, options.relayedKey(row.id), RELAYED_TTL_SECONDS, options.maxLen, ...eventFields(row.id, row.payload));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed || results.length !== rows.length) throw failed?.[0] ?? new Error("redis pipeline answered short");
    await markPublished(
      pool,
      rows.map((row) => row.id),
    );
    return rows.length;
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
