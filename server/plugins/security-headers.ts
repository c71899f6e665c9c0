import type { FastifyInstance } from "fastify";
import type { Config } from "../../lib/config.js";

/** The policy for JSON answers: load nothing, frame nowhere. */
export const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The security headers every answer carries (HSTS only when HSTS_MAX_AGE is set). */
export function securityHeaders(config: Pick<Config, "HSTS_MAX_AGE">): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": JSON_CSP,
    ...(config.HSTS_MAX_AGE > 0 ? { "strict-transport-security": `max-age=${config.HSTS_MAX_AGE}; includeSubDomains` } : {}),
  };
}

/**
 * Security headers on every response, including errors, 404s and hijacked streams (they are
 * set on the raw response at `onRequest`). HSTS only when HSTS_MAX_AGE is set: it is a
 * promise about TLS that only the operator can make. A page that needs more than JSON_CSP (the
 * API docs) sets its own policy with `reply.header()`, which wins over this one for its routes only.
 * Answers given before any hook runs (a malformed URL or request) set them themselves: framework-errors.ts.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, "HSTS_MAX_AGE">): void {
  const headers = Object.entries(securityHeaders(config));
  app.addHook("onRequest", async (_request, reply) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  });
}
