import type { Redis } from "ioredis";
import type pg from "pg";
import type { Logger } from "../lib/log.js";
import { type ControlBus, makeLocalControlBus } from "./control.js";
import { type EventBus, makeLocalEventBus } from "./events.js";
import { makeRedisControlBus } from "./redis/control.js";
import { makeRedisEventBus } from "./redis/event-bus.js";
import type { RedisKeys } from "./redis/keys.js";

export type { ControlBus } from "./control.js";
export type { EventBus } from "./events.js";

/** Lifecycle events and control messages: on Redis Streams with a client, in process without. */
export interface Bus {
  events: EventBus;
  control: ControlBus;
  close(): Promise<void>;
}

/**
 * The event bus and the control channel. With Redis, events go through the Postgres outbox to
 * the `<prefix>events` stream and control messages to `<prefix>control`; without, both stay in
 * this process (events are still written to Postgres first).
 */
export function makeBus(parts: {
  pool: pg.Pool;
  redis: Redis | null;
  keys: RedisKeys;
  log: Logger;
  clock: () => Date;
  replica: string;
  /** counts a message moved to the dead-letter stream, by event type (metrics) */
  onDeadLetter?: (type: string) => void;
  stream: { claimIdleMs: number; pollMs: number; maxLen: number };
}): Bus {
  const { pool, redis, keys, log, clock, replica, onDeadLetter } = parts;
  const events = redis
    ? makeRedisEventBus(pool, redis, keys, { log, clock, replica, onDeadLetter, ...parts.stream })
    : makeLocalEventBus(pool, { log, clock, replica, onDeadLetter });
  const control = redis ? makeRedisControlBus(redis, keys, { log, clock, replica }) : makeLocalControlBus({ log, clock, replica });
  return {
    events,
    control,
    async close() {
      await events.close();
      await control.close();
    },
  };
}
