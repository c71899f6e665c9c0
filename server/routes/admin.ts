import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { isOneLine } from "../../lib/validation.js";
import { makeAuditLog } from "../../tenants/audit.js";
import { createKey, listKeys, revokeKey } from "../../tenants/keys.js";
import { roleSchema } from "../../tenants/roles.js";
import type { ServerDeps } from "../deps.js";
import { actorOf, tenantOf } from "../plugins/auth.js";
import { errorResponseSchema, errors, json } from "../responses.js";

const createKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).refine(isOneLine, "one line without control characters"),
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

/** A key as listings show it: never the key itself (dates are ISO 8601 strings). */
export const keyRecordSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  prefix: z.string(),
  roles: z.array(roleSchema),
  created_at: z.string(),
  created_by: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export const budgetSchema = z.object({
  tenant: z.string(),
  limits: z.object({ per_run: z.number().int(), daily: z.number().int() }),
  used_today: z.number().int(),
});
export const auditEntrySchema = z.object({
  id: z.string(),
  tenant: z.string(),
  actor_key_id: z.string().nullable(),
  actor_name: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  remote_addr: z.string().nullable(),
  created_at: z.string(),
});

const admin = { role: "admin" as const };
const tags = ["admin"];

/**
 * Key management and the audit log for the caller's tenant (admin only):
 * `POST /admin/keys`, `GET /admin/keys`, `DELETE /admin/keys/:ref` (id or display prefix), `GET /audit`,
 * and the tenant's token budgets: `GET /admin/budget`, `PUT /admin/budget`.
 */
export const adminRoutes: FastifyPluginAsyncZod<{ deps: Pick<ServerDeps, "db" | "tokenBudget" | "control" | "log"> }> = async (app, { deps }) => {
  const audit = makeAuditLog(deps.db.pool);

  app.post(
    "/admin/keys",
    {
      schema: {
        tags,
        summary: "Create an API key in the caller's tenant; the key is in the answer, once",
        description: "Roles: viewer, planner, approver, admin (each includes the ones before it).",
        body: createKeyBodySchema,
        response: { 201: json(keyRecordSchema.extend({ key: z.string() }), "The key record and `key`, shown this once"), 400: errors.invalid },
      },
      config: admin,
    },
    async (request, reply) => {
      const body = request.body;
      const { key, record } = await createKey(deps.db.pool, { tenant: tenantOf(request), name: body.name, roles: [...new Set(body.roles)] }, actorOf(request));
      // the only time the key is ever shown
      return reply.status(201).send({ ...record, key });
    },
  );

  app.get(
    "/admin/keys",
    {
      schema: {
        tags,
        summary: "The caller's tenant's keys, never the keys themselves",
        response: { 200: json(z.object({ keys: z.array(keyRecordSchema) }), "OK") },
      },
      config: admin,
    },
    async (request) => ({ keys: await listKeys(deps.db.pool, { tenant: tenantOf(request) }) }),
  );

  app.delete(
    "/admin/keys/:ref",
    {
      schema: {
        tags,
        summary: "Revoke a key by id or display prefix, at once",
        params: keyParamsSchema,
        response: { 200: json(keyRecordSchema, "The revoked key"), 400: errors.invalid, 404: json(errorResponseSchema, "No such key in the caller's tenant") },
      },
      config: admin,
    },
    async (request) => revokeKey(deps.db.pool, request.params.ref, actorOf(request), { tenant: tenantOf(request) }),
  );

  app.get(
    "/admin/budget",
    {
      schema: { tags, summary: "The caller's tenant's token budgets and the tokens it used today", response: { 200: json(budgetSchema, "OK") } },
      config: admin,
    },
    async (request) => deps.tokenBudget.tenant(tenantOf(request)),
  );

  // What the `set_budget` control message does, for the caller's tenant only. Stored here at
  // once; the other replicas drop their cached limits on `flush_cache` (or within 30 s).
  app.put(
    "/admin/budget",
    {
      schema: {
        tags,
        summary: "Change the caller's tenant's token budgets at run time, on every replica",
        description: "Positive integers, at least one; an absent field keeps its value. Audited as `budget.set`.",
        body: budgetBodySchema,
        response: { 200: json(budgetSchema, "The budgets after the change"), 400: errors.invalid },
      },
      config: admin,
    },
    async (request) => {
      const body = request.body;
      const tenant = tenantOf(request);
      const actor = actorOf(request);
      await deps.tokenBudget.setLimits(tenant, body, actor.name);
      await audit.record({ tenant, actor, action: "budget.set", target: tenant, detail: body });
      await deps.control.send({ type: "flush_cache", cache: "budgets" }).catch((error: Error) => {
        deps.log.warn({ err: error.message }, "flush_cache not sent: other replicas see the new budget when their cache expires");
      });
      return deps.tokenBudget.tenant(tenant);
    },
  );

  app.get(
    "/audit",
    {
      schema: {
        tags,
        summary: "The caller's tenant's audit log, newest first",
        description: "`before` is an entry id, to page back; `target` is e.g. a thread id.",
        querystring: auditQuerySchema,
        response: { 200: json(z.object({ entries: z.array(auditEntrySchema) }), "OK"), 400: errors.invalid },
      },
      config: admin,
    },
    async (request) => ({ entries: await audit.list(tenantOf(request), request.query) }),
  );
};
