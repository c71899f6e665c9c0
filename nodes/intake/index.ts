import { randomBytes } from "node:crypto";
import type { BaseMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { z } from "zod";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { type GoalStatement, goalStatementSchema, unwrapGoal } from "../../schemas/goal.js";
import type { GoalReading } from "../../schemas/goal-reading.js";
import { makeModelSpend } from "../architect/spend.js";
import { type Interpretation, interpretPrompt } from "./prompt/extract.js";
import { goalFromInterpretation } from "./prompt/goal.js";
import { readPrompt } from "./prompt/model.js";

/** What a caller without a goal is told: the dev server shows this message as the run's error. */
export const GOAL_REQUIRED =
  'No goal to plan: send { "goal": GoalStatement } as the run input, or a human message describing it (in plain language, or as that JSON)';

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
  return new Error(`The message is JSON but not a GoalStatement (${issueList(parsed.error)}). ${GOAL_REQUIRED}`);
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

/** How a prompt was read, as the run carries it: the extractor's reading of the human's text. */
export function readingOf(prompt: string): GoalReading {
  const interpretation = interpretPrompt(prompt);
  return { prompt, by: "deterministic", ...interpretation };
}

/**
 * The intake node, the graph's first: the input is only `{ goal }` (or a human message with it),
 * so who and what the run is comes from here. Atlas's run driver passes tenant, plan_id and
 * trace_id in `configurable`; without them (LangGraph Studio, `langgraphjs dev`) the tenant is the
 * thread's (else "default"), the plan id `plan-<thread id>` and the trace id new. It starts a new
 * plan version: IN_PROGRESS, with what a previous run on the thread left reset.
 *
 * A human message in prose is a goal in plain language: it is read (nodes/intake/prompt/), and
 * when a deciding fact is unstated the run goes to the clarify interrupt (WAIT_FOR_ANSWER) with
 * the reading; otherwise the goal it describes is planned, the reading kept beside it.
 */
export async function intake(
  state: PlanStateValue,
  config: LangGraphRunnableConfig,
  /** how prose is read: the extractor, or (makeIntake, with a model chain) the model first */
  read: (text: string) => Promise<GoalReading> = async (text) => readingOf(text),
): Promise<PlanStateUpdate> {
  const tenant = configured(config, "tenant") ?? state.tenant ?? "default";
  const planId = configured(config, "plan_id") ?? state.plan_id ?? `plan-${threadIdOf(config, { tenant })}`;
  const traceId = configured(config, "trace_id") ?? newTraceId();
  const identity = { tenant, plan_id: planId, trace_id: traceId, ...RESETS };
  const text = newHumanText(state.messages);
  const prose = text !== null && goalFromText(text) === null;
  if (!prose) return changed(state, { goal: goalOf(state), reading: null, status: "IN_PROGRESS", ...identity });
  const reading = await read(text);
  if (reading.missing.length > 0) return changed(state, { reading, status: "WAIT_FOR_ANSWER", ...identity });
  const built = goalFromInterpretation(reading as Interpretation);
  if (!built.ok) throw new Error(`The goal read from the message is not valid (${issueList(built.error)}). ${GOAL_REQUIRED}`);
  return changed(state, { goal: built.goal, reading: { ...reading, assumed: built.assumed }, status: "IN_PROGRESS", ...identity });
}

/**
 * The intake as the graph runs it: `intake`, and the `clarify.requested` event when the run is to
 * wait for answers (followers of the thread's stream learn that it stopped there).
 */
export function makeIntake(deps: GraphDeps) {
  return async function intakeNode(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    // with a model chain, prose is read by the model first, within the run's token budget
    const scope = { tenant: configured(config, "tenant") ?? state.tenant ?? "default", run: configured(config, "trace_id") ?? state.trace_id ?? "" };
    const budget = deps.tokenBudget;
    const spend = makeModelSpend(budget ? { check: () => budget.check(scope), charge: (tokens) => budget.charge(scope, tokens) } : null);
    const read = async (text: string) => {
      const { reading, notes } = await readPrompt(text, { models: deps.models ?? [], spend });
      await spend.settle();
      return notes.length ? { ...reading, notes } : reading;
    };
    const update = { ...(await intake(state, config, read)), ...(spend.total() > 0 ? { tokens_used: spend.total() } : {}) };
    const reading = update.reading as GoalReading | null | undefined;
    if (update.status !== "WAIT_FOR_ANSWER" || !reading) return update;
    // `changed` leaves out what the state already holds, so the identity is the update's or the state's
    const run = {
      ...state,
      tenant: (update.tenant as string | undefined) ?? state.tenant,
      trace_id: (update.trace_id as string | undefined) ?? state.trace_id,
    };
    const event = await emit(deps, run, threadIdOf(config, run), "clarify.requested", {
      questions: reading.missing.map((fact) => fact.path),
      name: reading.name,
    });
    return { ...update, events: [event] };
  };
}

/** A zod error's issues on one line. */
const issueList = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
