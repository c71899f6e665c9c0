/**
 * Every Redis key Atlas uses, under one prefix (REDIS_KEY_PREFIX, default `atlas:`), so
 * several deployments or test files can share one Redis without seeing each other.
 */
export function redisKeys(prefix: string) {
  return {
    prefix,
    /** lifecycle events relayed from the Postgres outbox */
    events: `${prefix}events`,
    /** events whose consumer failed 3 deliveries */
    eventsDead: `${prefix}events:dead`,
    /** marks an outbox row as added to the event stream, so no relay adds it twice (expires after an hour) */
    relayedEvent: (outboxId: string) => `${prefix}events:relayed:${outboxId}`,
    /** control messages: heartbeat, flush_cache, set_budget */
    control: `${prefix}control`,
    /** background runs waiting for a worker (consumer group `atlas-workers`) */
    runs: `${prefix}runs`,
    /** run jobs whose worker failed 3 deliveries */
    runsDead: `${prefix}runs:dead`,
    /** tokens a tenant used on a UTC day */
    dailyTokens: (tenant: string, day: string) => `${prefix}budget:daily:${day}:${tenant}`,
    /** tenants that used tokens on a UTC day (for metrics) */
    dailyTenants: (day: string) => `${prefix}budget:tenants:${day}`,
    /** tokens one run (trace) used */
    runTokens: (run: string) => `${prefix}budget:run:${run}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** The consumer group every replica's run workers share. */
export const RUN_WORKERS_GROUP = "atlas-workers";

/** Deliveries after which a message goes to the dead-letter stream (seed 004). */
export const MAX_DELIVERIES = 3;

/** Stream fields (`[k1, v1, k2, v2, ...]`) as an object. */
export function fieldsToObject(fields: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fields) return out;
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
  return out;
}

/** An object as stream fields. */
export function objectToFields(object: Record<string, string | number>): string[] {
  return Object.entries(object).flatMap(([key, value]) => [key, String(value)]);
}
