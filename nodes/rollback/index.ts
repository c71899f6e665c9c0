import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";

/**
 * The rollback node: reverts the plan's apply commit in the GitOps workspace; ROLLED_BACK. With a
 * GitOps remote the revert is pushed to its own branch (and reviewed, with a review host). The
 * rollback SLA runs from the call (`requested_at`, set by the route), or from this node's start
 * for a request that does not carry it.
 */
export function makeRollback(deps: GraphDeps) {
  return async function rollback(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const { applied, rollback_requested: request } = state;
    if (!applied || !request) throw new Error("rollback reached without an applied plan and a request");
    const threadId = threadIdOf(config, state);
    const requestedAt = request.requested_at ?? deps.clock().toISOString();
    const result = await deps.gitops.rollback({
      tenant: state.tenant,
      threadId,
      planId: state.plan_id,
      planVersion: applied.plan_version,
      traceId: state.trace_id,
      commit: applied.commit,
      by: request.by,
      reason: request.reason,
      requestedAt,
    });
    const event = await emit(deps, state, threadId, "rollback.done", {
      plan_version: applied.plan_version,
      commit: result.commit,
      reverted: applied.commit,
      by: request.by,
      pushed: result.pushed,
      review: result.review,
    });
    return { status: "ROLLED_BACK", rollback_requested: null, events: [event] };
  };
}
