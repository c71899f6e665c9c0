import type { PlanService } from "../../graph/service.js";
import type { Logger } from "../log.js";
import { type RunQueue, runJobSchema } from "./job.js";

/**
 * Without Redis the run queue lives in this process's memory, so a restart loses the jobs of
 * background runs still PENDING (queued, or being run when the process stopped). This puts
 * them back from the run registry, which keeps each queued run's goal. A run another process
 * is still running is only deferred by its claim, and a job that turns out to be run already
 * is dropped as such by the worker, so requeueing twice is harmless.
 *
 * @returns how many jobs were put back.
 */
export async function requeueQueuedRuns(deps: { planner: PlanService; queue: RunQueue; log: Logger }): Promise<number> {
  let requeued = 0;
  for (const { run, goal } of await deps.planner.queued()) {
    const job = runJobSchema.safeParse({
      kind: "start",
      thread_id: run.thread_id,
      tenant: run.tenant,
      trace_id: run.trace_id,
      goal,
      created_by: run.created_by,
      submitted_at: new Date(run.updated_at).toISOString(),
      attempt: 0,
    });
    if (!job.success) {
      // a goal this version no longer accepts: the run cannot be run, so say so
      await deps.planner.abandon({ thread_id: run.thread_id, tenant: run.tenant, trace_id: run.trace_id });
      deps.log.warn({ thread_id: run.thread_id, trace_id: run.trace_id, issues: job.error.issues.slice(0, 3) }, "queued run not requeued: its goal no longer validates; marked FAILED");
      continue;
    }
    await deps.queue.enqueue(job.data);
    requeued++;
  }
  return requeued;
}
