import type { FastifyInstance } from "fastify";
import type { Config } from "../../lib/config.js";

/** The policy for JSON answers: load nothing, frame nowhere. */
export const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Security headers on every response, including errors, 404s and hijacked streams (they are
 * set on the raw response at `onRequest`). HSTS only when HSTS_MAX_AGE is set: it is a
 * promise about TLS that only the operator can make. A page that needs more than JSON_CSP (the
 * API docs) sets its own policy with `reply.header()`, which wins over this one for its routes only.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, "HSTS_MAX_AGE">): void {
  const hsts = config.HSTS_MAX_AGE > 0 ? `max-age=${config.HSTS_MAX_AGE}; includeSubDomains` : null;
  app.addHook("onRequest", async (_request, reply) => {
    const raw = reply.raw;
    raw.setHeader("x-content-type-options", "nosniff");
    raw.setHeader("x-frame-options", "DENY");
    raw.setHeader("referrer-policy", "no-referrer");
    raw.setHeader("content-security-policy", JSON_CSP);
    if (hsts) raw.setHeader("strict-transport-security", hsts);
  });
}
