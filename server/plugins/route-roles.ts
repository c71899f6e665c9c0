import type { FastifyContextConfig, FastifyRequest } from "fastify";
import type { Role } from "../../tenants/roles.js";
import "../public-routes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** the least role a key needs for this route; without it (and without `public`) a route needs `admin` */
    role?: Role;
  }
}

/**
 * What a route's config asks of its callers: `public`, else its `role`, else `admin`, so a new
 * route is closed until someone decides who may call it. The auth plugin enforces this and the
 * OpenAPI description states it, both from the same route config.
 */
export function routeRole(config: Pick<FastifyContextConfig, "public" | "role"> | undefined): Role | "public" {
  if (config?.public === true) return "public";
  return config?.role ?? "admin";
}

/** What a request needs: `public`, or the least role its key must hold. */
export function requiredRole(request: FastifyRequest): Role | "public" {
  const config = request.routeOptions.config;
  // An unknown route still needs a key: answering 404 only to callers who have one.
  if (request.routeOptions.url === undefined && config?.public !== true && !config?.role) return "viewer";
  return routeRole(config);
}
