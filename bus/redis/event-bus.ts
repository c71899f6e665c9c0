import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type pg from "pg";
import { type LifecycleEvent, lifecycleEventSchema } from "../../schemas/events.js";
import { type EventBus, type EventBusOptions, type EventConsumer, escalation } from "../events.js";
import { insertEvent } from "../outbox.js";
import type { RedisKeys } from "./keys.js";
import { type OutboxRelay, startOutboxRelay } from "./outbox-relay.js";
import { type StreamConsumer, startStreamConsumer } from "./stream-consumer.js";
import { type StreamTail, startStreamTail } from "./stream-tail.js";

/** Outbox ids a tail remembers to drop the duplicates at-least-once delivery can make. */
const SEEN_WINDOW = 4_096;

/** Parses the `event` field of a stream entry. */
export function parseStreamEvent(fields: Record<string, string>): LifecycleEvent {
  return lifecycleEventSchema.parse(JSON.parse(fields.event ?? "null"));
}

/**
 * The event bus on Redis Streams. `publish` writes the outbox row in Postgres and returns:
 * the relay XADDs it to `<prefix>events` (so a Redis outage never fails a request).
 * Subscribers follow the stream (events of every replica); consumer groups use XREADGROUP,
 * XACK, XAUTOCLAIM and a dead-letter stream with an `escalate` event after 3 deliveries.
 */
export function makeRedisEventBus(
  pool: pg.Pool,
  redis: Redis,
  keys: RedisKeys,
  options: EventBusOptions & { claimIdleMs: number; pollMs: number; maxLen: number },
): EventBus & { relay: OutboxRelay } {
  const { log } = options;
  const relay = startOutboxRelay({ pool, redis, stream: keys.events, relayedKey: keys.relayedEvent, maxLen: options.maxLen, pollMs: options.pollMs, log });
  const listeners = new Set<(event: LifecycleEvent) => void>();
  const consumers = new Set<StreamConsumer>();
  const seen = new Set<string>();
  let tail: StreamTail | null = null;

  function startTail(): StreamTail {
    tail ??= startStreamTail({
      redis,
      stream: keys.events,
      log,
      onEntry(_id, fields) {
        const outboxId = fields.outbox_id ?? "";
        if (outboxId) {
          if (seen.has(outboxId)) return;
          seen.add(outboxId);
          if (seen.size > SEEN_WINDOW) seen.delete(seen.values().next().value as string);
        }
        const event = parseStreamEvent(fields);
        for (const listener of listeners) listener(event);
      },
    });
    return tail;
  }

  const bus: EventBus & { relay: OutboxRelay } = {
    relay,
    async publish(event) {
      await insertEvent(pool, event, false);
      relay.kick();
    },
    subscribe(listener) {
      listeners.add(listener);
      startTail();
      return () => listeners.delete(listener);
    },
    consume(consume): EventConsumer {
      const consumer = startStreamConsumer({
        redis,
        stream: keys.events,
        group: consume.group,
        consumer: consume.consumer ?? `${options.replica}-${randomUUID().slice(0, 8)}`,
        deadStream: keys.eventsDead,
        claimIdleMs: consume.claimIdleMs ?? options.claimIdleMs,
        maxDeliveries: consume.maxDeliveries,
        log,
        async handler(entry) {
          await consume.handler(parseStreamEvent(entry.fields), {
            message_id: entry.id,
            outbox_id: entry.fields.outbox_id ?? null,
            deliveries: entry.deliveries,
          });
        },
        async onDead(entry, reason) {
          const type = entry.fields.type ?? "unknown";
          options.onDeadLetter?.(type);
          // An escalation that cannot be handled is dead-lettered without escalating again.
          if (type === "escalate") return;
          const original = {
            type,
            trace_id: entry.fields.trace_id ?? "",
            thread_id: entry.fields.thread_id ?? "",
            tenant: entry.fields.tenant ?? "default",
          };
          const detail = {
            stream: keys.events,
            group: consume.group,
            message_id: entry.id,
            outbox_id: entry.fields.outbox_id ?? null,
            deliveries: entry.deliveries,
            error: reason.slice(0, 1_000),
          };
          await bus.publish(escalation(original, detail, options.clock()));
        },
      });
      consumers.add(consumer);
      return {
        async stop() {
          consumers.delete(consumer);
          await consumer.stop();
        },
      };
    },
    async ready() {
      await startTail().ready;
    },
    async close() {
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      consumers.clear();
      listeners.clear();
      await tail?.stop();
      await relay.stop();
      // what this process wrote last goes out now if Redis is there; otherwise another replica relays it
      await relay.flush().catch(() => 0);
    },
  };
  return bus;
}
