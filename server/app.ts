import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { ServerDeps } from "./deps.js";
import { registerErrorHandler } from "./error-handler.js";
import { frameworkErrorOptions } from "./framework-errors.js";
import { httpTimeoutOptions } from "./http-timeouts.js";
import { registerOpenApi } from "./openapi/document.js";
import { requireDocumentedRoutes } from "./openapi/documented-routes.js";
import { registerAuth } from "./plugins/auth.js";
import { registerCors } from "./plugins/cors.js";
import { registerMetrics } from "./plugins/metrics.js";
import { registerAuthFailureLimit, registerRateLimit } from "./plugins/rate-limit.js";
import { registerRecovery } from "./plugins/recovery.js";
import { registerRunWorkers } from "./plugins/run-workers.js";
import { registerSecurityHeaders } from "./plugins/security-headers.js";
import { registerUnreadBodyDrain } from "./plugins/unread-body.js";
import { publicBaseUrl } from "./public-routes.js";
import { adminRoutes } from "./routes/admin.js";
import { adviceRoutes } from "./routes/advice.js";
import { buildRoutes } from "./routes/build.js";
import { consoleRoutes } from "./routes/console.js";
import { docsRoutes } from "./routes/docs.js";
import { healthRoutes } from "./routes/health.js";
import { meRoutes } from "./routes/me.js";
import { planRoutes } from "./routes/plan.js";
import { planReadRoutes } from "./routes/plan-reads.js";
import { planStreamRoutes } from "./routes/plan-stream.js";
import { platformRoutes } from "./routes/platform/index.js";
import { ragRoutes } from "./routes/rag.js";
import { schemaRoutes } from "./routes/schemas.js";
import { slackRoutes } from "./routes/slack.js";
import { validateRoutes } from "./routes/validate.js";
import { registerSchemaCompilers } from "./schema-compilers.js";

/** Builds the HTTP server on the given dependencies; the caller listens and closes. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    requestIdHeader: "x-request-id",
    ...httpTimeoutOptions(deps.config),
    ...frameworkErrorOptions(deps.config),
  });
  // Every route takes JSON; without this Fastify's default text/plain parser hands routes a
  // string, which fails validation as 400 instead of the honest 415.
  app.removeContentTypeParser("text/plain");
  registerSchemaCompilers(app);
  registerErrorHandler(app);
  // before any route: the description collects every route, and each must be documented
  const announced = requireDocumentedRoutes(app);
  await registerOpenApi(app, { serverUrl: publicBaseUrl(deps.config), announced });
  // onRequest hooks, in this order: timing, headers, CORS (an allowed preflight is answered
  // there, before any key is asked for), addresses refused for failed authentications, who is
  // calling (route-roles.ts), how often, then a GET's unread body is dropped. Routes come after them: a plugin's routes only
  // get the root hooks added before the plugin was registered.
  registerMetrics(app, deps);
  registerSecurityHeaders(app, deps.config);
  await registerCors(app, deps.config);
  const rateLimit = { config: deps.config, log: deps.log, clock: deps.clock, redis: deps.redis, redisPrefix: deps.config.REDIS_KEY_PREFIX };
  registerAuthFailureLimit(app, rateLimit);
  registerAuth(app, deps);
  registerRateLimit(app, rateLimit);
  registerUnreadBodyDrain(app, deps.config.BODY_LIMIT_BYTES);
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("cache-control", "no-store");
  });
  await app.register(healthRoutes, { deps });
  await app.register(ragRoutes, { deps });
  await app.register(adviceRoutes, { deps });
  await app.register(planRoutes, { deps });
  await app.register(planReadRoutes, { deps });
  await app.register(planStreamRoutes, { deps });
  await app.register(validateRoutes, { deps });
  await app.register(buildRoutes, { deps });
  await app.register(schemaRoutes);
  await app.register(adminRoutes, { deps });
  await app.register(slackRoutes, { deps });
  await app.register(platformRoutes, { deps });
  await app.register(docsRoutes);
  await app.register(meRoutes);
  await app.register(consoleRoutes);
  registerRunWorkers(app, deps);
  registerRecovery(app, deps);
  return app;
}
