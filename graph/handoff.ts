import type { LifecycleEvent } from "../schemas/events.js";
import { type HandoffEventData, type HandoffEventType, handoffEventSchemas } from "../schemas/handoff-events.js";
import { emit, type GraphDeps } from "./deps.js";
import type { PlanStateValue } from "./state.js";

/**
 * Publishes one of the specification's hand-off events (schemas/handoff-events.ts) after checking
 * its data against the event's schema: a consumer never receives one that breaks its contract
 * (a mismatch is a bug here, and fails the node loudly).
 */
export async function emitHandoff<T extends HandoffEventType>(
  deps: GraphDeps,
  state: PlanStateValue,
  threadId: string,
  type: T,
  data: HandoffEventData<T>,
): Promise<LifecycleEvent> {
  const checked = handoffEventSchemas[type].parse(data) as Record<string, unknown>;
  return emit(deps, state, threadId, type, checked);
}
