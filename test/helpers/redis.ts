import { randomBytes } from "node:crypto";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";

/** The machine's Redis, used by integration tests (each file under its own key prefix). */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other test file uses: `atlas-test-<random>:`. */
export function testRedisPrefix(): string {
  return `atlas-test-${randomBytes(5).toString("hex")}:`;
}

/** A plain client for a test to look at streams and keys with. */
export function testRedisClient(): Redis {
  return new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (SCAN, not KEYS). */
export async function cleanRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** Polls `check` until it returns a truthy value (which is returned) or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 20_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/**
 * A TCP proxy to the test Redis on a local port it holds from the start, to play "Redis is
 * down" (connections are accepted and dropped at once) and "Redis is back" (`up()`: they are
 * forwarded to the real Redis).
 */
export async function redisProxy() {
  const target = new URL(testRedisUrl);
  const sockets = new Set<Socket>();
  let forwarding = false;
  const server: Server = createServer((client) => {
    if (!forwarding) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    /** Redis is reachable through the proxy from now on. */
    up(): void {
      forwarding = true;
    },
    /** Redis goes away: open connections are cut, new ones dropped. */
    down(): void {
      forwarding = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    async close(): Promise<void> {
      this.down();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
