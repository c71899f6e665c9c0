import type { SwaggerTransform } from "@fastify/swagger";
import type { FastifySchema } from "fastify";
import { routeRole } from "../plugins/route-roles.js";
import { errors } from "../responses.js";
import type { AnnouncedRoutes } from "./documented-routes.js";

type RouteSchema = FastifySchema & { description?: string; operationId?: string; response?: Record<string, unknown>; hide?: boolean };

/** `GET /architect/plan/:thread_id/artifacts/*` → `get_architect_plan_thread_id_artifacts`: stable ids for generated clients. */
function operationIdOf(method: string, url: string): string {
  return `${method.toLowerCase()}_${
    url
      .replace(/[:*]/g, "")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_|_$/g, "") || "root"
  }`;
}

const ROLE_NOTE = {
  public: "No API key needed.",
  viewer: "Needs an API key (any role).",
  planner: "Needs an API key with the `planner` role or above.",
  approver: "Needs an API key with the `approver` role or above.",
  admin: "Needs an API key with the `admin` role.",
} as const;

/**
 * Wraps the zod type provider's per-route transform so each operation also says who may call
 * it, from the same route config the auth plugin enforces (`routeRole`): public operations get
 * `security: []`, the rest inherit the document's bearer requirement and list the 401 (and 429,
 * and the 403 where a role above viewer is needed) every such route can answer.
 * `x-atlas-role` carries the role for tools; the description says it for people. Each operation
 * also gets an `operationId` from its method and path, unless the route declares one.
 */
export function describeAccess(transform: SwaggerTransform, announced: AnnouncedRoutes): SwaggerTransform {
  return (input) => {
    const schema = input.schema as RouteSchema | undefined;
    const url = announced.urlOf(input.route) ?? input.url;
    if (!schema || schema.hide) return transform({ ...input, url });
    const role = routeRole(input.route.config);
    const response: Record<string, unknown> = { ...schema.response };
    if (role !== "public") {
      response[401] ??= errors.unauthenticated;
      if (role !== "viewer") response[403] ??= errors.forbidden;
      response[429] ??= errors.rateLimited;
    }
    const method = [input.route.method].flat().find((name) => name !== "HEAD") ?? "GET";
    const described = {
      operationId: operationIdOf(method, url),
      ...schema,
      description: [schema.description, ROLE_NOTE[role]].filter(Boolean).join("\n\n"),
      response,
      "x-atlas-role": role,
      ...(role === "public" ? { security: [] } : {}),
    };
    return transform({ ...input, url, schema: described });
  };
}
