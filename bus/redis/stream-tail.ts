import type { Redis } from "ioredis";
import type { Logger } from "../../lib/log.js";
import { backoff, sleep } from "../../lib/sleep.js";
import { duplicateRedis, waitForRedis } from "./client.js";
import { fieldsToObject } from "./keys.js";

export interface StreamTail {
  /** resolves once the tail knows where "now" is in the stream */
  ready: Promise<void>;
  stop(): Promise<void>;
}

type ReadReply = [stream: string, entries: [string, string[]][]][] | null;

/**
 * Follows a stream from now on with XREAD BLOCK, without a consumer group: every replica
 * sees every entry (fan-out for SSE clients and control messages). Retries with backoff.
 */
export function startStreamTail(options: { redis: Redis; stream: string; log: Logger; onEntry(id: string, fields: Record<string, string>): void }): StreamTail {
  const { redis, stream, log } = options;
  const stopController = new AbortController();
  const connection = duplicateRedis(redis, log);
  let lastId: string | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const loop = (async () => {
    let failures = 0;
    while (!stopController.signal.aborted) {
      try {
        if (connection.status !== "ready") await waitForRedis(connection, 1_000, stopController.signal);
        if (lastId === null) {
          const top = (await connection.xrevrange(stream, "+", "-", "COUNT", 1)) as [string, string[]][];
          lastId = top[0]?.[0] ?? "0-0";
          markReady();
        }
        const reply = (await connection.xread("COUNT", 100, "BLOCK", 1_000, "STREAMS", stream, lastId)) as ReadReply;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            try {
              options.onEntry(id, fieldsToObject(fields));
            } catch (error) {
              log.error({ err: error, stream, id }, "stream listener failed");
            }
          }
        }
        failures = 0;
      } catch (error) {
        if (stopController.signal.aborted) break;
        if (failures === 0) log.debug({ stream, err: (error as Error).message }, "stream tail failed; retrying with backoff");
        await sleep(backoff(failures++), stopController.signal);
      }
    }
    markReady();
  })();

  return {
    ready,
    async stop() {
      stopController.abort();
      connection.disconnect(false);
      await loop;
    },
  };
}
