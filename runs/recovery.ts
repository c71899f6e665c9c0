import { type EventBus, lifecycleEvent } from "../bus/events.js";
import type { PlanStateValue, RunStatus } from "../graph/state.js";
import type { Logger } from "../lib/log.js";
import type { BackgroundRuns } from "./background.js";
import { RESTARTABLE, type RunDriver, threadConfig } from "./driver.js";
import type { RunRecord } from "./registry.js";

/** What one sweep did. */
export interface RecoverySweep {
  /** runs whose dead runner's claim was taken over, with what became of each */
  recovered: { thread_id: string; from: RunStatus; to: RunStatus; action: string }[];
  /** queued runs put on the queue again because their job may be lost */
  requeued: number;
}

/**
 * Recovers what dead processes leave behind, on any replica (each sweep takes over a stale claim
 * by compare-and-set, so one replica acts on each run):
 * - a run whose runner stopped renewing its claim (the process died mid-run, synchronous or not):
 *   stopped at the approval interrupt or at an end, it is released with that status; cut off
 *   while designing, it is handed to the background queue and continued from its last
 *   checkpoint; cut off after the approval (APPLYING) or during a rollback (DONE), it keeps that
 *   status for the caller to retry. Each publishes `run.recovered` saying what happened.
 * - queued runs no worker has taken for the stale interval are queued again: the queue is not
 *   the source of truth (a Redis that comes back without its stream loses jobs), the registry is.
 */
export function makeRecovery(driver: RunDriver, background: BackgroundRuns, parts: { events: EventBus; log: Logger; clock: () => Date }) {
  const { runs, owner } = driver;

  async function recover(stale: RunRecord): Promise<RecoverySweep["recovered"][number] | null> {
    const run = await runs.takeOver(stale, stale.claimed_by as string, owner);
    if (!run) return null;
    const snapshot = await driver.graph.getState(threadConfig(run));
    const state = snapshot.values as Partial<PlanStateValue>;
    const waiting = snapshot.tasks.some((task) => (task.interrupts ?? []).length > 0);
    const ended = snapshot.next.length === 0 && state.status !== undefined && RESTARTABLE.includes(state.status);
    let outcome: { to: RunStatus; action: string };
    if (waiting || ended) {
      const view = await driver.settle(run);
      outcome = { to: view.status, action: "released at the status its checkpoint stopped at" };
    } else if (state.status === "APPLYING" || state.status === "DONE") {
      await runs.release(run, owner, {
        status: state.status,
        plan_version: state.plan?.version ?? run.plan_version,
        tokens_used: state.tokens_used ?? 0,
      });
      outcome = { to: state.status, action: state.status === "APPLYING" ? "kept APPLYING: approve again to apply" : "kept DONE: send the rollback again" };
    } else if (state.goal && state.trace_id === run.trace_id) {
      await runs.queueClaimed(run, owner, state.goal);
      await background.requeue([{ run: { ...run, status: "PENDING" }, goal: state.goal }]);
      outcome = { to: "PENDING", action: "continued by a background worker from its last checkpoint" };
    } else if (run.status === "PENDING") {
      // a queued run whose worker died before its first checkpoint: the queue hands it out again
      await runs.release(run, owner, { status: "PENDING", plan_version: run.plan_version, tokens_used: run.tokens_used });
      outcome = { to: "PENDING", action: "released for a worker to take again" };
    } else {
      await runs.release(run, owner, { status: "FAILED", plan_version: run.plan_version, tokens_used: run.tokens_used });
      outcome = { to: "FAILED", action: "no checkpoint to continue from: FAILED, a new plan may start" };
    }
    // what the run showed before: its checkpoint's status (a synchronous run is PENDING in the registry until it stops)
    const from = state.status ?? stale.status;
    const data = { from, to: outcome.to, action: outcome.action, dead_owner: stale.claimed_by };
    await parts.events.publish(lifecycleEvent("run.recovered", run, data, parts.clock()));
    parts.log.warn({ thread_id: run.thread_id, tenant: run.tenant, trace_id: run.trace_id, ...data }, "recovered a run whose runner stopped");
    return { thread_id: run.thread_id, from, ...outcome };
  }

  return {
    /** One pass over stale claims and possibly lost queued runs. */
    async sweep(): Promise<RecoverySweep> {
      const recovered: RecoverySweep["recovered"] = [];
      for (const stale of await runs.staleClaims(owner)) {
        try {
          const done = await recover(stale);
          if (done) recovered.push(done);
        } catch (error) {
          parts.log.error({ err: error, thread_id: stale.thread_id }, "could not recover a run whose runner stopped; next sweep tries again");
        }
      }
      const requeued = await background.requeue(await runs.takeUnclaimedQueued(runs.staleClaimSeconds));
      if (requeued > 0) parts.log.warn({ requeued }, "queued runs no worker took were queued again");
      return { recovered, requeued };
    },
  };
}

export type Recovery = ReturnType<typeof makeRecovery>;
