import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes, RLWrapperTimeouts } from "rate-limiter-flexible";
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

/** How long a request waits for Redis before it is counted in this process instead. */
const REDIS_TIME_BOX_MS = 250;
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

/** The in-process count that stands in while Redis does not answer; it reports each use. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(...args);
  }
}

/**
 * Fixed windows in Redis (`RateLimiterRedis`: INCRBY and the expiry in one Lua script, the
 * window's end read from Redis's own clock), shared by every replica; the count of key `k` is
 * `<prefix>ratelimit:k`.
 *
 * Redis never holds a request up: a client that is not connected is refused at once
 * (`rejectIfRedisNotReady`), and one that is connected but does not answer is abandoned after
 * `timeoutMs` (`RLWrapperTimeouts`). Either way the request is counted in this process instead
 * (`insuranceLimiter`), and the outage is logged at most once a minute by `clock`.
 *
 * The insurance sits on the time-box wrapper, not on the Redis limiter: a command abandoned at
 * the time-box that fails later would otherwise be counted in process a second time.
 */
export function makeRedisRateLimiter(options: {
  redis: Redis;
  limit: number;
  windowSeconds?: number;
  prefix?: string;
  timeoutMs?: number;
  log?: Logger;
  clock: () => Date;
}): RateLimiter {
  const duration = options.windowSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? REDIS_TIME_BOX_MS;
  let warnedAt: number | null = null;
  const noticeFallback = () => {
    const now = options.clock().getTime();
    if (warnedAt !== null && now - warnedAt < WARN_EVERY_MS) return;
    warnedAt = now;
    options.log?.warn(
      { redis_status: options.redis.status, timeout_ms: timeoutMs },
      "rate limiter cannot reach Redis; counting in this process until it returns",
    );
  };
  const store = new RateLimiterRedis({
    storeClient: options.redis,
    points: options.limit,
    duration,
    keyPrefix: `${options.prefix ?? "atlas:"}ratelimit`,
    rejectIfRedisNotReady: true,
  });
  const limiter = new RLWrapperTimeouts({
    limiter: store,
    timeoutMs,
    insuranceLimiter: new InsuranceLimiter({ points: options.limit, duration }, noticeFallback),
  });
  return { hit: (key) => count(limiter, key, options.limit) };
}
