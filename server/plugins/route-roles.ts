import type { FastifyRequest } from "fastify";
import type { Role } from "../../tenants/roles.js";
import "../public-routes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** the least role a key needs for this route; overrides the table in route-roles.ts */
    role?: Role;
  }
}

/**
 * The least role each route needs, by `METHOD /fastify/path`. Reading and searching needs
 * `viewer`, starting a design `planner`, deciding and rolling back `approver`. A route that is
 * neither here nor marked `config: { public: true }` or `config: { role }` needs `admin`, so a
 * new route is closed until someone decides who may call it.
 */
const ROUTE_ROLES: Record<string, Role | "public"> = {
  "GET /healthz": "public",
  "GET /readyz": "public",
  "GET /schemas": "viewer",
  "GET /schemas/:name": "viewer",
  "POST /rag/search": "viewer",
  "POST /architect/advice": "viewer",
  "POST /architect/validate": "viewer",
  "POST /architect/plan": "planner",
  "POST /architect/plan/:thread_id/resume": "approver",
  "POST /architect/plan/:thread_id/rollback": "approver",
};

/** What a request needs: `public`, or the least role its key must hold. */
export function requiredRole(request: FastifyRequest): Role | "public" {
  const config = request.routeOptions.config;
  if (config?.public === true) return "public";
  if (config?.role) return config.role;
  const url = request.routeOptions.url;
  // An unknown route still needs a key: answering 404 only to callers who have one.
  if (url === undefined) return "viewer";
  const method = request.method === "HEAD" ? "GET" : request.method;
  const listed = ROUTE_ROLES[`${method} ${url}`];
  if (listed) return listed;
  // every read of a thread: state, history, events, artifacts, and what later routes add there
  if (method === "GET" && url.startsWith("/architect/plan/")) return "viewer";
  return "admin";
}
