import type { Redis } from "ioredis";
import type { RedisKeys } from "../../bus/redis/keys.js";
import { requestCall } from "../../bus/redis/time-box.js";
import type { Logger } from "../../lib/log.js";

/** Token counters: atomic adds with an expiry, reads, and who used tokens on a day. */
export interface TokenCounters {
  /** Adds `amount` to the run's and the tenant's daily counter; resolves to both new totals. */
  add(scope: CounterScope, amount: number): Promise<{ run: number; daily: number }>;
  read(scope: CounterScope): Promise<{ run: number; daily: number }>;
  /** tenants with a daily counter for `day`, with their totals */
  day(day: string): Promise<{ tenant: string; used: number }[]>;
}

export interface CounterScope {
  tenant: string;
  /** the run's trace id */
  run: string;
  /** UTC day, YYYY-MM-DD */
  day: string;
  /** when the daily counter expires: the end of that UTC day */
  dayEnds: Date;
}

/** Run counters outlive their run by this much (a run paused at approval may be revised later). */
const RUN_TTL_SECONDS = 7 * 24 * 3600;

/** Counters in this process's memory (no Redis): exact for one replica. */
export function localCounters(clock: () => Date): TokenCounters {
  const values = new Map<string, { value: number; expires: number }>();
  const get = (key: string) => {
    const entry = values.get(key);
    if (!entry || entry.expires <= clock().getTime()) return 0;
    return entry.value;
  };
  const add = (key: string, amount: number, expires: number) => {
    const value = get(key) + amount;
    values.set(key, { value, expires });
    return value;
  };
  return {
    async add(scope, amount) {
      return {
        run: add(`run:${scope.run}`, amount, clock().getTime() + RUN_TTL_SECONDS * 1000),
        daily: add(`daily:${scope.day}:${scope.tenant}`, amount, scope.dayEnds.getTime()),
      };
    },
    async read(scope) {
      return { run: get(`run:${scope.run}`), daily: get(`daily:${scope.day}:${scope.tenant}`) };
    },
    async day(day) {
      const prefix = `daily:${day}:`;
      return [...values.keys()].filter((key) => key.startsWith(prefix)).map((key) => ({ tenant: key.slice(prefix.length), used: get(key) }));
    },
  };
}

/**
 * Counters in Redis, shared by every replica: INCRBY in a MULTI with EXPIREAT at the end of
 * the UTC day (daily) or a week on (per run). Every call is on a request's path (the architect
 * checks and charges during a synchronous plan, advice does too, `GET /admin/budget` and
 * `/metrics` read the day), so each waits at most the client's request time box. While Redis
 * is unreachable or does not answer in time they fall back to this process's counters, so
 * model calls are still bounded (per replica) and never fail or wait. A charge abandoned at
 * the time box that Redis carries out later is counted twice, in Redis and here: budgets err
 * on the side of spending less.
 */
export function redisCounters(redis: Redis, keys: RedisKeys, log: Logger, clock: () => Date): TokenCounters {
  const fallback = localCounters(clock);
  let degraded = false;
  const degrade = (error: unknown) => {
    if (!degraded) log.warn({ err: (error as Error).message }, "token counters fall back to this process while Redis is unreachable");
    degraded = true;
  };
  return {
    async add(scope, amount) {
      try {
        const results = await requestCall(redis, "count tokens", () =>
          redis
            .multi()
            .incrby(keys.runTokens(scope.run), amount)
            .expire(keys.runTokens(scope.run), RUN_TTL_SECONDS)
            .incrby(keys.dailyTokens(scope.tenant, scope.day), amount)
            .expireat(keys.dailyTokens(scope.tenant, scope.day), Math.ceil(scope.dayEnds.getTime() / 1000))
            .sadd(keys.dailyTenants(scope.day), scope.tenant)
            .expireat(keys.dailyTenants(scope.day), Math.ceil(scope.dayEnds.getTime() / 1000))
            .exec(),
        );
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error("redis transaction aborted");
        degraded = false;
        return { run: Number(results[0]?.[1]), daily: Number(results[2]?.[1]) };
      } catch (error) {
        degrade(error);
        return fallback.add(scope, amount);
      }
    },
    async read(scope) {
      try {
        const [run, daily] = await requestCall(redis, "read token counters", () =>
          redis.mget(keys.runTokens(scope.run), keys.dailyTokens(scope.tenant, scope.day)),
        );
        return { run: Number(run ?? 0), daily: Number(daily ?? 0) };
      } catch (error) {
        degrade(error);
        return fallback.read(scope);
      }
    },
    async day(day) {
      try {
        return await requestCall(redis, "read today's token counters", async () => {
          const tenants = await redis.smembers(keys.dailyTenants(day));
          if (tenants.length === 0) return [];
          const values = await redis.mget(...tenants.map((tenant) => keys.dailyTokens(tenant, day)));
          return tenants.map((tenant, i) => ({ tenant, used: Number(values[i] ?? 0) }));
        });
      } catch (error) {
        degrade(error);
        return fallback.day(day);
      }
    },
  };
}
