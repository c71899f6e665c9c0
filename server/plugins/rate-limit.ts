import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import type { Config } from "../../lib/config.js";
import { AtlasError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { makeLocalRateLimiter, makeRedisRateLimiter, type RateLimiter } from "../../tenants/rate-limit.js";
import { requiredRole } from "./route-roles.js";

/** What both hooks need; `limiter` replaces the one built from `redis` (tests). */
type RateLimitOptions = {
  config: Pick<Config, "RATE_LIMIT_PER_MINUTE">;
  log: Logger;
  clock: () => Date;
  redis?: Redis | null;
  redisPrefix?: string;
  limiter?: RateLimiter;
};

function limiterFor(options: RateLimitOptions): RateLimiter {
  const limit = options.config.RATE_LIMIT_PER_MINUTE;
  return (
    options.limiter ??
    (options.redis
      ? makeRedisRateLimiter({
          redis: options.redis,
          limit,
          log: options.log,
          clock: options.clock,
          ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
        })
      : makeLocalRateLimiter({ limit }))
  );
}

/** Seconds a request's address is still refused for, set before authentication. */
const refusedFor = Symbol("atlas.authFailures.refusedFor");
type MaybeRefused = FastifyRequest & { [refusedFor]?: number };

/**
 * Failed authentications (401) count per client address against the same per-minute limit.
 * Past it the address is refused until the window ends, per credential: a request that brings
 * a valid key is looked up and passes (a client behind the same address as a key guesser, or
 * whose other key was revoked, keeps working), while one without a key, or with a key that
 * does not authenticate, gets 429 with `retry-after` instead of 401 (`refusedCredential`): the
 * same answer for an unknown and a revoked key, so a refused address learns nothing about the
 * keys it tries, and it keeps guessing at no more than the limit per minute. A malformed key
 * costs no database work; a well-formed one costs one lookup by its hash. Public routes stay
 * open. Registered before the auth plugin. The count is shared through Redis; the refusal is
 * kept by each replica that sees the count go over.
 */
export function registerAuthFailureLimit(app: FastifyInstance, options: RateLimitOptions): void {
  if (options.config.RATE_LIMIT_PER_MINUTE === 0) return;
  const limiter = limiterFor(options);
  const blockedUntil = new Map<string, number>();

  app.addHook("onRequest", async (request) => {
    const until = blockedUntil.get(request.ip);
    if (until === undefined || requiredRole(request) === "public") return;
    const waitMs = until - options.clock().getTime();
    if (waitMs <= 0) {
      blockedUntil.delete(request.ip);
      return;
    }
    (request as MaybeRefused)[refusedFor] = Math.max(1, Math.ceil(waitMs / 1000));
  });

  app.addHook("onResponse", async (request, reply) => {
    if (reply.statusCode !== 401) return;
    const decision = await limiter.hit(`authfail:${request.ip}`);
    if (!decision.allowed) {
      const now = options.clock().getTime();
      if (blockedUntil.size >= 10_000) for (const [address, until] of blockedUntil) if (until <= now) blockedUntil.delete(address);
      blockedUntil.set(request.ip, now + decision.resetMs);
      options.log.warn(
        { remote_addr: request.ip, limit: decision.limit },
        "too many failed authentications from one address; refusing its missing and invalid keys for the rest of the minute",
      );
    }
  });
}

/**
 * What the auth plugin answers instead of 401 when a request brings no valid key: 429 with
 * `retry-after` while its address is refused for failed authentications, else null (401).
 */
export function refusedCredential(request: FastifyRequest, reply: FastifyReply): AtlasError | null {
  const seconds = (request as MaybeRefused)[refusedFor];
  if (seconds === undefined) return null;
  reply.header("retry-after", String(seconds));
  return new AtlasError("RATE_LIMITED", `Too many requests with a missing or invalid API key from ${request.ip}; retry in ${seconds} s`, {
    details: { retry_after_seconds: seconds },
  });
}

/**
 * RATE_LIMIT_PER_MINUTE requests per API key per minute, counted in Redis when a client is
 * given (every replica shares the count) and in this process otherwise. Registered after the
 * auth plugin: public routes are not limited. Over the limit: 429 with `retry-after`.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  if (options.config.RATE_LIMIT_PER_MINUTE === 0) return;
  const limiter = limiterFor(options);

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
