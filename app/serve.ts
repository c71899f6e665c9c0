import { constants } from "node:os";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../server/app.js";
import { type Connections, trackConnections } from "./connections.js";
import type { Deps } from "./deps.js";

/** After the grace period, how long closing may still take before the process gives up on it. */
export const AFTER_GRACE_MS = 5_000;

/** A listening server and how to stop it. */
export interface Served {
  app: FastifyInstance;
  /** where it listens, e.g. `http://127.0.0.1:8787` (the real port when PORT is 0) */
  url: string;
  /**
   * The bounded graceful shutdown `serve` describes, without exiting; resolves to the exit code
   * (0: everything closed). Calling it again returns the same promise.
   */
  shutdown(reason: string): Promise<number>;
}

export interface ServeOptions {
  /** what the start-up line calls this process (default `Atlas`) */
  name?: string;
  /** more fields for the start-up line */
  announce?: Record<string, unknown>;
}

/**
 * Builds the HTTP server on `deps`, listens on HOST:PORT and, on SIGTERM or SIGINT, shuts
 * down within a bound and exits:
 *
 * 1. new requests get 503 (`connection: close`), plan streams are told to end, idle keep-alive
 *    connections and those still sending a request head close at once, background workers take
 *    no new job;
 * 2. requests in flight and background runs in hand get SHUTDOWN_GRACE_MS, then the
 *    connections left are cut (each cut request is logged);
 * 3. the server's close hooks and `deps` (database, Redis) get AFTER_GRACE_MS more. Past that
 *    the process exits 1 without closing the database, as a crash would: a run still in hand
 *    keeps its claim until it goes stale and is taken over (another replica, or the next start).
 *
 * Exit 0 once everything closed (1 when closing something failed). A second signal exits at
 * once (128 + its number).
 */
export async function serve(deps: Deps, options: ServeOptions = {}): Promise<Served> {
  const { config, log } = deps;
  const app = await buildServer(deps);
  const connections = trackConnections(app.server);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  let stopping: Promise<number> | null = null;
  const shutdown = (reason: string) => {
    stopping ??= boundedShutdown(app, deps, connections, reason);
    return stopping;
  };
  exitOnSignals(shutdown, deps.log);
  log.info(
    { database: deps.db.kind, console: `${url}/console`, ...options.announce },
    `${options.name ?? "Atlas"} listening on ${url} (console: ${url}/console)`,
  );
  return { app, url, shutdown };
}

function exitOnSignals(shutdown: (reason: string) => Promise<number>, log: Deps["log"]): void {
  let first: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      log.warn({ signal, first }, "second signal: exiting now, without finishing the shutdown");
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    first = signal;
    void shutdown(signal).then((code) => process.exit(code));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** Resolves true when `work` settles within `ms`, false when the time runs out first. */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}

async function boundedShutdown(app: FastifyInstance, deps: Deps, connections: Connections, reason: string): Promise<number> {
  const { log } = deps;
  const grace = deps.config.SHUTDOWN_GRACE_MS;
  const started = Date.now();
  const deadline = started + grace + AFTER_GRACE_MS;
  let code = 0;
  const failed = (what: string) => (error: unknown) => {
    log.error({ err: error }, `${what} failed`);
    code = 1;
  };
  log.info(
    { reason, grace_ms: grace, requests_in_flight: connections.inFlight(), connections: connections.open() },
    "shutting down: new requests get 503, requests in flight and background runs in hand may finish",
  );
  // close(): 503 for new requests, preClose hooks (plan streams end, workers stop taking jobs),
  // idle keep-alive connections closed, no new connection, then the close hooks once the last
  // request is answered
  const closed = app.close().catch(failed("closing the HTTP server"));
  const dropped = connections.drain();
  if (dropped > 0) log.info({ connections: dropped }, "closed connections with no request in hand (idle keep-alive, or a request head still arriving)");

  if (!(await within(closed, grace))) {
    const cut = connections.cutAll();
    if (cut.length > 0) log.warn({ grace_ms: grace, requests: cut }, `grace period over: cut ${cut.length} request(s) still in flight`);
    else log.warn({ grace_ms: grace }, "grace period over: background work still in hand (a worker's run)");
  }
  if (!(await within(closed, deadline - Date.now()))) {
    log.error(
      { waited_ms: Date.now() - started },
      "exiting before the server's close hooks finished (a worker's run still in hand): the database is left open as after a crash; the run's claim goes stale and another replica or the next start takes it over",
    );
    return 1;
  }
  if (!(await within(deps.close().catch(failed("closing the database and Redis")), deadline - Date.now()))) {
    log.error({ waited_ms: Date.now() - started }, "exiting before the database and Redis closed");
    return 1;
  }
  log.info({ ms: Date.now() - started, exit_code: code }, "shut down");
  return code;
}
