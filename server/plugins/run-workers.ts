import type { FastifyInstance } from "fastify";
import type { Deps } from "../../lib/deps.js";
import { type RunWorkers, startRunWorkers } from "../../lib/queue/worker.js";

/**
 * Background-run workers (RUN_WORKERS, default 1; 0: none) start when the server is ready
 * and stop, after the runs in hand, when it closes.
 */
export function registerRunWorkers(app: FastifyInstance, deps: Deps): void {
  const count = deps.config.RUN_WORKERS;
  if (count === 0) return;
  let workers: RunWorkers | null = null;
  app.addHook("onReady", async () => {
    workers = startRunWorkers(deps, { count });
    deps.log.info({ workers: workers.names, queue: deps.redis ? "redis" : "in-process" }, "background run workers started");
  });
  app.addHook("onClose", async () => {
    await workers?.stop();
  });
}
