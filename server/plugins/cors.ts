import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../lib/config.js";

// every method a route uses (PUT: /admin/budget; PATCH: the Platform API's threads), and the
// headers the LangGraph SDK and Studio send (x-api-key, last-event-id on a stream's reconnect)
const ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS = "authorization, x-api-key, content-type, accept, x-request-id, last-event-id";
// content-location names the run a Platform stream started; x-pagination-* the search pages
const EXPOSE_HEADERS =
  "retry-after, x-request-id, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, etag, content-location, location, x-pagination-next, x-pagination-total";

/**
 * CORS for the browser origins in CORS_ORIGINS (none by default: no CORS header at all), with
 * @fastify/cors. Keys travel in the Authorization header, never in cookies, so credentials are
 * not allowed. Register it before the auth plugin: @fastify/cors answers an allowed preflight
 * in its `onRequest` hook, before any key is asked for.
 *
 * An origin not on the list gets no `access-control-*` header at all, which the browser treats
 * as a refusal. The library hands such a preflight on to its catch-all OPTIONS route, which
 * would answer 404 (and, being no public route, 401 first); the hook below answers it 204
 * without a key instead, as any OPTIONS request was answered before.
 */
export async function registerCors(app: FastifyInstance, config: Pick<Config, "CORS_ORIGINS">): Promise<void> {
  const origins = new Set(config.CORS_ORIGINS);
  const anyOrigin = origins.has("*");
  await app.register(cors, {
    // A function, so the answer depends on the request's Origin and @fastify/cors adds
    // `vary: origin`; `false` leaves a request without any CORS header.
    origin: origins.size
      ? (origin: string | undefined, callback: (error: Error | null, allow: string | false) => void) =>
          callback(null, origin !== undefined && (anyOrigin || origins.has(origin)) ? (anyOrigin ? "*" : origin) : false)
      : false,
    methods: ALLOW_METHODS,
    allowedHeaders: ALLOW_HEADERS,
    exposedHeaders: EXPOSE_HEADERS,
    credentials: false,
    maxAge: 600,
    // an allowed origin's OPTIONS without Access-Control-Request-Method gets the preflight
    // headers too, rather than @fastify/cors's strict 400
    strictPreflight: false,
  });
  app.addHook("onRequest", async (request, reply) => {
    if (request.method === "OPTIONS") return reply.status(204).send();
  });
}
