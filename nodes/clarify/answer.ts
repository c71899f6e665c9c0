import { z } from "zod";
import type { GoalStatement } from "../../schemas/goal.js";
import type { GoalReading } from "../../schemas/goal-reading.js";
import { type Interpretation, interpretPrompt } from "../intake/prompt/extract.js";
import { goalFromInterpretation } from "../intake/prompt/goal.js";
import { FIELD_PATHS } from "../intake/prompt/model.js";

/**
 * The answer to the clarify interrupt, in Atlas's form: values by field path for the questions
 * asked (or any other field the extractor reads), or `accept_defaults` to plan with the defaults
 * shown. Unanswered questions keep their defaults, and the plan says they were assumed.
 */
export const clarifyAnswerSchema = z
  .object({
    answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    accept_defaults: z.boolean().optional(),
    /** who answered (the key's name at the API) */
    by: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((value) => value.accept_defaults === true || Object.keys(value.answers ?? {}).length > 0, {
    message: "answer at least one question, or send accept_defaults: true",
    path: ["answers"],
  });
export type ClarifyAnswer = z.infer<typeof clarifyAnswerSchema>;

/** agent-chat-ui's HumanResponse: accept the defaults, edit them (args.args by path), or respond in words. */
const humanResponseSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("accept"), args: z.unknown().optional() }),
    z.object({
      type: z.literal("edit"),
      args: z.object({ action: z.string().optional(), args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }),
    }),
    z.object({ type: z.literal("response"), args: z.string().trim().min(1).max(4000) }),
    z.object({ type: z.literal("ignore"), args: z.unknown().optional() }).refine(() => false, {
      message: "the questions must be answered (or the defaults accepted) for the plan to go on",
      path: ["type"],
    }),
  ],
  { error: 'expected "accept" (the defaults), "edit" (answers by field path) or "response" (the answers in words)' },
);

/** The fields an answer may set: the deciding facts and the other single values the extractor reads. */
export const ANSWERABLE_PATHS = FIELD_PATHS.filter((path) => path !== "constraints" && path !== "compliance");
const answerable = new Set<string>(ANSWERABLE_PATHS);

export type ClarifyResult = { ok: true; goal: GoalStatement; reading: GoalReading } | { ok: false; error: z.ZodError };

/** Answers written in words: the fields the extractor reads from them. */
function answersFromWords(text: string): Record<string, string | number | boolean> {
  return Object.fromEntries(
    interpretPrompt(text)
      .fields.filter((field) => field.path !== "constraints" && field.path !== "compliance")
      .map((field) => [field.path, field.value]),
  );
}

/**
 * Reads an answer to the clarify interrupt (Atlas's form, or agent-chat-ui's HumanResponse alone or
 * in a one-element array) against the reading that asked, and builds the goal. A wrong answer is
 * a zod error whose paths name the field (`answers.budget.monthly_usd`), so the API can answer 400
 * before the graph sees it and the question keeps waiting.
 */
export function readClarifyAnswer(value: unknown, reading: GoalReading): ClarifyResult {
  const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
  let answers: Record<string, unknown>;
  let by: string | undefined;
  if (one !== null && typeof one === "object" && "type" in one) {
    const parsed = humanResponseSchema.safeParse(one);
    if (!parsed.success) return { ok: false, error: parsed.error };
    const response = parsed.data;
    answers = response.type === "edit" ? response.args.args : response.type === "response" ? answersFromWords(response.args) : {};
    if (response.type === "response" && Object.keys(answers).length === 0) {
      return {
        ok: false,
        error: new z.ZodError([
          {
            code: "custom",
            path: ["args"],
            message: "no answer could be read from this text: name the budget, availability, kind or environment",
            input: response.args,
          },
        ]),
      };
    }
  } else {
    const parsed = clarifyAnswerSchema.safeParse(one);
    if (!parsed.success) return { ok: false, error: parsed.error };
    answers = parsed.data.answers ?? {};
    by = parsed.data.by;
  }
  const unknown = Object.keys(answers).filter((path) => !answerable.has(path));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: new z.ZodError(
        unknown.map((path) => ({
          code: "custom" as const,
          path: ["answers", path],
          message: `not a field an answer can set (${ANSWERABLE_PATHS.join(", ")})`,
          input: answers[path],
        })),
      ),
    };
  }
  const built = goalFromInterpretation(reading as Interpretation, answers);
  if (!built.ok) return { ok: false, error: new z.ZodError(built.error.issues.map((issue) => ({ ...issue, path: ["answers", issue.path.join(".")] }))) };
  return { ok: true, goal: built.goal, reading: { ...reading, answers: { ...answers, ...(by ? { by } : {}) }, assumed: built.assumed } };
}
