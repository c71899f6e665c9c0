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

/** The part of an ioredis client the limiter uses. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

const decide = (count: number, limit: number, resetMs: number): RateDecision => ({
  allowed: count <= limit,
  limit,
  remaining: Math.max(0, limit - count),
  resetMs: Math.max(0, resetMs),
});

/** Fixed windows in this process's memory: right for a single replica. */
export function makeLocalRateLimiter(options: { limit: number; windowMs?: number; now?: () => number }): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { count: number; endsAt: number }>();
  let nextSweep = 0;
  return {
    async hit(key) {
      const at = now();
      if (at >= nextSweep) {
        // drop finished windows so idle keys do not accumulate
        for (const [name, window] of windows) if (window.endsAt <= at) windows.delete(name);
        nextSweep = at + windowMs;
      }
      let window = windows.get(key);
      if (!window || window.endsAt <= at) {
        window = { count: 0, endsAt: at + windowMs };
        windows.set(key, window);
      }
      window.count++;
      return decide(window.count, options.limit, window.endsAt - at);
    },
  };
}

/**
 * INCR and, on a window's first request, PEXPIRE, atomically; the window's remaining time comes
 * from Redis's own clock, so replicas with skewed clocks agree.
 */
const FIXED_WINDOW_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/**
 * Fixed windows in Redis, shared by every replica. When Redis does not answer within
 * `timeoutMs` the request is counted in this process instead (degraded, logged), so an
 * outage of Redis does not turn into an outage of the API.
 */
export function makeRedisRateLimiter(options: {
  redis: RedisEval;
  limit: number;
  windowMs?: number;
  prefix?: string;
  timeoutMs?: number;
  log?: Logger;
}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const prefix = options.prefix ?? "atlas:";
  const timeoutMs = options.timeoutMs ?? 250;
  const fallback = makeLocalRateLimiter({ limit: options.limit, windowMs });
  let lastWarning = 0;
  return {
    async hit(key) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const reply = await Promise.race([
          options.redis.eval(FIXED_WINDOW_SCRIPT, 1, `${prefix}ratelimit:${key}`, windowMs),
          new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        const [count, ttl] = reply as [number, number];
        return decide(Number(count), options.limit, Number(ttl));
      } catch (error) {
        if (Date.now() - lastWarning > 60_000) {
          lastWarning = Date.now();
          options.log?.warn({ err: error }, "rate limiter cannot reach Redis; counting in this process until it returns");
        }
        return fallback.hit(key);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
