import { type Redis, ReplyError } from "ioredis";

/** How long a request waits for Redis unless REDIS_REQUEST_TIMEOUT_MS says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 250;

/**
 * After a call runs out of time, calls made for requests skip Redis for this long: with a Redis
 * that hangs, one request a second pays the time box instead of every request. The first call
 * after the pause asks Redis again (the others still skip it until that one has its answer).
 */
const PAUSE_AFTER_TIMEOUT_MS = 1_000;

/** A Redis call made for a request that got no answer within its time box, or was not tried (Redis hung moments ago). */
export class RedisTimeBoxError extends Error {
  override readonly name = "RedisTimeBoxError";
}

interface TimeBox {
  ms: number;
  /** performance.now() until which request calls skip Redis; 0 while it answers */
  pausedUntil: number;
  /** a call is asking Redis again after a pause */
  probing: boolean;
}

const TIME_BOX = Symbol("atlas.redis.timeBox");
type WithTimeBox = Redis & { [TIME_BOX]?: TimeBox };

function timeBoxOf(redis: Redis): TimeBox {
  const client = redis as WithTimeBox;
  client[TIME_BOX] ??= { ms: DEFAULT_REQUEST_TIMEOUT_MS, pausedUntil: 0, probing: false };
  return client[TIME_BOX];
}

/** Sets how long calls made for requests wait for this client (REDIS_REQUEST_TIMEOUT_MS); it goes with the client. */
export function setRequestTimeout(redis: Redis, ms: number): void {
  timeBoxOf(redis).ms = ms;
}

/** How long calls made for requests wait for this client. */
export function requestTimeoutOf(redis: Redis): number {
  return timeBoxOf(redis).ms;
}

/**
 * `work`, or a `RedisTimeBoxError` once `ms` have passed. What `work` does later is dropped
 * (a late rejection is handled, never unhandled); the caller decides whether that is safe.
 */
export function withinTimeBox<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    // Timers run before I/O in Node's event loop: after the loop was busy (the embedded database
    // runs in this process), an answer that arrived meanwhile is read first (setImmediate runs
    // after I/O), so a busy process does not mistake a prompt Redis for a hung one.
    timer = setTimeout(() => setImmediate(() => reject(new RedisTimeBoxError(`${what}: no answer from Redis within ${ms} ms`))), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** A rejection that is still Redis answering (an error reply, a limiter's "over the limit"), not a connection that failed or timed out. */
function isAnswer(rejection: unknown): boolean {
  return !(rejection instanceof Error) || rejection instanceof ReplyError;
}

/**
 * Runs one Redis call made for a request, so a Redis that is connected but does not answer
 * never holds the request longer than the client's time box (REDIS_REQUEST_TIMEOUT_MS): the
 * call fails with `RedisTimeBoxError`, and the caller degrades as when Redis is down (counts
 * in process, answers 503, says degraded). After a time-out, calls skip Redis for a second.
 * ioredis's own command timeout still ends the abandoned command later; the caller must be
 * fine with it having taken effect (an INCRBY counted twice, an XADD whose job is then
 * dropped as stale).
 */
export async function requestCall<T>(redis: Redis, what: string, call: () => Promise<T>): Promise<T> {
  const box = timeBoxOf(redis);
  let probe = false;
  if (box.pausedUntil > 0) {
    if (performance.now() < box.pausedUntil || box.probing) {
      throw new RedisTimeBoxError(`${what}: Redis did not answer within ${box.ms} ms moments ago; not asked again yet`);
    }
    box.probing = probe = true;
  }
  try {
    const work = call();
    // Any answer, even one to a call already abandoned, shows Redis is back: stop skipping it.
    work.then(
      () => {
        box.pausedUntil = 0;
      },
      (rejection: unknown) => {
        if (isAnswer(rejection)) box.pausedUntil = 0;
      },
    );
    return await withinTimeBox(work, box.ms, what);
  } catch (error) {
    if (error instanceof RedisTimeBoxError) box.pausedUntil = performance.now() + PAUSE_AFTER_TIMEOUT_MS;
    throw error;
  } finally {
    if (probe) box.probing = false;
  }
}
