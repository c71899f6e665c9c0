import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { makeAuditLog } from "../../tenants/audit.js";
import { createKey, listKeys, revokeKey } from "../../tenants/keys.js";
import { roleSchema } from "../../tenants/roles.js";
import type { ServerDeps } from "../deps.js";
import { actorOf, tenantOf } from "../plugins/auth.js";
import { parseInput } from "../../lib/validation.js";

const createKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    roles: z.array(roleSchema).min(1).max(4),
  })
  .strict();
const budgetBodySchema = z
  .object({
    per_run: z.number().int().positive().max(1_000_000_000).optional(),
    daily: z.number().int().positive().max(1_000_000_000).optional(),
  })
  .strict()
  .refine((body) => body.per_run !== undefined || body.daily !== undefined, { message: "give per_run, daily or both" });
const keyParamsSchema = z.object({ ref: z.string().min(1).max(100) }).strict();
const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.coerce.number().int().positive().optional(),
    action: z.string().min(1).max(50).optional(),
    target: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * Key management and the audit log for the caller's tenant (admin only, see route-roles.ts):
 * `POST /admin/keys`, `GET /admin/keys`, `DELETE /admin/keys/:ref` (id or display prefix), `GET /audit`,
 * and the tenant's token budgets: `GET /admin/budget`, `PUT /admin/budget`.
 */
export async function adminRoutes(app: FastifyInstance, { deps }: { deps: Pick<ServerDeps, "db" | "tokenBudget" | "control" | "log"> }): Promise<void> {
  const audit = makeAuditLog(deps.db.pool);

  app.post("/admin/keys", async (request, reply) => {
    const body = parseInput(createKeyBodySchema, request.body);
    const { key, record } = await createKey(deps.db.pool, { tenant: tenantOf(request), name: body.name, roles: [...new Set(body.roles)] }, actorOf(request));
    // the only time the key is ever shown
    return reply.status(201).send({ ...record, key });
  });

  app.get("/admin/keys", async (request) => ({ keys: await listKeys(deps.db.pool, { tenant: tenantOf(request) }) }));

  app.delete("/admin/keys/:ref", async (request) => {
    const { ref } = parseInput(keyParamsSchema, request.params, "params");
    return revokeKey(deps.db.pool, ref, actorOf(request), { tenant: tenantOf(request) });
  });

  app.get("/admin/budget", async (request) => deps.tokenBudget.tenant(tenantOf(request)));

  // What the `set_budget` control message does, for the caller's tenant only. Stored here at
  // once; the other replicas drop their cached limits on `flush_cache` (or within 30 s).
  app.put("/admin/budget", async (request) => {
    const body = parseInput(budgetBodySchema, request.body);
    const tenant = tenantOf(request);
    const actor = actorOf(request);
    await deps.tokenBudget.setLimits(tenant, body, actor.name);
    await audit.record({ tenant, actor, action: "budget.set", target: tenant, detail: body });
    await deps.control.send({ type: "flush_cache", cache: "budgets" }).catch((error: Error) => {
      deps.log.warn({ err: error.message }, "flush_cache not sent: other replicas see the new budget when their cache expires");
    });
    return deps.tokenBudget.tenant(tenant);
  });

  app.get("/audit", async (request) => {
    const query = parseInput(auditQuerySchema, request.query, "query");
    return { entries: await audit.list(tenantOf(request), query) };
  });
}
