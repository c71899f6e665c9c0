import type { Redis } from "ioredis";
import type { Logger } from "../../lib/log.js";
import { backoff, sleep } from "../../lib/sleep.js";
import { duplicateRedis, waitForRedis } from "./client.js";
import { fieldsToObject, MAX_DELIVERIES, objectToFields } from "./keys.js";

/** One stream entry as a consumer sees it. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
  /** times this entry has been delivered to a consumer of the group, this delivery included */
  deliveries: number;
}

export interface HandlerContext {
  /** aborted when the consumer is killed (a simulated crash): stop renewing leases */
  killed: AbortSignal;
  /** aborted when the consumer is asked to stop: cut waits short */
  stopping: AbortSignal;
}

export interface StreamConsumerOptions {
  /** a connected client for non-blocking commands; blocking reads use a duplicate */
  redis: Redis;
  stream: string;
  group: string;
  consumer: string;
  /** where a message goes after `maxDeliveries` failed deliveries */
  deadStream: string;
  /** handles one entry; resolving acknowledges it, throwing leaves it pending for a retry */
  handler(entry: StreamEntry, context: HandlerContext): Promise<void>;
  /** after a message went to the dead-letter stream (e.g. publish an `escalate` event) */
  onDead?(entry: StreamEntry, reason: string): Promise<void> | void;
  /** pending entries idle this long are claimed again (retry, or a consumer that died) */
  claimIdleMs: number;
  maxDeliveries?: number;
  /** where a new group starts: `$` new entries only (default), `0` everything in the stream */
  startId?: "0" | "$";
  /** entries read per call */
  count?: number;
  /** reset a running entry's idle time every claimIdleMs/3 so nobody claims it while it runs */
  keepAlive?: boolean;
  log: Logger;
}

export interface StreamConsumer {
  /** Stops reading, lets the entry in hand finish and be acknowledged, closes the connection. */
  stop(): Promise<void>;
  /** Stops at once without acknowledging anything, as if the process died. */
  kill(): void;
}

type PendingRow = [id: string, consumer: string, idleMs: number, deliveries: number];
type ClaimReply = [next: string, entries: [string, string[] | null][], deleted?: string[]];
type ReadReply = [stream: string, entries: [string, string[]][]][] | null;

/**
 * A consumer-group reader on a Redis stream: XREADGROUP for new entries, XACK after the
 * handler succeeds, XAUTOCLAIM for entries left pending longer than `claimIdleMs` (a failed
 * handler, or a consumer that died), and after `maxDeliveries` failed deliveries the entry is
 * moved to `deadStream` and acknowledged. Redis outages are retried with backoff.
 */
export function startStreamConsumer(options: StreamConsumerOptions): StreamConsumer {
  const { redis, stream, group, consumer, log } = options;
  const maxDeliveries = options.maxDeliveries ?? MAX_DELIVERIES;
  const count = options.count ?? 10;
  const blockMs = Math.max(50, Math.min(2_000, Math.floor(options.claimIdleMs / 2)));
  const stopController = new AbortController();
  const killController = new AbortController();
  const context: HandlerContext = { killed: killController.signal, stopping: stopController.signal };
  const connection = duplicateRedis(redis, log);
  let groupReady = false;
  let cursor = "0-0";
  let lastSweep = Number.NEGATIVE_INFINITY;

  async function ensureGroup(): Promise<void> {
    try {
      await redis.xgroup("CREATE", stream, group, options.startId ?? "$", "MKSTREAM");
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
    groupReady = true;
  }

  async function deliveriesOf(id: string): Promise<number> {
    const rows = (await redis.xpending(stream, group, id, id, 1)) as PendingRow[];
    return Number(rows[0]?.[3] ?? 1);
  }

  async function deadLetter(entry: StreamEntry, reason: string): Promise<void> {
    const fields = objectToFields({
      ...entry.fields,
      original_id: entry.id,
      original_stream: stream,
      group,
      deliveries: entry.deliveries,
      error: reason.slice(0, 1_000),
      dead_at: new Date().toISOString(),
    });
    await redis
      .multi()
      .xadd(options.deadStream, "*", ...fields)
      .xack(stream, group, entry.id)
      .exec();
    log.warn({ stream, group, id: entry.id, deliveries: entry.deliveries, reason }, "message moved to the dead-letter stream");
    try {
      await options.onDead?.(entry, reason);
    } catch (error) {
      log.error({ err: error, stream, id: entry.id }, "dead-letter callback failed");
    }
  }

  async function handle(entry: StreamEntry): Promise<void> {
    if (entry.deliveries > maxDeliveries) {
      await deadLetter(entry, `delivered ${entry.deliveries} times without an answer (a consumer died handling it each time)`);
      return;
    }
    const keepAlive = options.keepAlive
      ? setInterval(
          () => {
            if (killController.signal.aborted) return;
            // XCLAIM to ourselves with JUSTID resets the idle time without counting a delivery.
            redis.call("XCLAIM", stream, group, consumer, 0, entry.id, "JUSTID").catch(() => {});
          },
          Math.max(50, Math.floor(options.claimIdleMs / 3)),
        )
      : undefined;
    try {
      await options.handler(entry, context);
    } catch (error) {
      if (killController.signal.aborted) return;
      const reason = (error as Error).message ?? String(error);
      if (entry.deliveries >= maxDeliveries) await deadLetter(entry, reason);
      else log.warn({ stream, group, id: entry.id, deliveries: entry.deliveries, err: reason }, "message handler failed; it will be retried");
      return;
    } finally {
      clearInterval(keepAlive);
    }
    if (killController.signal.aborted) return;
    await redis.xack(stream, group, entry.id);
  }

  /** Claims entries idle longer than claimIdleMs (from any consumer of the group) and handles them. */
  async function sweep(): Promise<void> {
    const [next, entries] = (await redis.call("XAUTOCLAIM", stream, group, consumer, options.claimIdleMs, cursor, "COUNT", count)) as ClaimReply;
    cursor = next;
    if (next === "0-0") lastSweep = performance.now();
    for (const [id, fields] of entries) {
      if (stopController.signal.aborted) return;
      if (!fields) continue;
      await handle({ id, fields: fieldsToObject(fields), deliveries: await deliveriesOf(id) });
    }
  }

  async function readNew(): Promise<void> {
    const reply = (await connection.xreadgroup("GROUP", group, consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", stream, ">")) as ReadReply;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        if (killController.signal.aborted) return;
        await handle({ id, fields: fieldsToObject(fields), deliveries: 1 });
      }
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopController.signal.aborted) {
      try {
        if (connection.status !== "ready") await waitForRedis(connection, 1_000, stopController.signal);
        if (!groupReady) await ensureGroup();
        if (cursor !== "0-0" || performance.now() - lastSweep >= options.claimIdleMs / 2) await sweep();
        if (stopController.signal.aborted) break;
        await readNew();
        failures = 0;
      } catch (error) {
        if (stopController.signal.aborted) break;
        const message = (error as Error).message;
        if (/NOGROUP/.test(message)) groupReady = false;
        (failures === 0 ? log.warn.bind(log) : log.debug.bind(log))({ stream, group, err: message }, "stream consumer failed; retrying with backoff");
        await sleep(backoff(failures++), stopController.signal);
      }
    }
  })();

  return {
    async stop() {
      stopController.abort();
      connection.disconnect(false);
      // after kill() the entry in hand is abandoned, not waited for
      if (!killController.signal.aborted) await loop;
    },
    kill() {
      killController.abort();
      stopController.abort();
      connection.disconnect(false);
    },
  };
}
