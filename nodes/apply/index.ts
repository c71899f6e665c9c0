import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { withContents } from "../../graph/artifact-contents.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";

/**
 * The apply node: commits the approved artifacts to the GitOps workspace, one commit per
 * plan version. Re-running it (a crash before the checkpoint) finds the commit and does nothing.
 * The commit names who approved (the key's name, and its id as a trailer).
 * The contents come from the artifact store (or from the state, for checkpoints written before it).
 */
export function makeApply(deps: GraphDeps) {
  return async function apply(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const { plan, artifacts, decision } = state;
    if (!plan || !artifacts || decision?.decision !== "approve") throw new Error("apply reached without an approved plan");
    const threadId = threadIdOf(config, state);
    const files = await withContents(deps.artifactStore, artifacts.files);
    const request = await emit(deps, state, threadId, "apply.request", { plan_version: plan.version, approver: decision.approver });
    const result = await deps.gitops.apply({
      tenant: state.tenant,
      threadId,
      planId: plan.plan_id,
      planVersion: plan.version,
      traceId: plan.trace_id,
      approver: decision.approver,
      approverKeyId: decision.approver_key_id ?? null,
      files: files.map((file) => ({ path: file.path, content: file.content })),
    });
    const applied = {
      commit: result.commit,
      path: result.path,
      plan_version: plan.version,
      approver: decision.approver,
      already_applied: result.alreadyApplied,
    };
    const done = await emit(deps, state, threadId, "apply.done", { ...applied });
    return { applied, status: "DONE", last_approved_plan: plan, events: [request, done] };
  };
}
