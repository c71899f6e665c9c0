import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { testRedisUrl } from "./redis.js";

/**
 * A TCP proxy to the test Redis that can hang: connections are forwarded until `stall()`, and
 * from then on whatever a client sends is swallowed. Clients stay connected and "ready" and
 * never get an answer, which is what a wedged Redis (or a network path that drops packets)
 * looks like; new connections are accepted and never finish their handshake.
 */
export async function stallingRedisProxy() {
  const target = new URL(testRedisUrl);
  const sockets = new Set<Socket>();
  let stalled = false;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
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
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** From now on nothing a client sends reaches Redis, so nothing is answered. */
    stall(): void {
      stalled = true;
    },
    /** Cuts every connection and stops listening (clients' pending commands fail). */
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
