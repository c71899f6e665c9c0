import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../deps.js";
import "../public-routes.js";
import { media } from "../responses.js";

const startedAt = Symbol("atlas.metrics.startedAt");
type Timed = { [startedAt]?: bigint };

/**
 * HTTP request metrics for every route and `GET /metrics` in Prometheus text format. Called on
 * the root instance (not registered as an encapsulated plugin) so its hooks see every route.
 * With METRICS_PUBLIC=false the route is not public and needs an API key like any other.
 */
export function registerMetrics(app: FastifyInstance, deps: ServerDeps): void {
  const { metrics } = deps;

  app.addHook("onRequest", async (request) => {
    (request as Timed)[startedAt] = process.hrtime.bigint();
  });
  app.addHook("onResponse", async (request, reply) => {
    const started = (request as Timed)[startedAt];
    if (started === undefined) return;
    // The route pattern, never the raw URL: thread ids in paths would explode the series.
    const labels = { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });

  const schema = {
    tags: ["operations"],
    summary: "Prometheus metrics (public unless METRICS_PUBLIC=false)",
    response: { 200: media("text/plain", "Prometheus text exposition format") },
  };
  app.get("/metrics", { schema, config: { public: deps.config.METRICS_PUBLIC, role: "admin" } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
