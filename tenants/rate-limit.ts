import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from "rate-limiter-flexible";
import { requestCall, requestTimeoutOf } from "../bus/redis/time-box.js";
import type { Logger } from "../lib/log.js";

/** The outcome of counting one request against a key's budget. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** milliseconds until the current window ends and the budget refills */
  resetMs: number;
}

/** Counts requests per key in fixed windows. */
export interface RateLimiter {
  hit(key: string): Promise<RateDecision>;
}

/** What every limiter of rate-limiter-flexible offers: resolve under the limit, reject over it. */
type Consumer = Pick<RateLimiterMemory, "consume">;

/** A Redis outage is logged at most this often, not once per request. */
const WARN_EVERY_MS = 60_000;

async function count(limiter: Consumer, key: string, limit: number): Promise<RateDecision> {
  let result: RateLimiterRes;
  let allowed = true;
  try {
    result = await limiter.consume(key);
  } catch (rejection) {
    // the library rejects with an Error when a store fails without insurance, and with the
    // count itself when the key is over its limit
    if (rejection instanceof Error) throw rejection;
    result = rejection as RateLimiterRes;
    allowed = false;
  }
  return { allowed, limit, remaining: result.remainingPoints, resetMs: Math.max(0, result.msBeforeNext) };
}

/**
 * Fixed windows in this process's memory (`RateLimiterMemory`): right for a single replica.
 * The library keeps its own time (`Date.now()` and timers), so tests move it with fake timers.
 */
export function makeLocalRateLimiter(options: { limit: number; windowSeconds?: number }): RateLimiter {
  const memory = new RateLimiterMemory({ points: options.limit, duration: options.windowSeconds ?? 60 });
  return { hit: (key) => count(memory, key, options.limit) };
}

/**
 * Fixed windows in Redis (`RateLimiterRedis`: INCRBY and the expiry in one Lua script, the
 * window's end read from Redis's own clock), shared by every replica; the count of key `k` is
 * `<prefix>ratelimit:k`.
 *
 * Redis never holds a request up: a client that is not connected is refused at once
 * (`rejectIfRedisNotReady`), and one that is connected but does not answer is abandoned after
 * the client's request time box (`requestCall`, REDIS_REQUEST_TIMEOUT_MS), which then skips
 * Redis for a moment. Either way the request is counted in this process
 * instead, and the outage is logged at most once a minute by `clock`. The Redis limiter has no
 * insurance of its own: a command abandoned at the time box that fails later is not counted
 * in process a second time.
 */
export function makeRedisRateLimiter(options: {
  redis: Redis;
  limit: number;
  windowSeconds?: number;
  prefix?: string;
  log?: Logger;
  clock: () => Date;
}): RateLimiter {
  const { redis } = options;
  const duration = options.windowSeconds ?? 60;
  let warnedAt: number | null = null;
  const noticeFallback = () => {
    const now = options.clock().getTime();
    if (warnedAt !== null && now - warnedAt < WARN_EVERY_MS) return;
    warnedAt = now;
    options.log?.warn(
      { redis_status: redis.status, timeout_ms: requestTimeoutOf(redis) },
      "rate limiter cannot reach Redis; counting in this process until it returns",
    );
  };
  const store = new RateLimiterRedis({
    storeClient: redis,
    points: options.limit,
    duration,
    keyPrefix: `${options.prefix ?? "atlas:"}ratelimit`,
    rejectIfRedisNotReady: true,
  });
  const insurance = new RateLimiterMemory({ points: options.limit, duration });
  const limiter: Consumer = {
    async consume(key) {
      try {
        return await requestCall(redis, "rate limit", () => store.consume(key));
      } catch (rejection) {
        // over the limit (counted in Redis) is an answer, not a failure
        if (!(rejection instanceof Error)) throw rejection;
        noticeFallback();
        return insurance.consume(key);
      }
    },
  };
  return { hit: (key) => count(limiter, key, options.limit) };
}
