import { randomUUID } from "node:crypto";
import { type EventBus, escalation, lifecycleEvent } from "../bus/events.js";
import type { Logger } from "../lib/log.js";
import type { BackgroundRuns } from "./background.js";
import type { QueueConsumer, RunJob, RunQueue } from "./queue/job.js";

export interface RunWorkers {
  /** this process's consumer names in the `atlas-workers` group */
  names: string[];
  /** Stops taking jobs; waits for the runs in hand. */
  stop(): Promise<void>;
  /** Stops at once: no acknowledgement, no claim renewal, as if the process died (tests). */
  kill(): void;
}

/**
 * Starts `count` workers taking background runs from the queue. Each runs one job at a time
 * through `background.execute`; a job whose thread is busy is put back, a job that cannot run
 * any more publishes `run.dropped`, a failed run publishes `run.failed`, and a job that failed
 * 3 deliveries is dead-lettered: its run is marked FAILED and an `escalate` event published.
 */
export function startRunWorkers(
  deps: {
    queue: RunQueue;
    background: BackgroundRuns;
    events: EventBus;
    log: Logger;
    clock: () => Date /** this process's name among the replicas */;
    replica: string;
  },
  options: { count: number },
): RunWorkers {
  // one replica may start and stop workers more than once: each start gets fresh consumer names
  const base = `${deps.replica}-${randomUUID().slice(0, 4)}`;
  const names = Array.from({ length: options.count }, (_, i) => `${base}-w${i + 1}`);
  const publish = (type: "run.dropped" | "run.failed", job: RunJob, data: Record<string, unknown>) =>
    deps.events.publish(lifecycleEvent(type, job, data, deps.clock()));

  const consumers: QueueConsumer[] = names.map((consumer) =>
    deps.queue.consume({
      consumer,
      async handler(job, context) {
        const result = await deps.background.execute(job, { signal: context.killed });
        const log = deps.log.child({ trace_id: job.trace_id, tenant: job.tenant, thread_id: job.thread_id, worker: consumer });
        switch (result.outcome) {
          case "busy":
            log.debug({ status: result.status, attempt: job.attempt }, "thread busy; background run put back");
            return "defer";
          case "dropped":
            log.warn({ status: result.status, reason: result.reason }, "background run dropped");
            await publish("run.dropped", job, { reason: result.reason, status: result.status, kind: job.kind });
            return "done";
          case "failed":
            await publish("run.failed", job, { error: result.error.message.slice(0, 500) });
            return "done";
          case "already":
            log.info({ status: result.status }, "background run was already finished (redelivery)");
            return "done";
          default:
            log.info({ status: result.view.status }, "background run finished");
            return "done";
        }
      },
      async onDead(job, reason, entry) {
        if (!job) return;
        await deps.background.abandon(job);
        const detail = {
          stream: "runs",
          group: "atlas-workers",
          message_id: entry.id,
          outbox_id: null,
          deliveries: entry.deliveries,
          error: reason.slice(0, 1_000),
        };
        await deps.events.publish(escalation({ ...job, type: `run.${job.kind}` }, detail, deps.clock()));
      },
    }),
  );

  return {
    names,
    async stop() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    },
    kill() {
      for (const consumer of consumers) consumer.kill();
    },
  };
}
