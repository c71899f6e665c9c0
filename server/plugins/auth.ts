import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AtlasError } from "../../lib/errors.js";
import { type Actor, authenticateKey, type Principal } from "../../tenants/keys.js";
import { DEFAULT_TENANT, hasRole } from "../../tenants/roles.js";
import type { ServerDeps } from "../deps.js";
import { refusedCredential } from "./rate-limit.js";
import { requiredRole } from "./route-roles.js";

declare module "fastify" {
  interface FastifyRequest {
    /** the caller, set by the auth plugin; null on public routes */
    principal: Principal | null;
  }
}

/** Who every request is while ATLAS_AUTH=off. */
const AUTH_OFF_PRINCIPAL: Principal = {
  keyId: null,
  name: "auth-off",
  tenant: DEFAULT_TENANT,
  roles: ["admin"],
  allowSelfApproval: true,
};

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The key a request presents: `Authorization: Bearer <key>`, or `x-api-key: <key>` (the header the
 * LangGraph SDK, Studio and agent-chat-ui send). A request sending both must send the same key.
 */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const bearer = header ? BEARER.exec(header)?.[1] : undefined;
  const raw = request.headers["x-api-key"];
  const apiKey = (Array.isArray(raw) ? raw[0] : raw)?.trim() || undefined;
  if (bearer && apiKey && bearer !== apiKey) {
    const message = "Authorization and x-api-key name two different keys: send one";
    throw new AtlasError("VALIDATION_FAILED", message, { issues: [{ path: "headers.x-api-key", message }] });
  }
  return bearer ?? apiKey;
}

function unauthenticated(reply: FastifyReply, challenge: string, message: string): AtlasError {
  reply.header("www-authenticate", challenge);
  return new AtlasError("UNAUTHENTICATED", message);
}

/**
 * API-key authentication and role checks for every route (see route-roles.ts), as an
 * `onRequest` hook on the root instance so it runs before body parsing. With ATLAS_AUTH=off
 * every request acts as admin of tenant default, and start-up says so loudly.
 */
export function registerAuth(app: FastifyInstance, deps: Pick<ServerDeps, "db" | "config" | "log">): void {
  const authOff = deps.config.ATLAS_AUTH === "off";
  if (authOff) {
    deps.log.warn(
      "ATLAS_AUTH=off: AUTHENTICATION IS DISABLED. Every request acts as admin of tenant default. " +
        "Use this only for local experiments, never on a reachable address.",
    );
  }
  app.decorateRequest("principal", null);

  app.addHook("onRequest", async (request, reply) => {
    const required = requiredRole(request);
    if (required === "public") return;
    if (authOff) {
      request.principal = AUTH_OFF_PRINCIPAL;
      return;
    }
    const key = presentedKey(request);
    // from an address refused for failed authentications, no valid key means 429 (rate-limit.ts)
    if (!key) {
      throw (
        refusedCredential(request, reply) ??
        unauthenticated(reply, 'Bearer realm="atlas"', "Missing API key: send the header Authorization: Bearer <key> (or x-api-key: <key>)")
      );
    }
    const result = await authenticateKey(deps.db.pool, key);
    if (!result.ok) {
      throw (
        refusedCredential(request, reply) ??
        unauthenticated(reply, 'Bearer realm="atlas", error="invalid_token"', result.reason === "revoked" ? "This API key has been revoked" : "Invalid API key")
      );
    }
    request.principal = result.principal;
    if (!hasRole(result.principal.roles, required)) {
      throw new AtlasError(
        "FORBIDDEN",
        `${request.method} ${request.routeOptions.url ?? request.url} needs the ${required} role; key "${result.principal.name}" has ${result.principal.roles.join(", ")}`,
      );
    }
  });
}

/** The authenticated caller of a non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AtlasError("INTERNAL", `route ${request.routeOptions.url} is public but asks who the caller is`);
  return request.principal;
}

/** The caller's tenant: every thread, plan, artifact and event a request touches belongs to it. */
export const tenantOf = (request: FastifyRequest): string => principalOf(request).tenant;

/** The caller as the audit log records it: key id, key name and remote address. */
export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  return { keyId: principal.keyId, name: principal.name, remoteAddr: request.ip };
}
