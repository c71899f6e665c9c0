import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { redisProblem } from "../../bus/redis/client.js";
import { pendingMigrations } from "../../lib/db/migrate.js";
import type { ServerDeps } from "../deps.js";
import { json } from "../responses.js";

export const healthResponseSchema = z.object({ status: z.literal("ok") });

export const readyResponseSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  /** Redis answers with a problem: synchronous requests still work */
  degraded: z.literal(true).optional(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional(), degraded: z.boolean().optional() })),
});

/**
 * `GET /healthz`: the process answers. `GET /readyz`: the database answers and is migrated.
 * Redis down does not make a replica unready (synchronous requests still work, events wait
 * in the outbox): `/readyz` says `degraded` with the reason instead.
 */
export const healthRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.get(
    "/healthz",
    {
      schema: { tags: ["health"], summary: "The process answers", response: { 200: json(healthResponseSchema, "OK") } },
      config: { public: true },
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "The database answers and is migrated",
        description: "Redis down does not make a replica unready: the answer says `degraded` with the reason instead.",
        response: { 200: json(readyResponseSchema, "Ready"), 503: json(readyResponseSchema, "Not ready; `checks` say why") },
      },
      config: { public: true },
    },
    async (_request, reply) => {
      const checks: Record<string, { ok: boolean; detail?: string; degraded?: boolean }> = {};
      try {
        await deps.db.pool.query("select 1");
        const pending = await pendingMigrations(deps.db.pool);
        checks.database = { ok: true, detail: deps.db.kind };
        checks.migrations = pending.length ? { ok: false, detail: `pending: ${pending.join(", ")}` } : { ok: true };
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
    },
  );
};
