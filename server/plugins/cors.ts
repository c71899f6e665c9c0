import type { FastifyInstance } from "fastify";
import type { Config } from "../../lib/config.js";
import "../public-routes.js";

const ALLOW_METHODS = "GET, POST, DELETE";
const ALLOW_HEADERS = "authorization, content-type, accept, x-request-id";
const EXPOSE_HEADERS = "retry-after, x-request-id, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, etag";

/**
 * CORS for the browser origins in CORS_ORIGINS (none by default: no CORS header at all).
 * Keys travel in the Authorization header, never in cookies, so credentials are not allowed.
 * Preflights (`OPTIONS`) need no key; an origin not on the list gets an answer without
 * any `access-control-*` header, which the browser treats as a refusal.
 */
export function registerCors(app: FastifyInstance, config: Pick<Config, "CORS_ORIGINS">): void {
  const origins = new Set(config.CORS_ORIGINS);
  const anyOrigin = origins.has("*");
  const allowed = (origin: string | undefined): origin is string => origin !== undefined && (anyOrigin || origins.has(origin));

  app.addHook("onRequest", async (request, reply) => {
    if (!origins.size) return;
    // the answer depends on Origin: caches must not hand one origin's answer to another
    if (!anyOrigin) reply.raw.setHeader("vary", "origin");
    const origin = request.headers.origin;
    if (!allowed(origin)) return;
    reply.raw.setHeader("access-control-allow-origin", anyOrigin ? "*" : origin);
    reply.raw.setHeader("access-control-expose-headers", EXPOSE_HEADERS);
  });

  app.route({
    method: "OPTIONS",
    url: "*",
    config: { public: true },
    handler: async (request, reply) => {
      if (allowed(request.headers.origin) && request.headers["access-control-request-method"]) {
        reply.header("access-control-allow-methods", ALLOW_METHODS);
        reply.header("access-control-allow-headers", ALLOW_HEADERS);
        reply.header("access-control-max-age", "600");
      }
      return reply.status(204).send();
    },
  });
}
