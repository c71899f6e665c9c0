import { z } from "zod";
import type { NamedModel } from "../../../graph/deps.js";
import { workloadTypes } from "../../../schemas/goal.js";
import type { GoalReading } from "../../../schemas/goal-reading.js";
import type { ModelSpend } from "../../architect/spend.js";
import { decidingPaths, defaultFor, questionFor } from "./defaults.js";
import { type ExtractedField, type FieldPath, type Interpretation, interpretPrompt, slugFor } from "./extract.js";
import { goalFromInterpretation } from "./goal.js";

/** Every field a reading may set (the extractor's FieldPath), for the model's schema. */
export const FIELD_PATHS = [
  "cloud",
  "region",
  "environment",
  "workload.type",
  "workload.requests_per_second",
  "workload.messages_per_second",
  "workload.payload_kb",
  "workload.data_size_gb",
  "workload.growth_percent_per_month",
  "workload.runs_per_day",
  "workload.needs_database",
  "workload.needs_cache",
  "slo.availability",
  "slo.p95_latency_ms",
  "budget.monthly_usd",
  "constraints",
  "compliance",
] as const satisfies readonly FieldPath[];

/** What the model is asked for: the fields the description states, each with the words it was read from. */
export const modelReadingSchema = z.object({
  name: z.string().describe("a short name for the goal: 3-40 lower-case letters, digits and dashes, starting with a letter"),
  fields: z
    .array(
      z.object({
        path: z.enum(FIELD_PATHS),
        value: z.union([z.string(), z.number(), z.boolean()]),
        from: z.string().describe("the exact words of the description the value was read from, copied verbatim"),
      }),
    )
    .describe(
      "Only what the description states. Rates per second, sizes in GiB, money in USD per month, availability in percent. " +
        "constraints and compliance: one field per item. Never guess a value the text does not state.",
    ),
});

const INSTRUCTIONS = `You read an infrastructure goal written in plain language and return the facts it states as fields of a
GoalStatement. workload.type is one of ${workloadTypes.join(", ")}; environment is dev, staging or prod; cloud is aws, gcp or azure.
Convert units (per minute to per second, TB to GiB, per year to per month). Every field's "from" must be the exact words it came from.
Leave out anything the description does not state: Atlas asks the user for what is missing.`;

/**
 * Keeps what the model read only where it can be checked: its `from` words are in the description
 * (so nothing is invented), and the goal it makes is valid with that field (a value of the wrong
 * type or range is dropped, not repaired). The rest of the reading, the deciding facts it leaves
 * out with their questions and defaults, is worked out as for the extractor.
 */
export function checkedModelReading(prompt: string, answer: z.infer<typeof modelReadingSchema>): GoalReading {
  const text = prompt.toLowerCase();
  const description = prompt.trim().slice(0, 4000);
  const seen = new Set<string>();
  const fields: ExtractedField[] = [];
  for (const field of answer.fields) {
    const from = field.from.trim();
    const single = field.path !== "constraints" && field.path !== "compliance";
    if (!from || !text.includes(from.toLowerCase()) || (single && seen.has(field.path))) continue;
    const candidate = { ...field, from };
    const kept = [...fields, candidate];
    const unread = decidingPaths.filter((path) => !kept.some((f) => f.path === path));
    const alone: Interpretation = { name: "goal-check", description, fields: kept, missing: [] };
    const built = goalFromInterpretation(alone, Object.fromEntries(unread.map((path) => [path, fillerFor(path)])));
    const broken = !built.ok && built.error.issues.some((issue) => issue.path.join(".").startsWith(field.path));
    if (broken) continue;
    fields.push(candidate);
    seen.add(field.path);
  }
  const read = new Map<string, unknown>(fields.map((field) => [field.path, field.value]));
  const missing = decidingPaths
    .filter((path) => !read.has(path))
    .map((path) => {
      const value = defaultFor(path, read);
      read.set(path, value.value);
      return { path, question: questionFor(path), default: value.value, why: value.why };
    });
  const name = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/.test(answer.name) ? answer.name : slugFor(description);
  return { prompt, name, description, by: "model", fields, missing };
}

/** A stand-in for a deciding fact while one field is checked on its own: valid, never kept. */
const fillerFor = (path: (typeof decidingPaths)[number]) =>
  path === "environment" ? "dev" : path === "workload.type" ? "web-api" : path === "slo.availability" ? 99.5 : 100;

/**
 * Reads a description: with a model chain, each model in turn through structured output (checked
 * as above); without one, or when every model fails or the budget stops it, the deterministic
 * extractor, with why in `notes`.
 */
export async function readPrompt(
  prompt: string,
  options: { models: readonly NamedModel[]; spend?: ModelSpend | undefined },
): Promise<{ reading: GoalReading; notes: string[] }> {
  const deterministic = (): GoalReading => ({ prompt, by: "deterministic", ...interpretPrompt(prompt) });
  if (options.models.length === 0) return { reading: deterministic(), notes: [] };
  const failures: string[] = [];
  for (const { name, model } of options.models) {
    try {
      await options.spend?.beforeCall();
      const reader = model.withStructuredOutput(modelReadingSchema, { name: "goal_reading" });
      const answer = await reader.invoke(
        [
          { role: "system", content: INSTRUCTIONS },
          { role: "user", content: prompt },
        ],
        options.spend ? { callbacks: [options.spend.callback()] } : {},
      );
      const reading = checkedModelReading(prompt, modelReadingSchema.parse(answer));
      return { reading: { ...reading, model: name }, notes: failures.length ? [`models that failed first: ${failures.join("; ")}`] : [] };
    } catch (error) {
      const exhausted = options.spend?.exhausted();
      if (exhausted) return { reading: deterministic(), notes: [`token budget exhausted: read deterministically (${exhausted})`] };
      failures.push(`${name}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return { reading: deterministic(), notes: [`every model failed (${failures.join("; ")}); read deterministically`] };
}
