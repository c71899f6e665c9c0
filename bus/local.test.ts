import type pg from "pg";
import { describe, expect, it } from "vitest";
import { createLogger } from "../lib/log.js";
import type { LifecycleEvent } from "../schemas/events.js";
import { waitFor } from "../test/helpers/redis.js";
import { makeLocalControlBus, parseControlFields } from "./control.js";
import { lifecycleEvent, makeLocalEventBus } from "./events.js";

// The in-process bus used without REDIS_URL: same interfaces, same rules as on Redis.

const log = createLogger("silent");
const clock = () => new Date();

/** Just enough of a pg pool for the outbox insert: records rows, hands out ids. */
function recordingPool() {
  const rows: unknown[][] = [];
  const pool = {
    async query(_sql: string, params: unknown[]) {
      rows.push(params);
      return { rows: [{ id: String(rows.length) }] };
    },
  };
  return { pool: pool as unknown as pg.Pool, rows };
}

const run = { trace_id: "t", thread_id: "th", tenant: "acme" };

describe("local event bus", () => {
  it("writes each event to the outbox as published and delivers it to subscribers", async () => {
    const { pool, rows } = recordingPool();
    const bus = makeLocalEventBus(pool, { log, clock, replica: "test" });
    const seen: LifecycleEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    const event = lifecycleEvent("plan.pending", run, { plan_version: 1 }, clock());
    await bus.publish(event);
    expect(seen).toEqual([event]);
    expect(rows[0]?.[5]).toBe(true); // published_at set: there is no relay without Redis
  });

  it("retries a failing consumer 3 times, then dead-letters the event and publishes escalate", async () => {
    const { pool } = recordingPool();
    const dead: string[] = [];
    const bus = makeLocalEventBus(pool, { log, clock, replica: "test", onDeadLetter: (type) => dead.push(type) });
    const deliveries: number[] = [];
    const escalations: LifecycleEvent[] = [];
    const consumer = bus.consume({
      group: "notifier",
      claimIdleMs: 1,
      handler(event, meta) {
        if (event.type === "escalate") return void escalations.push(event);
        deliveries.push(meta.deliveries);
        throw new Error("down");
      },
    });
    await bus.publish(lifecycleEvent("apply.done", run, {}, clock()));
    await waitFor(() => escalations.length === 1, undefined, "the escalate event");
    await consumer.stop();
    expect(deliveries).toEqual([1, 2, 3]);
    expect(dead).toEqual(["apply.done"]);
    expect(bus.deadLetters).toHaveLength(1);
    expect(escalations[0]?.data).toMatchObject({ original_type: "apply.done", group: "notifier", deliveries: 3, error: "down" });
  });
});

describe("control messages", () => {
  it("parses redis-cli fields and JSON messages; refuses set_budget without a number", () => {
    const at = new Date("2025-01-01T00:00:00Z");
    expect(parseControlFields({ type: "set_budget", tenant: "acme", daily: "5000" }, at)).toEqual({
      schema_ver: 1,
      type: "set_budget",
      from: "redis-cli",
      at: at.toISOString(),
      tenant: "acme",
      daily: 5000,
    });
    expect(parseControlFields({ type: "set_budget", per_run: "10" }, at)).toMatchObject({ tenant: "*", per_run: 10 });
    expect(() => parseControlFields({ type: "set_budget", tenant: "acme" }, at)).toThrow(/per_run, daily or both/);
    expect(() => parseControlFields({ type: "reboot" }, at)).toThrow();
    const json = { schema_ver: 1, type: "flush_cache", from: "ops", at: at.toISOString() };
    expect(parseControlFields({ type: "flush_cache", message: JSON.stringify(json) }, at)).toEqual(json);
  });

  it("the local control bus delivers to this process's handlers", async () => {
    const bus = makeLocalControlBus({ log, clock, replica: "test" });
    const got: number[] = [];
    bus.on("set_budget", (message) => void got.push(message.daily ?? 0));
    await bus.send({ type: "set_budget", tenant: "acme", daily: 42 });
    await bus.send({ type: "heartbeat" });
    expect(got).toEqual([42]);
    expect(Object.keys(bus.peers())).toHaveLength(1);
  });
});
