import { randomUUID } from "node:crypto";
import type { PlanningGraph } from "../graph/build.js";
import type { PlanStateValue, RunStatus } from "../graph/state.js";
import { AtlasError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import type { GoalStatement } from "../schemas/goal.js";
import {
  conflict,
  type DriveOptions,
  goalNameOf,
  isBusy,
  newTraceId,
  type PlanSource,
  planIdOf,
  planSource,
  RESTARTABLE,
  type RunDriver,
  type RunView,
  startInput,
  threadConfig,
} from "./driver.js";
import { type RunJob, type RunQueue, runJobSchema } from "./queue/job.js";
import type { RunRecord } from "./registry.js";

/** What `POST /architect/plan` answers (202) for a background run. */
export interface QueuedRunView {
  thread_id: string;
  trace_id: string;
  status: "PENDING";
  /** `next`: the thread's next run; `after_current`: queued behind the run the thread is busy with */
  queued: "next" | "after_current";
}

/** What a worker's `execute` did with a job. */
export type ExecuteResult =
  | { outcome: "ran"; view: RunView }
  /** the graph failed; the registry says FAILED */
  | { outcome: "failed"; error: Error }
  /** someone already ran this job (a redelivery) */
  | { outcome: "already"; status: RunStatus }
  /** the thread is being run or another run is queued ahead: try later */
  | { outcome: "busy"; status: RunStatus }
  /** the thread cannot take this run any more (e.g. it now waits for approval) */
  | { outcome: "dropped"; status: RunStatus | null; reason: string };

/** What the registry keeps for a queued run (`queued_goal`): the goal, or `{ prompt }`. */
const queuedAs = (source: PlanSource): unknown => source.goal ?? { prompt: source.prompt };
/** A queued run's `queued_goal` as job fields: a goal, or a prompt. */
const fromQueued = (queued: unknown) =>
  queued !== null && typeof queued === "object" && "prompt" in queued && !("name" in queued)
    ? { prompt: (queued as { prompt: unknown }).prompt }
    : { goal: queued };

type RunRequest = {
  goal?: GoalStatement | undefined;
  /** instead of a goal: a description in plain language */
  prompt?: string | undefined;
  thread_id?: string | undefined;
  tenant: string;
  created_by?: string | null | undefined;
  /** the run's trace id, when the caller records it first (the Platform API's run row); new otherwise */
  trace_id?: string | undefined;
};

/**
 * Background runs: `submit` registers a run as PENDING and puts its job on the queue; a worker
 * on any replica hands the job to `execute`, which runs it exactly once: the registry claim
 * (compare-and-set, renewed while running) keeps two workers off one thread, and a run whose
 * worker died is continued from its last checkpoint. Runs go through the same driver as the
 * synchronous API.
 */
export function makeBackgroundRuns(driver: RunDriver, parts: { queue: RunQueue; log: Logger; clock: () => Date }) {
  const { graph, runs, owner } = driver;
  const { queue, log, clock } = parts;

  /** Takes back a queued run: back to `status` (what the thread had before) or FAILED (its job was dead-lettered). */
  const abandon = (job: Pick<RunJob, "thread_id" | "tenant" | "trace_id">, status?: RunStatus) => runs.abandon(job.thread_id, job.tenant, job.trace_id, status);

  /**
   * Registers a run for a worker: a new thread, or a new version on a restartable one, is
   * PENDING under a new trace id; a busy thread answers 409 unless `ifBusy` is "queue".
   */
  async function register(request: RunRequest, ifBusy: "reject" | "queue") {
    const threadId = request.thread_id ?? randomUUID();
    const traceId = request.trace_id ?? newTraceId();
    const source = planSource(request);
    const createdBy = request.created_by ?? null;
    const record = {
      thread_id: threadId,
      tenant: request.tenant,
      plan_id: planIdOf(threadId),
      trace_id: traceId,
      goal_name: goalNameOf(source),
      created_by: createdBy,
    };
    if (await runs.create(record, null, queuedAs(source))) return { threadId, traceId, kind: "start" as const, previous: null };
    const existing = await driver.require(threadId, request.tenant);
    const previous = await runs.markPending(threadId, request.tenant, RESTARTABLE, traceId, createdBy, queuedAs(source));
    if (previous) return { threadId, traceId, kind: "start" as const, previous };
    const now = (await runs.get(threadId, request.tenant)) ?? existing;
    if (ifBusy === "queue" && isBusy(now)) return { threadId, traceId, kind: "follow" as const, previous: now.status };
    throw conflict(now, "start a new plan on");
  }

  return {
    /**
     * Registers a background run and puts it on the queue. If the queue cannot take it (Redis
     * down), the registration is undone and the caller gets 503: the client may retry, or run
     * synchronously, which works without Redis.
     */
    async submit(request: RunRequest, ifBusy: "reject" | "queue" = "reject"): Promise<QueuedRunView> {
      const submitted = await register(request, ifBusy);
      const job: RunJob = {
        kind: submitted.kind,
        thread_id: submitted.threadId,
        tenant: request.tenant,
        trace_id: submitted.traceId,
        ...planSource(request),
        created_by: request.created_by ?? null,
        submitted_at: clock().toISOString(),
        attempt: 0,
      };
      try {
        await queue.enqueue(job);
      } catch (error) {
        // a new thread becomes FAILED (restartable); an existing one gets its status back
        if (submitted.kind === "start") await abandon(job, submitted.previous ?? "FAILED").catch(() => false);
        log.warn({ err: (error as Error).message, thread_id: job.thread_id }, "background run refused: the run queue is unreachable");
        throw new AtlasError(
          "UNAVAILABLE",
          "The run queue is unavailable (Redis cannot be reached), so background runs are refused for now. Retry later, or send the request without background to run it synchronously.",
          { cause: error },
        );
      }
      return { thread_id: job.thread_id, trace_id: job.trace_id, status: "PENDING", queued: submitted.kind === "start" ? "next" : "after_current" };
    },

    /** Runs one job; `signal` aborted means this worker is dying: stop renewing the claim. */
    async execute(job: RunJob, options: DriveOptions = {}): Promise<ExecuteResult> {
      const run =
        job.kind === "start"
          ? await runs.claimQueued(job.thread_id, job.tenant, job.trace_id, owner)
          : await runs.claim(job.thread_id, job.tenant, RESTARTABLE, owner, job.trace_id);
      if (!run) {
        const existing = await runs.get(job.thread_id, job.tenant);
        if (!existing) return { outcome: "dropped", status: null, reason: "the thread no longer exists" };
        if (isBusy(existing)) return { outcome: "busy", status: existing.status };
        if (existing.trace_id === job.trace_id) return { outcome: "already", status: existing.status };
        return { outcome: "dropped", status: existing.status, reason: `the thread is ${existing.status}, which cannot start a new plan` };
      }
      let snapshot: Awaited<ReturnType<PlanningGraph["getState"]>>;
      try {
        if (job.kind === "follow") await runs.setCreatedBy(job, owner, job.created_by);
        snapshot = await graph.getState(threadConfig(run));
      } catch (error) {
        // hand the claim back untouched; the job is retried
        await runs.release(job, owner, { status: run.status, plan_version: run.plan_version, tokens_used: run.tokens_used }).catch(() => {});
        throw error;
      }
      const state = snapshot.values as Partial<PlanStateValue>;
      try {
        if (state.trace_id === job.trace_id) {
          // This run began on a worker that died: continue from its last checkpoint, unless it
          // had already stopped (at the approval interrupt, or at an end). An empty `next` alone
          // does not mean stopped: a worker killed right after the input checkpoint leaves the
          // `__start__` task's writes pending, which getState shows as applied with no next node.
          const waiting = snapshot.tasks.some((task) => (task.interrupts ?? []).length > 0);
          const ended = snapshot.next.length === 0 && state.status !== undefined && RESTARTABLE.includes(state.status);
          if (waiting || ended) return { outcome: "ran", view: await driver.settle(run) };
          return { outcome: "ran", view: await driver.drive(run, null, options) };
        }
        const input = startInput(planSource(job));
        return { outcome: "ran", view: await driver.drive({ ...run, trace_id: job.trace_id }, input, options) };
      } catch (error) {
        return { outcome: "failed", error: error as Error };
      }
    },

    /**
     * Puts runs still PENDING with their goals back on the queue (`queued`, or every such run): an
     * in-process queue loses its jobs when the process stops (as does a Redis stream that comes back empty). A run another
     * process is still running is only deferred by its claim, and a job that turns out to be run
     * already is dropped as such by the worker, so requeueing twice is harmless.
     * @returns how many jobs were put back.
     */
    async requeue(queued?: { run: RunRecord; goal: unknown }[]): Promise<number> {
      let requeued = 0;
      for (const { run, goal } of queued ?? (await runs.queued())) {
        const job = runJobSchema.safeParse({
          kind: "start",
          thread_id: run.thread_id,
          tenant: run.tenant,
          trace_id: run.trace_id,
          ...fromQueued(goal),
          created_by: run.created_by,
          submitted_at: new Date(run.updated_at).toISOString(),
          attempt: 0,
        });
        if (!job.success) {
          // a goal this version no longer accepts: the run cannot be run, so say so
          await abandon(run);
          log.warn(
            { thread_id: run.thread_id, trace_id: run.trace_id, issues: job.error.issues.slice(0, 3) },
            "queued run not requeued: its goal no longer validates; marked FAILED",
          );
          continue;
        }
        await queue.enqueue(job.data);
        requeued++;
      }
      return requeued;
    },

    /** Background runs still PENDING with their goals: see `RunRegistry.queued`. */
    queued: () => runs.queued(),

    /** True while the thread is being run or has a run queued. */
    async busy(threadId: string, tenant: string): Promise<boolean> {
      return isBusy(await driver.require(threadId, tenant));
    },

    abandon,
  };
}

export type BackgroundRuns = ReturnType<typeof makeBackgroundRuns>;
