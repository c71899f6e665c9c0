import { randomUUID } from "node:crypto";
import { AtlasError } from "../lib/errors.js";
import type { RunJob } from "../lib/queue/job.js";
import { sleep } from "../lib/sleep.js";
import type { GoalStatement } from "../schemas/goal.js";
import type { PlanningGraph } from "./build.js";
import type { RunRecord, RunRegistry } from "./runs.js";
import type { ProgressEvent, RunView } from "./service.js";
import type { PlanStateValue, RunStatus } from "./state.js";

/** A run handed to the queue. `follow`: queued behind the run the thread is busy with. */
export interface SubmittedRun {
  thread_id: string;
  trace_id: string;
  plan_id: string;
  kind: "start" | "follow";
  /** the thread's status before this run was queued (null for a new thread) */
  previous_status: RunStatus | null;
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

/** The plan service's internals the background half needs. */
export interface ServiceParts {
  graph: PlanningGraph;
  runs: RunRegistry;
  owner: string;
  restartable: RunStatus[];
  newTraceId(): string;
  startInput(goal: GoalStatement, tenant: string, planId: string, traceId: string): Record<string, unknown>;
  view(run: Pick<RunRecord, "thread_id" | "plan_id" | "trace_id">): Promise<RunView>;
  drive(run: RunRecord, input: unknown, onProgress?: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<RunView>;
  conflict(run: RunRecord, action: string): AtlasError;
}

/**
 * `runs.claim`, but when another runner still holds the thread while its checkpoint already
 * shows one of `from` (it stopped there and is about to release: a background run seen at
 * WAIT_FOR_APPROVE a moment before its worker let go), waits up to ~2 s for it.
 */
export async function claimWhenStopped(
  parts: Pick<ServiceParts, "graph" | "runs" | "owner">,
  threadId: string,
  tenant: string,
  from: RunStatus[],
): Promise<RunRecord | null> {
  for (let attempt = 0; ; attempt++) {
    const run = await parts.runs.claim(threadId, tenant, from, parts.owner);
    if (run || attempt >= 20) return run;
    const current = await parts.runs.get(threadId, tenant);
    if (!current?.claimed_by) return null;
    const state = (await parts.graph.getState({ configurable: { thread_id: threadId } })).values as Partial<PlanStateValue>;
    if (!state.status || !from.includes(state.status)) return null;
    await sleep(100);
  }
}

/** A thread is busy while a runner holds it or a queued run waits for one. */
export const isBusy = (run: RunRecord) => run.claimed_by !== null || run.status === "PENDING";

/**
 * Background runs on the plan service: `submit` registers a run as PENDING for the queue,
 * `execute` is what a worker does with a job, on any replica, exactly once per job: the
 * registry claim (compare-and-set, renewed while running) keeps two workers off one thread,
 * and a run whose worker died is continued from its last checkpoint.
 */
export function makeBackgroundRuns(parts: ServiceParts) {
  const { graph, runs, owner } = parts;
  const configOf = (threadId: string) => ({ configurable: { thread_id: threadId } });

  /** Records where a run already stopped (its worker died after the last checkpoint). */
  async function settle(run: RunRecord): Promise<RunView> {
    const result = await parts.view(run);
    await runs.release(run.thread_id, owner, { status: result.status, plan_version: result.plan?.version ?? 0, tokens_used: result.tokens_used });
    return result;
  }

  return {
    /**
     * Registers a run for a worker: a new thread, or a new version on a restartable one, is
     * PENDING under a new trace id; a busy thread answers 409 unless `ifBusy` is "queue".
     */
    async submit(
      request: { goal: GoalStatement; thread_id?: string | undefined; tenant: string; created_by?: string | null | undefined },
      options: { ifBusy?: "reject" | "queue" | undefined } = {},
    ): Promise<SubmittedRun> {
      const threadId = request.thread_id ?? randomUUID();
      const traceId = parts.newTraceId();
      const planId = `plan-${threadId.slice(0, 8)}`;
      const createdBy = request.created_by ?? null;
      const record = { thread_id: threadId, tenant: request.tenant, plan_id: planId, trace_id: traceId, goal_name: request.goal.name, created_by: createdBy };
      if (await runs.create(record, null, request.goal)) return { thread_id: threadId, trace_id: traceId, plan_id: planId, kind: "start", previous_status: null };
      const existing = await runs.get(threadId, request.tenant);
      if (!existing) throw new AtlasError("NOT_FOUND", `No plan thread ${threadId}`);
      const previous = await runs.markPending(threadId, request.tenant, parts.restartable, traceId, createdBy, request.goal);
      if (previous) return { thread_id: threadId, trace_id: traceId, plan_id: existing.plan_id, kind: "start", previous_status: previous };
      const now = (await runs.get(threadId, request.tenant)) ?? existing;
      if (options.ifBusy === "queue" && isBusy(now)) {
        return { thread_id: threadId, trace_id: traceId, plan_id: now.plan_id, kind: "follow", previous_status: now.status };
      }
      throw parts.conflict(now, "start a new plan on");
    },

    /** Runs one job; `signal` aborted means this worker is dying: stop renewing the claim. */
    async execute(job: RunJob, options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void } = {}): Promise<ExecuteResult> {
      const run =
        job.kind === "start"
          ? await runs.claimQueued(job.thread_id, job.tenant, job.trace_id, owner)
          : await runs.claim(job.thread_id, job.tenant, parts.restartable, owner, job.trace_id);
      if (!run) {
        const existing = await runs.get(job.thread_id, job.tenant);
        if (!existing) return { outcome: "dropped", status: null, reason: "the thread no longer exists" };
        if (isBusy(existing)) return { outcome: "busy", status: existing.status };
        if (existing.trace_id === job.trace_id) return { outcome: "already", status: existing.status };
        return { outcome: "dropped", status: existing.status, reason: `the thread is ${existing.status}, which cannot start a new plan` };
      }
      let snapshot: Awaited<ReturnType<PlanningGraph["getState"]>>;
      try {
        if (job.kind === "follow") await runs.setCreatedBy(job.thread_id, owner, job.created_by);
        snapshot = await graph.getState(configOf(job.thread_id));
      } catch (error) {
        // hand the claim back untouched; the job is retried
        await runs.release(job.thread_id, owner, { status: run.status, plan_version: run.plan_version, tokens_used: run.tokens_used }).catch(() => {});
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
          const ended = snapshot.next.length === 0 && state.status !== undefined && parts.restartable.includes(state.status);
          if (waiting || ended) return { outcome: "ran", view: await settle(run) };
          return { outcome: "ran", view: await parts.drive(run, null, options.onProgress, options.signal) };
        }
        const input = parts.startInput(job.goal, job.tenant, run.plan_id, job.trace_id);
        return { outcome: "ran", view: await parts.drive({ ...run, trace_id: job.trace_id }, input, options.onProgress, options.signal) };
      } catch (error) {
        return { outcome: "failed", error: error as Error };
      }
    },

    /** Background runs still PENDING with their goals: see `RunRegistry.queued`. */
    queued(): ReturnType<RunRegistry["queued"]> {
      return runs.queued();
    },

    /** True while the thread is being run or has a run queued. */
    async busy(threadId: string, tenant: string): Promise<boolean> {
      const run = await runs.get(threadId, tenant);
      if (!run) throw new AtlasError("NOT_FOUND", `No plan thread ${threadId}`);
      return isBusy(run);
    },

    /**
     * Takes back a queued run: back to `status` (what the thread had before, when its job could
     * not be queued) or FAILED (its job was dead-lettered).
     */
    abandon(job: Pick<RunJob, "thread_id" | "tenant" | "trace_id">, status?: RunStatus): Promise<boolean> {
      return runs.abandon(job.thread_id, job.tenant, job.trace_id, status);
    },
  };
}
