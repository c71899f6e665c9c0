import { EventEmitter } from "node:events";
import type pg from "pg";
import type { Logger } from "../lib/log.js";
import { sleep } from "../lib/sleep.js";
import { EVENT_SCHEMA_VERSION, type EventType, type LifecycleEvent } from "../schemas/events.js";
import { insertEvent } from "./outbox.js";
import { MAX_DELIVERIES } from "./redis/keys.js";

/** How one delivery of an event reached a consumer. */
export interface DeliveryMeta {
  /** the stream entry id (Redis) or a local sequence number */
  message_id: string;
  /** the `atlas_events` row id: the idempotency key, equal across redeliveries */
  outbox_id: string | null;
  /** this delivery's number, 1 for the first */
  deliveries: number;
}

/** A consumer group: every group sees every event once; its handler is retried, then dead-lettered. */
export interface ConsumeOptions {
  group: string;
  /** this consumer's name in the group; default: the replica's name and a random suffix */
  consumer?: string;
  /** resolving acknowledges the event; throwing retries it, 3 failed deliveries dead-letter it */
  handler(event: LifecycleEvent, meta: DeliveryMeta): Promise<void> | void;
  /** how long a failed (or abandoned) delivery waits before it is retried */
  claimIdleMs?: number;
  maxDeliveries?: number;
}

export interface EventConsumer {
  stop(): Promise<void>;
}

/**
 * Publishes lifecycle events. Every event is written to Postgres first (the durable record and
 * the outbox); listeners follow them (SSE), consumer groups process them with retries.
 */
export interface EventBus {
  publish(event: LifecycleEvent): Promise<void>;
  /** Every event from now on, from every replica; returns the unsubscribe function. */
  subscribe(listener: (event: LifecycleEvent) => void): () => void;
  consume(options: ConsumeOptions): EventConsumer;
  /** Resolves once subscribers are sure to see events published from now on. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  log: Logger;
  clock: () => Date;
  /** this process's name among the replicas: consumers are named after it */
  replica: string;
  /** counts a message moved to the dead-letter stream, by event type (metrics) */
  onDeadLetter?(type: string): void;
}

/** Builds a typed lifecycle event. */
export function lifecycleEvent(
  type: EventType,
  run: { trace_id: string; thread_id: string; tenant: string },
  data: Record<string, unknown>,
  at: Date,
): LifecycleEvent {
  return { schema_ver: EVENT_SCHEMA_VERSION, type, trace_id: run.trace_id, thread_id: run.thread_id, tenant: run.tenant, at: at.toISOString(), data };
}

/** The `escalate` event for a message that failed its deliveries (seed 004). */
export function escalation(
  original: { trace_id: string; thread_id: string; tenant: string; type: string },
  detail: { stream: string; group: string; message_id: string; outbox_id: string | null; deliveries: number; error: string },
  at: Date,
): LifecycleEvent {
  return lifecycleEvent("escalate", original, { original_type: original.type, ...detail }, at);
}

/**
 * The event bus without Redis: every event is written to `atlas_events` in Postgres and
 * emitted to in-process listeners; consumer groups run in process with the same retry and
 * dead-letter rules (dead letters are kept in memory and logged).
 */
export function makeLocalEventBus(pool: pg.Pool, options: EventBusOptions) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const deadLetters: { group: string; event: LifecycleEvent; error: string }[] = [];
  let sequence = 0;

  const bus: EventBus & { deadLetters: typeof deadLetters } = {
    deadLetters,
    async publish(event) {
      const outboxId = await insertEvent(pool, event, true);
      emitter.emit("event", event, outboxId);
    },
    subscribe(listener) {
      const wrapped = (event: LifecycleEvent) => listener(event);
      emitter.on("event", wrapped);
      return () => emitter.off("event", wrapped);
    },
    consume(consume) {
      const maxDeliveries = consume.maxDeliveries ?? MAX_DELIVERIES;
      const retryMs = Math.min(consume.claimIdleMs ?? 1_000, 1_000);
      const stopping = new AbortController();
      let chain = Promise.resolve();
      const deliver = async (event: LifecycleEvent, outboxId: string) => {
        const messageId = String(++sequence);
        let error = "";
        for (let delivery = 1; delivery <= maxDeliveries; delivery++) {
          if (stopping.signal.aborted) return;
          try {
            await consume.handler(event, { message_id: messageId, outbox_id: outboxId, deliveries: delivery });
            return;
          } catch (failure) {
            error = (failure as Error).message ?? String(failure);
            if (delivery < maxDeliveries) await sleep(retryMs, stopping.signal);
          }
        }
        deadLetters.push({ group: consume.group, event, error });
        options.onDeadLetter?.(event.type);
        options.log.warn({ group: consume.group, type: event.type, thread_id: event.thread_id, err: error }, "event dead-lettered after failed deliveries");
        if (event.type !== "escalate") {
          await bus.publish(
            escalation(
              event,
              { stream: "local", group: consume.group, message_id: messageId, outbox_id: outboxId, deliveries: maxDeliveries, error },
              options.clock(),
            ),
          );
        }
      };
      const listener = (event: LifecycleEvent, outboxId: string) => {
        chain = chain.then(() => deliver(event, outboxId)).catch((error) => options.log.error({ err: error }, "local event consumer failed"));
      };
      emitter.on("event", listener);
      return {
        async stop() {
          emitter.off("event", listener);
          stopping.abort();
          await chain;
        },
      };
    },
    ready: async () => {},
    close: async () => {
      emitter.removeAllListeners();
    },
  };
  return bus;
}
