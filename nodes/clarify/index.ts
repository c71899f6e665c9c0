import { interrupt } from "@langchain/langgraph";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { validationError } from "../../lib/validation.js";
import type { GoalReading } from "../../schemas/goal-reading.js";
import { readClarifyAnswer } from "./answer.js";

/** What the clarify interrupt shows: the questions with their defaults, and what was read and from where. */
export function clarifyRequest(reading: GoalReading) {
  const defaults = Object.fromEntries(reading.missing.map((fact) => [fact.path, fact.default]));
  const lines = [
    `**${reading.name}**: ${reading.missing.length} deciding fact(s) are not in the description.`,
    ...reading.missing.map((fact) => `- ${fact.question} (default: ${fact.default}; ${fact.why})`),
    "",
    "Read from the description:",
    ...reading.fields.map((field) => `- ${field.path} = ${String(field.value)} (from "${field.from}")`),
    "",
    "Answer with the values, or accept the defaults.",
  ];
  return {
    kind: "clarify" as const,
    prompt: reading.prompt,
    name: reading.name,
    questions: reading.missing,
    read: reading.fields,
    // agent-chat-ui's HumanInterrupt: accept the defaults, edit them, or answer in words
    action_request: { action: "answer_questions", args: defaults },
    config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: false },
    description: lines.join("\n"),
  };
}

/**
 * The clarify node: a goal in plain language left a deciding fact unstated (budget, availability,
 * workload kind, environment), so the run waits (checkpointed, WAIT_FOR_ANSWER) for the answers
 * or the defaults, then plans the goal they make. Atlas's API checks an answer before resuming; a
 * server that does not (`langgraphjs dev`) gets the questions asked again with `error` saying what
 * was wrong, rather than a thread failed for good.
 */
export function clarify(state: PlanStateValue): PlanStateUpdate {
  const reading = state.reading;
  if (!reading) throw new Error("clarify reached without a reading of the prompt");
  let request: ReturnType<typeof clarifyRequest> & { error?: string } = clarifyRequest(reading);
  for (;;) {
    const answered = readClarifyAnswer(interrupt(request), reading);
    if (answered.ok) return { goal: answered.goal, reading: answered.reading, status: "IN_PROGRESS" };
    request = { ...clarifyRequest(reading), error: validationError(answered.error, "resume").message };
  }
}
