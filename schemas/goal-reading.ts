import { z } from "zod";

/**
 * How a goal written in plain language was read (nodes/intake/prompt/): each field with the text
 * it came from, the deciding facts the prompt did not state (each asked, with a default), and,
 * once answered, the answers and which facts were left to their defaults. The run carries it, so
 * an approver sees what Atlas inferred and from what.
 */
export const goalReadingSchema = z.object({
  prompt: z.string(),
  name: z.string(),
  /** the goal's description: the prompt, trimmed */
  description: z.string(),
  /** "deterministic": the extractor; "model": structured output from the architect's model */
  by: z.enum(["deterministic", "model"]),
  /** the model that read it (by: "model") */
  model: z.string().optional(),
  /** why the reading is what it is: a model that failed, a budget used up */
  notes: z.array(z.string()).optional(),
  fields: z.array(z.object({ path: z.string(), value: z.union([z.string(), z.number(), z.boolean()]), from: z.string(), note: z.string().optional() })),
  missing: z.array(z.object({ path: z.string(), question: z.string(), default: z.union([z.string(), z.number()]), why: z.string() })),
  /** what the user answered to the clarify questions, by path */
  answers: z.record(z.string(), z.unknown()).optional(),
  /** deciding facts planned with their default: nobody stated them */
  assumed: z.array(z.string()).optional(),
});

export type GoalReading = z.infer<typeof goalReadingSchema>;
