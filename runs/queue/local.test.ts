import { describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log.js";
import { waitFor } from "../../test/helpers/redis.js";
import type { RunJob } from "./job.js";
import { makeLocalRunQueue } from "./local.js";

// The in-process run queue used without REDIS_URL: same interface, same rules as on Redis.

const log = createLogger("silent");
const clock = () => new Date();

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
    await waitFor(() => dead.length === 1 && handled.includes("busy#1"), undefined, "the dead letter and the retried busy job");
    await consumer.stop();
    expect(handled.slice(0, 3)).toEqual(["a#0", "busy#0", "crash#0"]);
    expect(handled.filter((h) => h.startsWith("crash"))).toHaveLength(3);
    expect(dead).toEqual(["crash: boom"]);
    expect(await queue.stats()).toEqual({ depth: 0, pending: 0 });
  });
});
