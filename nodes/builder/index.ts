import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { storeArtifacts } from "../../graph/artifact-contents.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import { emitHandoff } from "../../graph/handoff.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { planFolder } from "../../lib/gitops.js";
import { renderArtifacts } from "./engine.js";
import { helmChartReady, infrastructureGenerated } from "./handoff.js";

/**
 * The builder node: PlanSpec → Terraform, Kubernetes manifests and a Helm chart, delivery
 * pipelines, deterministically; then the specification's hand-off events (InfrastructureGenerated,
 * and HelmChartReady when there is a chart).
 * The contents go to the artifact store; the state (and so every checkpoint) keeps their digests
 * and the build's digest signed with the deployment's key (ATLAS_SIGNING_KEY_FILE).
 */
export function makeBuilder(deps: GraphDeps) {
  return async function builder(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    if (!state.plan) throw new Error("builder reached without a plan");
    const plan = state.plan;
    const threadId = threadIdOf(config, state);
    // the pipelines and GitOps manifests find the files where apply commits them
    const rendered = renderArtifacts(plan, deps.orgPolicy?.conventions, { planDir: planFolder({ tenant: state.tenant, planId: plan.plan_id }) });
    const chart = helmChartReady(plan, rendered);
    const artifacts = await storeArtifacts(deps.artifactStore, rendered);
    // the digest signed, so apply and `pnpm verify` can tell these files from any others
    artifacts.signature = deps.signer.sign(artifacts.digest);
    const events = [
      await emit(deps, state, threadId, "build.done", {
        plan_version: plan.version,
        files: artifacts.files.length,
        digest: artifacts.digest,
        key_id: artifacts.signature.key_id,
      }),
      await emitHandoff(deps, state, threadId, "InfrastructureGenerated", infrastructureGenerated(plan, artifacts)),
    ];
    if (chart) events.push(await emitHandoff(deps, state, threadId, "HelmChartReady", chart));
    return { artifacts, status: "VALIDATING", events };
  };
}
