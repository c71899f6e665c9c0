import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRedisRateLimiter } from "./rate-limit.js";

// Real Redis on 127.0.0.1:6379; every key of this file is under its own prefix, deleted after.
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `atlas-test-${randomBytes(4).toString("hex")}:`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl, { lazyConnect: false });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe("Redis rate limiter", () => {
  it("two replicas share one count per key; the window's end comes from Redis", async () => {
    const replicaA = makeRedisRateLimiter({ redis, limit: 3, windowMs: 30_000, prefix });
    const replicaB = makeRedisRateLimiter({ redis, limit: 3, windowMs: 30_000, prefix });
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
    const limiter = makeRedisRateLimiter({ redis, limit: 10, prefix });
    const results = await Promise.all(Array.from({ length: 25 }, () => limiter.hit("key_burst")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(await redis.get(`${prefix}ratelimit:key_burst`)).toBe("25");
  });

  it("keeps limiting in-process when Redis does not answer", async () => {
    // nothing listens on port 1: commands fail at once instead of queueing
    const down = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on("error", () => {});
    try {
      const limiter = makeRedisRateLimiter({ redis: down, limit: 2, prefix, timeoutMs: 200 });
      const results = [await limiter.hit("k"), await limiter.hit("k"), await limiter.hit("k")];
      expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    } finally {
      down.disconnect();
    }
  });
});
