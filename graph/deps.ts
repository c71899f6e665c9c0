import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { EventBus } from "../bus/events.js";
import { lifecycleEvent } from "../bus/events.js";
import type { GitopsWorkspace } from "../lib/gitops.js";
import { type Logger, runLogger } from "../lib/log.js";
import type { Signer } from "../lib/signing.js";
import type { OrgPolicy } from "../policies/org-policy-schema.js";
import type { RunbookSearch } from "../rag/search.js";
import type { EventType, LifecycleEvent } from "../schemas/events.js";
import type { TokenBudget } from "../tenants/budget/token-budget.js";
import type { ArtifactStore } from "./artifact-store.js";
import type { PlanStateValue } from "./state.js";

/** A chat model in the architect's fallback chain, with the name it is recorded under. */
export interface NamedModel {
  name: string;
  model: BaseChatModel;
}

/** What the graph's nodes need; a subset of the process `Deps`, so tests can pass their own. */
export interface GraphDeps {
  search: RunbookSearch;
  /** the architect's model fallback chain; empty for deterministic planning */
  models: NamedModel[];
  events: EventBus;
  gitops: GitopsWorkspace;
  /** the builder's files by SHA-256; the state carries only the digests */
  artifactStore: ArtifactStore;
  /**
   * signs each build's artifact digest (builder) and is the key apply trusts: every replica
   * holds the same key, from ATLAS_SIGNING_KEY_FILE
   */
  signer: Signer;
  /** organisation policy, loaded from ATLAS_POLICY_DIR (see policies/org/) */
  orgPolicy?: OrgPolicy | undefined;
  clock: () => Date;
  log: Logger;
  /** token budgets the architect checks before a model call and charges after; none: unlimited */
  tokenBudget?: TokenBudget | undefined;
}

/** Publishes a lifecycle event for the run and returns it for the state's history. */
export async function emit(deps: GraphDeps, state: PlanStateValue, threadId: string, type: EventType, data: Record<string, unknown>): Promise<LifecycleEvent> {
  const event = lifecycleEvent(type, { trace_id: state.trace_id, thread_id: threadId, tenant: state.tenant }, data, deps.clock());
  await deps.events.publish(event);
  runLogger(deps.log, event).info({ event: type }, "lifecycle event");
  return event;
}

/**
 * The thread id a run's events and commits name: the tenant's own id. The checkpointer's
 * `thread_id` is `<tenant>/<thread id>` (thread ids are per tenant); threads from before that,
 * and graphs run outside Atlas's registry (`langgraphjs dev`), use the bare id.
 */
export function threadIdOf(config: { configurable?: Record<string, unknown> | undefined }, state: Pick<PlanStateValue, "tenant">): string {
  const graphThread = String(config.configurable?.thread_id);
  const prefix = `${state.tenant}/`;
  return graphThread.startsWith(prefix) ? graphThread.slice(prefix.length) : graphThread;
}
