import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { withContents } from "../../graph/artifact-contents.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import { emitHandoff } from "../../graph/handoff.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { reviewNotes } from "./review-notes.js";
import { checkBeforeApply } from "./verify.js";

/**
 * The apply node: commits the approved artifacts to the GitOps workspace, one commit per
 * plan version. Re-running it (a crash before the checkpoint) finds the commit and does nothing.
 * The commit names who approved (the key's name, and its id as a trailer).
 * The contents come from the artifact store (or from the state, for checkpoints written before it)
 * and are verified against the build's digest and signature first; ATLAS-SIGNATURE.json is
 * committed beside them so `pnpm verify` can check the folder later.
 * With a GitOps remote the commit is also pushed to its branch and, with a review host, a pull or
 * merge request carries the plan's summary, cost and findings (see lib/gitops.ts). Then the
 * specification's ManifestPublished hand-off event.
 */
export function makeApply(deps: GraphDeps) {
  return async function apply(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const { plan, artifacts, decision } = state;
    if (!plan || !artifacts || decision?.decision !== "approve") throw new Error("apply reached without an approved plan");
    const threadId = threadIdOf(config, state);
    const files = await withContents(deps.artifactStore, artifacts.files);
    // contents vs digest vs signature, before anything is committed (throws naming what failed)
    const checked = checkBeforeApply(deps.signer, artifacts, files);
    const request = await emit(deps, state, threadId, "apply.request", { plan_version: plan.version, approver: decision.approver });
    const result = await deps.gitops.apply({
      tenant: state.tenant,
      threadId,
      planId: plan.plan_id,
      planVersion: plan.version,
      traceId: plan.trace_id,
      approver: decision.approver,
      approverKeyId: decision.approver_key_id ?? null,
      files: [...files.map((file) => ({ path: file.path, content: file.content })), ...(checked.signatureFile ? [checked.signatureFile] : [])],
      notes: reviewNotes(plan, state.validation),
    });
    const applied = {
      commit: result.commit,
      path: result.path,
      plan_version: plan.version,
      approver: decision.approver,
      already_applied: result.alreadyApplied,
      pushed: result.pushed,
      review: result.review,
    };
    const done = await emit(deps, state, threadId, "apply.done", { ...applied, signature: checked.verification });
    const published = await emitHandoff(deps, state, threadId, "ManifestPublished", {
      plan_id: plan.plan_id,
      plan_version: plan.version,
      blueprint_id: plan.plan_id,
      digest: artifacts.digest,
      commit: result.commit,
      path: result.path,
      manifests: artifacts.files.filter((file) => file.kind === "kubernetes" || file.kind === "helm").map((file) => file.path),
      approver: decision.approver,
    });
    return { applied, status: "DONE", last_approved_plan: plan, events: [request, done, published] };
  };
}
