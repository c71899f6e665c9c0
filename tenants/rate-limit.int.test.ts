import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRequestTimeout } from "../bus/redis/time-box.js";
import { createLogger } from "../lib/log.js";
import { waitFor } from "../test/helpers/redis.js";
import { stallingRedisProxy } from "../test/helpers/stalling-redis.js";
import { makeRedisRateLimiter } from "./rate-limit.js";

// Real Redis on 127.0.0.1:6379; every key of this file is under its own prefix, deleted after.
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `atlas-test-${randomBytes(4).toString("hex")}:`;
const clock = () => new Date();
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(redisUrl, { lazyConnect: false });
  // the limiter skips a client that is not ready yet (rejectIfRedisNotReady): connect first
  await redis.ping();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

/** A logger whose lines a test can read. */
function capturedLog() {
  const lines: { msg: string; redis_status?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")));
      done();
    },
  });
  return { log: createLogger("warn", stream), lines };
}

describe("Redis rate limiter", () => {
  it("two replicas share one count per key; the window's end comes from Redis", async () => {
    const replicaA = makeRedisRateLimiter({ redis, limit: 3, windowSeconds: 30, prefix, clock });
    const replicaB = makeRedisRateLimiter({ redis, limit: 3, windowSeconds: 30, prefix, clock });
    const decisions = [await replicaA.hit("key_1"), await replicaB.hit("key_1"), await replicaA.hit("key_1"), await replicaB.hit("key_1")];
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    const last = decisions[3];
    expect(last?.resetMs).toBeGreaterThan(25_000);
    expect(last?.resetMs).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`${prefix}ratelimit:key_1`)).toBeGreaterThan(0);
    expect((await replicaB.hit("key_2")).allowed).toBe(true);
  });

  it("counts atomically under concurrent hits", async () => {
    const limiter = makeRedisRateLimiter({ redis, limit: 10, prefix, clock });
    const results = await Promise.all(Array.from({ length: 25 }, () => limiter.hit("key_burst")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(await redis.get(`${prefix}ratelimit:key_burst`)).toBe("25");
  });

  it("keeps limiting in-process when Redis does not answer", async () => {
    // nothing listens on port 1: commands fail at once instead of queueing
    const down = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on("error", () => {});
    try {
      const limiter = makeRedisRateLimiter({ redis: down, limit: 2, prefix, clock });
      const results = [await limiter.hit("k"), await limiter.hit("k"), await limiter.hit("k")];
      expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    } finally {
      down.disconnect();
    }
  });

  it("does not wait for a Redis that is connected but stopped answering; says so once a minute by the clock", async () => {
    const proxy = await stallingRedisProxy();
    // no commandTimeout on this client: only the request time box can free a request
    const stalled = new Redis(proxy.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    stalled.on("error", () => {});
    const { log, lines } = capturedLog();
    let now = Date.parse("2026-01-01T00:00:00Z");
    try {
      await waitFor(() => stalled.status === "ready", 10_000, "the client to connect through the proxy");
      setRequestTimeout(stalled, 200);
      const limiter = makeRedisRateLimiter({ redis: stalled, limit: 2, prefix, log, clock: () => new Date(now) });
      expect((await limiter.hit("stall")).allowed).toBe(true); // counted in Redis
      proxy.stall();
      const results = [await limiter.hit("stall"), await limiter.hit("stall"), await limiter.hit("stall")];
      expect(stalled.status).toBe("ready");
      expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
      expect(await redis.get(`${prefix}ratelimit:stall`)).toBe("1"); // the stalled hits never reached it
      const warnings = () => lines.filter((line) => line.msg === "rate limiter cannot reach Redis; counting in this process until it returns");
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]?.redis_status).toBe("ready");
      now += 61_000;
      await limiter.hit("stall");
      expect(warnings()).toHaveLength(2);
    } finally {
      stalled.disconnect();
      await proxy.close();
    }
  });
});
