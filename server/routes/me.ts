import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { roleSchema } from "../../tenants/roles.js";
import { principalOf } from "../plugins/auth.js";
import { errors, json } from "../responses.js";

export const meSchema = z.object({
  /** null when authentication is off (every request then acts as admin of tenant default) */
  key_id: z.string().nullable(),
  name: z.string(),
  tenant: z.string(),
  roles: z.array(roleSchema),
  /** whether this tenant lets a key approve a plan it started itself */
  allow_self_approval: z.boolean(),
});

/**
 * `GET /auth/me`: who the presented key is. The console asks it at sign-in to decide which
 * buttons to show; the routes themselves still check every request (route-roles.ts).
 */
export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/auth/me",
    {
      schema: {
        tags: ["auth"],
        summary: "The calling key: its id, name, tenant, roles and the tenant's self-approval setting",
        response: { 200: json(meSchema, "The caller"), 401: errors.unauthenticated },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        key_id: principal.keyId,
        name: principal.name,
        tenant: principal.tenant,
        roles: principal.roles,
        allow_self_approval: principal.allowSelfApproval,
      };
    },
  );
};
