import type { PlanService } from "../../graph/service.js";
import { AtlasError } from "../errors.js";
import type { Logger } from "../log.js";
import type { GoalStatement } from "../../schemas/goal.js";
import type { RunQueue } from "./job.js";

/** What `POST /architect/plan` answers (202) for a background run. */
export interface QueuedRunView {
  thread_id: string;
  trace_id: string;
  status: "PENDING";
  /** `next`: the thread's next run; `after_current`: queued behind the run the thread is busy with */
  queued: "next" | "after_current";
}

/**
 * Registers a background run and puts it on the queue. If the queue cannot take it (Redis
 * down), the registration is undone and the caller gets 503: the client may retry, or run
 * synchronously, which works without Redis.
 */
export async function submitBackgroundRun(
  deps: { planner: PlanService; queue: RunQueue; log: Logger; clock: () => Date },
  request: { goal: GoalStatement; thread_id?: string | undefined; tenant: string; created_by?: string | null | undefined },
  ifBusy: "reject" | "queue" = "reject",
): Promise<QueuedRunView> {
  const submitted = await deps.planner.submit(request, { ifBusy });
  const job = {
    kind: submitted.kind,
    thread_id: submitted.thread_id,
    tenant: request.tenant,
    trace_id: submitted.trace_id,
    goal: request.goal,
    created_by: request.created_by ?? null,
    submitted_at: deps.clock().toISOString(),
    attempt: 0,
  };
  try {
    await deps.queue.enqueue(job);
  } catch (error) {
    // a new thread becomes FAILED (restartable); an existing one gets its status back
    if (submitted.kind === "start") await deps.planner.abandon(job, submitted.previous_status ?? "FAILED").catch(() => false);
    deps.log.warn({ err: (error as Error).message, thread_id: job.thread_id }, "background run refused: the run queue is unreachable");
    throw new AtlasError(
      "UNAVAILABLE",
      "The run queue is unavailable (Redis cannot be reached), so background runs are refused for now. Retry later, or send the request without background to run it synchronously.",
      { cause: error },
    );
  }
  return { thread_id: submitted.thread_id, trace_id: submitted.trace_id, status: "PENDING", queued: submitted.kind === "start" ? "next" : "after_current" };
}
