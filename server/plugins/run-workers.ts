import type { FastifyInstance } from "fastify";
import { type RunWorkers, startRunWorkers } from "../../runs/worker.js";
import type { ServerDeps } from "../deps.js";

/**
 * Background-run workers (RUN_WORKERS, default 1; 0: none) start when the server is ready;
 * when it starts closing they take no new job, and it closes after the runs in hand. Without
 * Redis the queue is in memory: the runs a previous process left PENDING are queued again first.
 */
export function registerRunWorkers(app: FastifyInstance, deps: ServerDeps): void {
  const count = deps.config.RUN_WORKERS;
  if (count === 0) return;
  let workers: RunWorkers | null = null;
  app.addHook("onReady", async () => {
    if (!deps.redis) {
      const requeued = await deps.background.requeue();
      if (requeued > 0) deps.log.info({ requeued }, "queued background runs from before the restart put back on the in-process queue");
    }
    workers = startRunWorkers(deps, { count });
    deps.log.info({ workers: workers.names, queue: deps.redis ? "redis" : "in-process" }, "background run workers started");
  });
  // stop taking jobs as soon as the server starts closing, not after its requests drained;
  // the close waits (within the shutdown's bound) for the runs in hand
  let stopped: Promise<void> | undefined;
  app.addHook("preClose", async () => {
    // awaited in onClose; caught here so that a failure is not an unhandled rejection meanwhile
    stopped = workers?.stop().catch((error: unknown) => deps.log.error({ err: error }, "stopping background run workers failed"));
  });
  app.addHook("onClose", async () => {
    await (stopped ?? workers?.stop());
  });
}
