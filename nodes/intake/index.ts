import { randomBytes } from "node:crypto";
import type { BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { type GoalStatement, goalStatementSchema, unwrapGoal } from "../../schemas/goal.js";

/** What a caller without a goal is told: the dev server shows this message as the run's error. */
export const GOAL_REQUIRED =
  'No goal to plan: send { "goal": GoalStatement } as the run input, or a human message whose text is that JSON (or the GoalStatement itself)';

/**
 * What a new plan version on an old thread resets: what the previous run left. A fresh thread
 * already holds these values (the state's defaults), and the intake writes only the keys whose
 * value differs, since every key written is a checkpoint write.
 */
const RESETS = {
  revisions: 0,
  open_findings: [],
  revision_comments: [],
  decision: null,
  blocked: null,
  applied: null,
  validation: null,
  artifacts: null,
  rollback_requested: null,
} satisfies PlanStateUpdate;

/** The text of a new human message: the conversation's last message, when a human sent it (this run's input). */
function newHumanText(messages: BaseMessage[] | undefined): string | null {
  const last = messages?.at(-1);
  return last && last.getType() === "human" ? last.text.trim() : null;
}

/**
 * The goal a human message carries: its text as a GoalStatement, or as `{ "goal": GoalStatement }`.
 * `null` when the text is not JSON (a chat remark); an Error naming the issues when it is JSON but
 * not a goal, so a mistyped goal is not silently replaced by the thread's previous one.
 */
export function goalFromText(text: string): GoalStatement | Error | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = goalStatementSchema.safeParse(unwrapGoal(json));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
  return new Error(`The message is JSON but not a GoalStatement (${issues}). ${GOAL_REQUIRED}`);
}

/**
 * The goal this run plans: a new human message's goal (agent-chat-ui can send nothing else), else
 * the state's (the run input's `goal`, or on an old thread the goal its last run planned).
 */
export function goalOf(state: Pick<PlanStateValue, "goal" | "messages">): GoalStatement {
  const text = newHumanText(state.messages);
  const fromChat = text === null ? null : goalFromText(text);
  if (fromChat instanceof Error) throw fromChat;
  const goal = fromChat ?? state.goal;
  if (!goal) throw new Error(GOAL_REQUIRED);
  return goal;
}

const configured = (config: LangGraphRunnableConfig, key: string): string | undefined => {
  const value = config.configurable?.[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
};

/** A new W3C-style trace id (32 hex characters), for runs started without one (`langgraphjs dev`). */
const newTraceId = () => randomBytes(16).toString("hex");

/** Keys of `update` whose value differs from the state's: the rest would be checkpoint writes that change nothing. */
function changed(state: PlanStateValue, update: PlanStateUpdate): PlanStateUpdate {
  const current = state as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(update).filter(([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value))) as PlanStateUpdate;
}

/**
 * The intake node, the graph's first: the input is only `{ goal }` (or a human message with it),
 * so who and what the run is comes from here. Atlas's run driver passes tenant, plan_id and
 * trace_id in `configurable`; without them (LangGraph Studio, `langgraphjs dev`) the tenant is the
 * thread's (else "default"), the plan id `plan-<thread id>` and the trace id new. It starts a new
 * plan version: IN_PROGRESS, with what a previous run on the thread left reset.
 */
export function intake(state: PlanStateValue, config: LangGraphRunnableConfig): PlanStateUpdate {
  const goal = goalOf(state);
  const tenant = configured(config, "tenant") ?? state.tenant ?? "default";
  const planId = configured(config, "plan_id") ?? state.plan_id ?? `plan-${threadIdOf(config, { tenant })}`;
  const traceId = configured(config, "trace_id") ?? newTraceId();
  return changed(state, { goal, tenant, plan_id: planId, trace_id: traceId, status: "IN_PROGRESS", ...RESETS });
}
