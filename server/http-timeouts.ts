import type { ServerOptions } from "node:http";
import type { Config } from "../lib/config.js";

type TimeoutSettings = Pick<Config, "HEADERS_TIMEOUT_MS" | "REQUEST_TIMEOUT_MS" | "KEEP_ALIVE_TIMEOUT_MS">;

/** The Fastify options that bound connections, as `buildServer` passes them. */
export interface HttpTimeoutOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  forceCloseConnections: "idle";
  return503OnClosing: true;
  http: ServerOptions;
}

/**
 * How long a client may take to *send* a request, and how long an idle keep-alive connection
 * lives. Answers are never timed: a plan stream (SSE) or a synchronous plan may run long.
 *
 * - `headersTimeout` and `requestTimeout` are Node's: they time a request from its first byte
 *   until its head, and until its last body byte. Node checks them on a timer
 *   (`connectionsCheckingInterval`, 30 s by default, so a 10 s limit could hold a slowloris
 *   client for 40 s); it runs here a few times per headers timeout, at most once a second.
 *   Node refuses a headers timeout above the request timeout, and it would mean nothing.
 * - `connectionTimeout` (socket inactivity) stays 0: it would also cut a quiet answer.
 * - On `close()`, idle keep-alive connections close at once and new requests get 503 (the
 *   rest of the bounded shutdown is `app/serve.ts`).
 */
export function httpTimeoutOptions(config: TimeoutSettings): HttpTimeoutOptions {
  const requestTimeout = config.REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, requestTimeout);
  return {
    requestTimeout,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: 0,
    forceCloseConnections: "idle",
    return503OnClosing: true,
    http: { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(headersTimeout / 4))) },
  };
}
