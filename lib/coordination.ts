import type { Redis } from "ioredis";
import type pg from "pg";
import { type TokenBudget, makeTokenBudget } from "./budget/token-budget.js";
import { localCounters, redisCounters } from "./budget/counters.js";
import { makeBudgetLimits } from "./budget/limits.js";
import type { Config } from "./config.js";
import { type ControlBus, makeLocalControlBus } from "./control.js";
import { type EventBus, makeLocalEventBus } from "./events.js";
import type { Logger } from "./log.js";
import type { RunQueue } from "./queue/job.js";
import { makeLocalRunQueue } from "./queue/local-queue.js";
import { makeRedisRunQueue } from "./queue/redis-queue.js";
import { closeRedis, makeRedis, waitForRedis } from "./redis/client.js";
import { makeRedisControlBus } from "./redis/control.js";
import { makeRedisEventBus } from "./redis/event-bus.js";
import { type RedisKeys, redisKeys } from "./redis/keys.js";

/** What replicas share: on Redis when REDIS_URL is set, in-process equivalents otherwise. */
export interface Coordination {
  /** null without REDIS_URL */
  redis: Redis | null;
  keys: RedisKeys;
  events: EventBus;
  control: ControlBus;
  queue: RunQueue;
  tokenBudget: TokenBudget;
  close(): Promise<void>;
}

/**
 * Builds the event bus, control channel, run queue and token budget. With REDIS_URL it
 * waits briefly for Redis and, if it is down, starts anyway (degraded: events wait in the
 * Postgres outbox, token counters are per process, background runs are refused).
 */
export async function buildCoordination(
  config: Config,
  parts: { pool: pg.Pool; log: Logger; clock: () => Date; onDeadLetter?: (type: string) => void },
): Promise<Coordination> {
  const { pool, log, clock } = parts;
  const keys = redisKeys(config.REDIS_KEY_PREFIX);
  const limits = makeBudgetLimits(pool, { per_run: config.TOKEN_BUDGET_PER_RUN, daily: config.DAILY_TOKEN_BUDGET }, clock);
  let redis: Redis | null = null;
  let events: EventBus;
  let control: ControlBus;
  let queue: RunQueue;
  let tokenBudget: TokenBudget;
  if (config.REDIS_URL) {
    redis = makeRedis(config.REDIS_URL, log);
    if (!(await waitForRedis(redis))) log.warn("Redis (REDIS_URL) is unreachable at start-up; running degraded until it answers");
    events = makeRedisEventBus(pool, redis, keys, {
      log,
      clock,
      onDeadLetter: parts.onDeadLetter,
      claimIdleMs: config.STREAM_CLAIM_IDLE_MS,
      pollMs: config.OUTBOX_POLL_MS,
      maxLen: config.EVENT_STREAM_MAXLEN,
    });
    control = makeRedisControlBus(redis, keys, log, clock);
    queue = makeRedisRunQueue(redis, keys, { claimIdleMs: config.STREAM_CLAIM_IDLE_MS, log, clock });
    tokenBudget = makeTokenBudget({ limits, counters: redisCounters(redis, keys, log, clock), clock, log });
  } else {
    events = makeLocalEventBus(pool, { log, clock, onDeadLetter: parts.onDeadLetter });
    control = makeLocalControlBus(log, clock);
    queue = makeLocalRunQueue(log, clock);
    tokenBudget = makeTokenBudget({ limits, counters: localCounters(clock), clock, log });
  }
  control.on("set_budget", (message) => tokenBudget.setLimits(message.tenant, { per_run: message.per_run, daily: message.daily }, message.from));
  control.on("flush_cache", () => tokenBudget.flush());
  const client = redis;
  return {
    redis,
    keys,
    events,
    control,
    queue,
    tokenBudget,
    async close() {
      await events.close();
      await control.close();
      if (client) closeRedis(client);
    },
  };
}
