import type { FastifyInstance } from "fastify";
import { pendingMigrations } from "../../lib/db/migrate.js";
import type { ServerDeps } from "../deps.js";
import { redisProblem } from "../../bus/redis/client.js";

/**
 * `GET /healthz`: the process answers. `GET /readyz`: the database answers and is migrated.
 * Redis down does not make a replica unready (synchronous requests still work, events wait
 * in the outbox): `/readyz` says `degraded` with the reason instead.
 */
export async function healthRoutes(app: FastifyInstance, { deps }: { deps: ServerDeps }): Promise<void> {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string; degraded?: boolean }> = {};
    try {
      await deps.db.pool.query("select 1");
      const pending = await pendingMigrations(deps.db.pool);
      checks.database = { ok: true, detail: deps.db.kind };
      checks.migrations = pending.length
        ? { ok: false, detail: `pending: ${pending.join(", ")}` }
        : { ok: true };
    } catch (error) {
      checks.database = { ok: false, detail: (error as Error).message };
    }
    if (deps.redis) {
      const problem = await redisProblem(deps.redis);
      checks.redis = problem
        ? { ok: true, degraded: true, detail: `degraded: ${problem}; events wait in the Postgres outbox, background runs are refused` }
        : { ok: true, detail: "connected" };
    } else {
      checks.redis = { ok: true, detail: "not configured: in-process event bus, queue and counters" };
    }
    const ready = Object.values(checks).every((check) => check.ok);
    const degraded = Object.values(checks).some((check) => check.degraded);
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", ...(degraded ? { degraded: true } : {}), checks });
  });
}
