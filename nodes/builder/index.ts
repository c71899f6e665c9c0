import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { storeArtifacts } from "../../graph/artifact-contents.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { renderArtifacts } from "./engine.js";

/**
 * The builder node: PlanSpec → Terraform, Kubernetes manifests and a Helm chart, deterministically.
 * The contents go to the artifact store; the state (and so every checkpoint) keeps their digests.
 */
export function makeBuilder(deps: GraphDeps) {
  return async function builder(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    if (!state.plan) throw new Error("builder reached without a plan");
    const artifacts = await storeArtifacts(deps.artifactStore, renderArtifacts(state.plan));
    const event = await emit(deps, state, threadIdOf(config, state), "build.done", {
      plan_version: state.plan.version,
      files: artifacts.files.length,
      digest: artifacts.digest,
    });
    return { artifacts, status: "VALIDATING", events: [event] };
  };
}
