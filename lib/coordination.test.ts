import type pg from "pg";
import { describe, expect, it } from "vitest";
import { localCounters } from "./budget/counters.js";
import type { BudgetLimitStore } from "./budget/limits.js";
import { makeTokenBudget } from "./budget/token-budget.js";
import { makeLocalControlBus, parseControlFields } from "./control.js";
import { lifecycleEvent, makeLocalEventBus } from "./events.js";
import { createLogger } from "./log.js";
import type { RunJob } from "./queue/job.js";
import { makeLocalRunQueue } from "./queue/local-queue.js";
import type { LifecycleEvent } from "../schemas/events.js";

// The in-process equivalents used without REDIS_URL: same interfaces, same rules.

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
    const bus = makeLocalEventBus(pool, { log, clock });
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
    const bus = makeLocalEventBus(pool, { log, clock, onDeadLetter: (type) => dead.push(type) });
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
    await waitUntil(() => escalations.length === 1);
    await consumer.stop();
    expect(deliveries).toEqual([1, 2, 3]);
    expect(dead).toEqual(["apply.done"]);
    expect(bus.deadLetters).toHaveLength(1);
    expect(escalations[0]?.data).toMatchObject({ original_type: "apply.done", group: "notifier", deliveries: 3, error: "down" });
  });
});

async function waitUntil(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("local run queue", () => {
  const job = (thread: string): RunJob => ({
    kind: "start",
    thread_id: thread,
    tenant: "acme",
    trace_id: `trace-${thread}`,
    goal: {} as RunJob["goal"],
    created_by: null,
    submitted_at: clock().toISOString(),
    attempt: 0,
  });

  it("runs jobs in order, puts busy ones back with a delay, dead-letters after 3 failures", async () => {
    const queue = makeLocalRunQueue(log, clock);
    const handled: string[] = [];
    const dead: string[] = [];
    let busyOnce = true;
    const consumer = queue.consume({
      consumer: "w1",
      async handler(next) {
        handled.push(`${next.thread_id}#${next.attempt}`);
        if (next.thread_id === "busy" && busyOnce) {
          busyOnce = false;
          return "defer";
        }
        if (next.thread_id === "crash") throw new Error("boom");
        return "done";
      },
      onDead: (dropped, reason) => void dead.push(`${dropped?.thread_id}: ${reason}`),
    });
    await queue.enqueue(job("a"));
    await queue.enqueue(job("busy"));
    await queue.enqueue(job("crash"));
    await waitUntil(() => dead.length === 1 && handled.includes("busy#1"));
    await consumer.stop();
    expect(handled.slice(0, 3)).toEqual(["a#0", "busy#0", "crash#0"]);
    expect(handled.filter((h) => h.startsWith("crash"))).toHaveLength(3);
    expect(dead).toEqual(["crash: boom"]);
    expect(await queue.stats()).toEqual({ depth: 0, pending: 0 });
  });
});

describe("token budget arithmetic (in-process counters)", () => {
  const limits = (per_run: number, daily: number): BudgetLimitStore => ({
    get: async () => ({ per_run, daily }),
    set: async () => {},
    flush: () => {},
  });

  it("reports each 80 % and 100 % crossing once, and stops at 100 %", async () => {
    const budget = makeTokenBudget({ limits: limits(10_000, 1_000), counters: localCounters(clock), clock, log });
    const scope = { tenant: "acme", run: "r1" };
    expect(await budget.charge(scope, 700)).toEqual([]);
    expect((await budget.check(scope)).allowed).toBe(true);
    expect(await budget.charge(scope, 200)).toEqual([{ kind: "tokens", scope: "daily", tenant: "acme", used: 900, limit: 1_000, threshold: 80, exhausted: false }]);
    expect(await budget.charge(scope, 50)).toEqual([]);
    expect(await budget.charge(scope, 100)).toEqual([{ kind: "tokens", scope: "daily", tenant: "acme", used: 1_050, limit: 1_000, threshold: 100, exhausted: true }]);
    const check = await budget.check({ tenant: "acme", run: "r2" });
    expect(check).toMatchObject({ allowed: false, exhausted: "daily", used: { run: 0, daily: 1_050 } });
    expect(check.reason).toBe("tenant acme used 1050 of its 1000 tokens today (DAILY_TOKEN_BUDGET)");
    expect((await budget.check({ tenant: "other", run: "r3" })).allowed).toBe(true);
  });

  it("the daily counter starts again on the next UTC day", async () => {
    let now = new Date("2025-03-01T23:59:00Z");
    const budget = makeTokenBudget({ limits: limits(10_000, 1_000), counters: localCounters(() => now), clock: () => now, log });
    await budget.charge({ tenant: "acme", run: "r1" }, 1_000);
    expect((await budget.check({ tenant: "acme", run: "r2" })).allowed).toBe(false);
    now = new Date("2025-03-02T00:00:01Z");
    expect((await budget.check({ tenant: "acme", run: "r2" })).allowed).toBe(true);
  });
});

describe("control messages", () => {
  it("parses redis-cli fields and JSON messages; refuses set_budget without a number", () => {
    const at = new Date("2025-01-01T00:00:00Z");
    expect(parseControlFields({ type: "set_budget", tenant: "acme", daily: "5000" }, at)).toEqual({
      schema_ver: 1, type: "set_budget", from: "redis-cli", at: at.toISOString(), tenant: "acme", daily: 5000,
    });
    expect(parseControlFields({ type: "set_budget", per_run: "10" }, at)).toMatchObject({ tenant: "*", per_run: 10 });
    expect(() => parseControlFields({ type: "set_budget", tenant: "acme" }, at)).toThrow(/per_run, daily or both/);
    expect(() => parseControlFields({ type: "reboot" }, at)).toThrow();
    const json = { schema_ver: 1, type: "flush_cache", from: "ops", at: at.toISOString() };
    expect(parseControlFields({ type: "flush_cache", message: JSON.stringify(json) }, at)).toEqual(json);
  });

  it("the local control bus delivers to this process's handlers", async () => {
    const bus = makeLocalControlBus(log, clock);
    const got: number[] = [];
    bus.on("set_budget", (message) => void got.push(message.daily ?? 0));
    await bus.send({ type: "set_budget", tenant: "acme", daily: 42 });
    await bus.send({ type: "heartbeat" });
    expect(got).toEqual([42]);
    expect(Object.keys(bus.peers())).toHaveLength(1);
  });
});
