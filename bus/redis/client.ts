import { Redis } from "ioredis";
import type { Logger } from "../../lib/log.js";
import { requestCall, setRequestTimeout } from "./time-box.js";

/** How long start-up waits for Redis before going on degraded (events wait in the outbox). */
const CONNECT_WAIT_MS = 2_000;

/**
 * A Redis client for Atlas. Commands fail at once while Redis is unreachable (no offline
 * queue), so callers fall back or retry instead of hanging; the client keeps reconnecting
 * with backoff. Connection changes are logged once each, not per failed attempt.
 *
 * `requestTimeoutMs` (REDIS_REQUEST_TIMEOUT_MS) goes with the client: every call made for a
 * request (`requestCall`) waits that long at most. The 5 s command timeout is for background
 * work (relay, consumers), which may wait longer.
 */
export function makeRedis(url: string, log: Logger, options: { name?: string; requestTimeoutMs?: number } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: options.name ?? "atlas",
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 5_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  watchConnection(redis, log);
  if (options.requestTimeoutMs !== undefined) setRequestTimeout(redis, options.requestTimeoutMs);
  return redis;
}

/** A second connection with the same options, for blocking reads (XREAD/XREADGROUP BLOCK). */
export function duplicateRedis(redis: Redis, log: Logger): Redis {
  const copy = redis.duplicate();
  watchConnection(copy, log, false);
  return copy;
}

function watchConnection(redis: Redis, log: Logger, announce = true): void {
  let up: boolean | null = null;
  redis.on("ready", () => {
    if (up === false && announce) log.info("redis reachable again");
    up = true;
  });
  redis.on("error", (error: Error) => {
    if (up !== false && announce) log.warn({ err: error.message }, "redis unreachable; running degraded until it returns");
    up = false;
  });
}

/** Resolves once `redis` is connected, or after `timeoutMs` (then the caller runs degraded). */
export async function waitForRedis(redis: Redis, timeoutMs = CONNECT_WAIT_MS, signal?: AbortSignal): Promise<boolean> {
  if (redis.status === "ready") return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      signal?.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on("ready", onReady);
    signal?.addEventListener("abort", onAbort);
  });
}

/** Pings Redis within the request time box: `null` when it answers, otherwise why not. */
export async function redisProblem(redis: Redis): Promise<string | null> {
  if (redis.status !== "ready") return `not connected (${redis.status})`;
  try {
    await requestCall(redis, "PING", () => redis.ping());
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Closes a client without waiting for replies still in flight. */
export function closeRedis(redis: Redis): void {
  redis.disconnect(false);
}
