import type { StateSnapshot } from "@langchain/langgraph";
import { z } from "zod";
import { AtlasError } from "../../lib/errors.js";
import { validationError } from "../../lib/validation.js";
import { goalStatementSchema, promptSchema, unwrapGoal } from "../../schemas/goal.js";
import type { PlanSource } from "../driver.js";

/**
 * How Atlas's graph state looks through the LangGraph Platform API: the state's values as JSON,
 * chat messages as the plain `{ type, content, ... }` objects the SDK and agent-chat-ui read
 * (the checkpointer keeps them as LangChain message objects, which serialise differently).
 */

interface MessageLike {
  getType?: () => string;
  _getType?: () => string;
  content: unknown;
  id?: string | undefined;
  name?: string | undefined;
}

const isMessage = (value: unknown): value is MessageLike =>
  typeof value === "object" &&
  value !== null &&
  (typeof (value as MessageLike).getType === "function" || typeof (value as MessageLike)._getType === "function");

/** A LangChain message as the Platform API's JSON shows it. */
export function messageDict(message: unknown): unknown {
  if (!isMessage(message)) return message;
  const type = message.getType?.() ?? message._getType?.();
  return { type, content: message.content, id: message.id ?? null, name: message.name ?? null, additional_kwargs: {}, response_metadata: {} };
}

/** State values (or a stream chunk of them) with every message as a plain object. */
export function platformValues(values: unknown): Record<string, unknown> {
  if (typeof values !== "object" || values === null) return {};
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  if (Array.isArray(out.messages)) out.messages = out.messages.map(messageDict);
  return out;
}

/** A stream chunk made JSON-safe: `values` and `updates` chunks carry messages too. */
export function platformChunk(mode: string, data: unknown): unknown {
  if (mode === "values") return platformValues(data);
  if (mode !== "updates" || typeof data !== "object" || data === null) return data;
  return Object.fromEntries(
    Object.entries(data as Record<string, unknown>).map(([node, update]) => [node, node === "__interrupt__" ? update : platformValues(update)]),
  );
}

/**
 * The Platform stream events one of the graph's chunks makes, in the modes the client asked: the
 * chunk itself (`values`, `updates`, `custom`), and, for `messages-tuple` and `messages`, each
 * summary message a node's update adds, whole (Atlas streams no tokens: the model's output is
 * structured, not chat): `messages` as `[message, { langgraph_node }]`, or `messages/complete`.
 */
export function platformEvents(chunk: { mode: "values" | "updates" | "custom"; data: unknown }, modes: ReadonlySet<string>): PlatformChunkEvent[] {
  const events: PlatformChunkEvent[] = [];
  if (modes.has(chunk.mode)) events.push({ event: chunk.mode, data: platformChunk(chunk.mode, chunk.data) });
  const tuples = modes.has("messages-tuple");
  if (chunk.mode !== "updates" || !(tuples || modes.has("messages")) || typeof chunk.data !== "object" || chunk.data === null) return events;
  for (const [node, update] of Object.entries(chunk.data as Record<string, unknown>)) {
    const added = typeof update === "object" && update !== null ? (update as { messages?: unknown }).messages : undefined;
    if (node === "__interrupt__" || !Array.isArray(added)) continue;
    for (const message of added.map(messageDict)) {
      events.push(tuples ? { event: "messages", data: [message, { tags: [], langgraph_node: node }] } : { event: "messages/complete", data: [message] });
    }
  }
  return events;
}
export type PlatformChunkEvent = { event: "values" | "updates" | "custom" | "messages" | "messages/complete"; data: unknown };

/** The interrupts a snapshot waits on, by task id (the Platform thread's `interrupts`). */
export function interruptsOf(snapshot: Pick<StateSnapshot, "tasks">): Record<string, { id?: string | undefined; value?: unknown }[]> {
  const out: Record<string, { id?: string | undefined; value?: unknown }[]> = {};
  for (const task of snapshot.tasks) {
    if (task.interrupts?.length) out[task.id] = task.interrupts.map((item) => ({ id: item.id, value: item.value }));
  }
  return out;
}

const humanMessageSchema = z.object({ type: z.enum(["human", "user"]), content: z.union([z.string(), z.array(z.unknown())]) }).loose();

/** The text of a chat message's content: a string, or the text parts of a content array. */
function messageText(content: string | unknown[]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) =>
      typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text" ? String((part as { text?: unknown }).text ?? "") : "",
    )
    .join("");
}

/**
 * What a Platform run's `input` asks to plan: `{ goal: GoalStatement }`, `{ prompt: "..." }` (a
 * goal in plain language, which the graph reads, asking at the clarify interrupt for what it
 * leaves out), or (agent-chat-ui sends chat messages) the last human message: a GoalStatement as
 * JSON (or `{ goal }`), or a description in plain language. A wrong goal, a blank or over-long
 * description, or a goal and a prompt together is a 400 naming the field; nothing is cut short.
 */
export function planFromInput(input: unknown): PlanSource {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AtlasError("VALIDATION_FAILED", 'Invalid request: input: send { "goal": GoalStatement } or { "prompt": "..." }', {
      issues: [{ path: "input", message: 'expected an object { "goal": GoalStatement } or { "prompt": "..." }' }],
    });
  }
  const fields = input as Record<string, unknown>;
  if (fields.goal !== undefined && fields.prompt !== undefined) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid request: input: send a goal, or a prompt in plain language (one of the two)", {
      issues: [{ path: "input.prompt", message: "not together with input.goal" }],
    });
  }
  if (fields.goal !== undefined) {
    const parsed = goalStatementSchema.safeParse(fields.goal);
    if (!parsed.success) throw validationError(parsed.error, "input.goal");
    return { goal: parsed.data };
  }
  if (fields.prompt !== undefined) return { prompt: readPrompt(fields.prompt, "input.prompt") };
  const messages = Array.isArray(fields.messages) ? fields.messages : [];
  const last = [...messages].reverse().find((message) => humanMessageSchema.safeParse(message).success);
  if (last) {
    const path = `input.messages[${messages.lastIndexOf(last)}].content`;
    const text = messageText(humanMessageSchema.parse(last).content).trim();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { prompt: readPrompt(text, path) };
    }
    const parsed = goalStatementSchema.safeParse(unwrapGoal(json));
    if (!parsed.success) throw validationError(parsed.error, path);
    return { goal: parsed.data };
  }
  throw new AtlasError("VALIDATION_FAILED", 'Invalid request: input.goal: Required (send { "goal": GoalStatement } or { "prompt": "..." })', {
    issues: [{ path: "input.goal", message: "Required" }],
  });
}

/** A description in plain language, checked as `POST /architect/plan` checks its `prompt`. */
function readPrompt(value: unknown, path: string): string {
  const parsed = promptSchema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, path);
  return parsed.data;
}
