import type { FastifyInstance } from "fastify";
import { makeLocalRateLimiter, makeRedisRateLimiter, type RateLimiter, type RedisEval } from "../../lib/auth/rate-limit.js";
import type { Config } from "../../lib/config.js";
import { AtlasError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";

/**
 * RATE_LIMIT_PER_MINUTE requests per API key per minute, counted in Redis when a client is
 * given (every replica shares the count) and in this process otherwise. Registered after the
 * auth plugin: public routes are not limited. Over the limit: 429 with `retry-after`.
 */
export function registerRateLimit(
  app: FastifyInstance,
  options: { config: Pick<Config, "RATE_LIMIT_PER_MINUTE">; log: Logger; redis?: RedisEval | null; redisPrefix?: string; limiter?: RateLimiter },
): void {
  const limit = options.config.RATE_LIMIT_PER_MINUTE;
  if (limit === 0) return;
  const limiter =
    options.limiter ??
    (options.redis
      ? makeRedisRateLimiter({ redis: options.redis, limit, log: options.log, ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}) })
      : makeLocalRateLimiter({ limit }));

  app.addHook("onRequest", async (request, reply) => {
    const principal = request.principal;
    if (!principal) return;
    const decision = await limiter.hit(principal.keyId ?? `ip:${request.ip}`);
    const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
    reply.header("x-ratelimit-limit", String(decision.limit));
    reply.header("x-ratelimit-remaining", String(decision.remaining));
    reply.header("x-ratelimit-reset", String(resetSeconds));
    if (!decision.allowed) {
      reply.header("retry-after", String(resetSeconds));
      throw new AtlasError(
        "RATE_LIMITED",
        `Rate limit exceeded: ${decision.limit} requests per minute for key "${principal.name}"; retry in ${resetSeconds} s`,
        { details: { retry_after_seconds: resetSeconds } },
      );
    }
  });
}
