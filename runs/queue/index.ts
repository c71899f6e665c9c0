import type { Redis } from "ioredis";
import type { RedisKeys } from "../../bus/redis/keys.js";
import type { Logger } from "../../lib/log.js";
import type { RunQueue } from "./job.js";
import { makeLocalRunQueue } from "./local.js";
import { makeRedisRunQueue } from "./redis.js";

export type { RunJob, RunQueue } from "./job.js";

/** The background-run queue: the `<prefix>runs` stream with Redis, this process's memory without. */
export function makeRunQueue(redis: Redis | null, keys: RedisKeys, parts: { claimIdleMs: number; log: Logger; clock: () => Date }): RunQueue {
  return redis ? makeRedisRunQueue(redis, keys, parts) : makeLocalRunQueue(parts.log, parts.clock);
}
