import type { Redis } from "ioredis";
import { type RedisKeys, RUN_WORKERS_GROUP } from "../../bus/redis/keys.js";
import { startStreamConsumer } from "../../bus/redis/stream-consumer.js";
import { requestCall } from "../../bus/redis/time-box.js";
import type { Logger } from "../../lib/log.js";
import { sleep } from "../../lib/sleep.js";
import { deferred, type QueueStats, type RunJob, type RunQueue, runJobSchema } from "./job.js";

/** Run jobs kept in the stream (XADD MAXLEN ~); acknowledged ones are history. */
const RUNS_MAXLEN = 100_000;

function parseJob(fields: Record<string, string>): RunJob {
  return runJobSchema.parse(JSON.parse(fields.job ?? "null"));
}

/** XINFO GROUPS as objects (RESP2-shaped replies: flat key/value arrays). */
async function groupInfo(redis: Redis, stream: string): Promise<Record<string, unknown>[]> {
  try {
    const groups = (await redis.xinfo("GROUPS", stream)) as unknown[][];
    return groups.map((flat) => {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) info[String(flat[i])] = flat[i + 1];
      return info;
    });
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return [];
    throw error;
  }
}

/**
 * The background-run queue on the `<prefix>runs` stream, consumer group `atlas-workers`:
 * any replica's worker takes the next job; a running job's entry is kept fresh (so nobody
 * claims it) until it is acknowledged; a worker that dies leaves it pending and another
 * worker claims it after `claimIdleMs`. A job whose thread is busy is put back (a new entry
 * with a short `not_before`) rather than failed.
 */
export function makeRedisRunQueue(redis: Redis, keys: RedisKeys, options: { claimIdleMs: number; log: Logger; clock: () => Date }): RunQueue {
  const { log, clock } = options;
  const add = (job: RunJob) => redis.xadd(keys.runs, "MAXLEN", "~", RUNS_MAXLEN, "*", "thread_id", job.thread_id, "job", JSON.stringify(job));

  return {
    async enqueue(job) {
      // A background submit waits for this: a Redis that does not answer gets a 503, not a hung
      // request. A new run's XADD abandoned here that lands later is dropped by the worker (the
      // submit took the run out of PENDING); a run queued behind a busy thread (`if_busy: "queue"`,
      // kept nowhere else) would still run although its submit answered 503.
      await requestCall(redis, "enqueue a background run", () => add(job));
    },
    consume({ consumer, handler, onDead }) {
      return startStreamConsumer({
        redis,
        stream: keys.runs,
        group: RUN_WORKERS_GROUP,
        consumer,
        deadStream: keys.runsDead,
        claimIdleMs: options.claimIdleMs,
        // jobs submitted before any worker existed are still to be run
        startId: "0",
        // one job at a time: a worker must not hold jobs another worker could be running
        count: 1,
        keepAlive: true,
        log,
        async handler(entry, context) {
          const job = parseJob(entry.fields);
          const wait = job.not_before ? Date.parse(job.not_before) - clock().getTime() : 0;
          if (wait > 0) await sleep(wait, context.stopping);
          if (context.stopping.aborted && !context.killed.aborted) {
            await add(job); // stopping: hand it back untouched
            return;
          }
          const outcome = await handler(job, { killed: context.killed });
          if (outcome === "defer" && !context.killed.aborted) await add(deferred(job, clock()));
        },
        async onDead(entry, reason) {
          let job: RunJob | null = null;
          try {
            job = parseJob(entry.fields);
          } catch {
            // an entry that is not a job: nothing to mark
          }
          await onDead?.(job, reason, { id: entry.id, deliveries: entry.deliveries });
        },
      });
    },
    // read on every /metrics scrape: time-boxed like any call made for a request
    stats: () =>
      requestCall(redis, "read the run queue's size", async (): Promise<QueueStats> => {
        const group = (await groupInfo(redis, keys.runs)).find((info) => info.name === RUN_WORKERS_GROUP);
        if (!group) return { depth: Number(await redis.xlen(keys.runs)), pending: 0 };
        const lag = group.lag;
        return {
          // lag: entries not yet delivered to the group (null when Redis cannot tell, after deletions)
          depth: typeof lag === "number" ? lag : Number(lag ?? 0),
          pending: Number(group.pending ?? 0),
        };
      }),
  };
}
