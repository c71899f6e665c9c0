import type { z } from "zod";
import { type GoalStatement, goalStatementSchema } from "../../../schemas/goal.js";
import { type DecidingPath, decidingPaths, defaultFor } from "./defaults.js";
import type { Interpretation } from "./extract.js";

export type GoalFromPrompt = { ok: true; goal: GoalStatement; assumed: DecidingPath[] } | { ok: false; error: z.ZodError };

/** Paths whose value is a list: the extractor gives one field per item. */
const LIST_PATHS = new Set(["constraints", "compliance"]);

/** Sets `value` at a dotted path ("workload.type") in a plain object, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

/**
 * The GoalStatement an interpretation describes: the fields read from the prompt, then the
 * user's `answers` (by path; an answer wins over a reading), then for each missing deciding
 * fact still unanswered its default. Defaults are worked out again here, in the extractor's
 * order, so that an answered environment sizes the budget default (the interpretation's
 * defaults assumed nothing was answered). Validated with goalStatementSchema.
 */
export function goalFromInterpretation(interpretation: Interpretation, answers: Record<string, unknown> = {}): GoalFromPrompt {
  const known = new Map<string, unknown>();
  const lists = new Map<string, unknown[]>();
  for (const field of interpretation.fields) {
    if (LIST_PATHS.has(field.path)) lists.set(field.path, [...(lists.get(field.path) ?? []), field.value]);
    else known.set(field.path, field.value);
  }
  for (const [path, list] of lists) known.set(path, list);
  for (const [path, value] of Object.entries(answers)) if (value !== undefined) known.set(path, value);
  const assumed: DecidingPath[] = [];
  const missing = new Map(interpretation.missing.map((m) => [m.path, m]));
  for (const path of decidingPaths) {
    const fact = missing.get(path);
    if (known.has(path) || !fact) continue;
    // the kind's default is the prompt's first named kind, which only the interpretation knows
    known.set(path, path === "workload.type" ? fact.default : defaultFor(path, known).value);
    assumed.push(path);
  }
  const draft: Record<string, unknown> = { name: interpretation.name, description: interpretation.description };
  for (const [path, value] of known) setPath(draft, path, value);
  const parsed = goalStatementSchema.safeParse(draft);
  return parsed.success ? { ok: true, goal: parsed.data, assumed } : { ok: false, error: parsed.error };
}
