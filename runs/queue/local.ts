import { MAX_DELIVERIES } from "../../bus/redis/keys.js";
import type { Logger } from "../../lib/log.js";
import { sleep } from "../../lib/sleep.js";
import { deferred, type RunJob, type RunQueue } from "./job.js";

/**
 * The run queue without Redis: jobs wait in this process's memory and this process's
 * workers run them. (A job does not survive a restart; with Redis it does.)
 */
export function makeLocalRunQueue(log: Logger, clock: () => Date): RunQueue {
  const jobs: RunJob[] = [];
  const waiters = new Set<() => void>();
  let inFlight = 0;
  // failed deliveries per job, for the same 3-strikes rule as the Redis queue
  const deliveries = new Map<RunJob, number>();
  const wakeOne = () => {
    const waiter = waiters.values().next().value;
    if (waiter) {
      waiters.delete(waiter);
      waiter();
    }
  };

  return {
    async enqueue(job) {
      jobs.push(job);
      wakeOne();
    },
    consume({ handler, onDead }) {
      const stopping = new AbortController();
      const killed = new AbortController();
      const loop = (async () => {
        while (!stopping.signal.aborted) {
          const job = jobs.shift();
          if (!job) {
            await new Promise<void>((resolve) => {
              const wake = () => {
                stopping.signal.removeEventListener("abort", wake);
                waiters.delete(wake);
                resolve();
              };
              waiters.add(wake);
              stopping.signal.addEventListener("abort", wake);
            });
            continue;
          }
          const wait = job.not_before ? Date.parse(job.not_before) - clock().getTime() : 0;
          if (wait > 0) await sleep(wait, stopping.signal);
          if (stopping.signal.aborted) {
            jobs.unshift(job);
            break;
          }
          inFlight++;
          const delivery = (deliveries.get(job) ?? 0) + 1;
          try {
            if ((await handler(job, { killed: killed.signal })) === "defer" && !killed.signal.aborted) jobs.push(deferred(job, clock()));
            deliveries.delete(job);
          } catch (error) {
            const reason = (error as Error).message ?? String(error);
            log.warn({ err: reason, thread_id: job.thread_id, deliveries: delivery }, "background run job failed");
            if (delivery < MAX_DELIVERIES) {
              deliveries.set(job, delivery);
              jobs.push(job);
            } else {
              deliveries.delete(job);
              await Promise.resolve(onDead?.(job, reason, { id: `local-${job.trace_id}`, deliveries: delivery })).catch((failure) =>
                log.error({ err: failure }, "dead-letter callback failed"),
              );
            }
          } finally {
            inFlight--;
          }
        }
      })();
      return {
        async stop() {
          stopping.abort();
          await loop;
        },
        kill() {
          killed.abort();
          stopping.abort();
        },
      };
    },
    async stats() {
      return { depth: jobs.length, pending: inFlight };
    },
  };
}
