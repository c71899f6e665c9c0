import { z } from "zod";
import { constraintReadingSchema } from "./constraints/wishes.js";

/**
 * Design choices a model may propose. Each is a phrase the deterministic planner's revision
 * parser understands, so the model chooses and the code still sizes, prices and decides.
 */
export const designDirectives = [
  "no cache",
  "add cache",
  "use eks",
  "use ecs",
  "single az",
  "two azs",
  "three azs",
  "single nat",
  "nat per az",
  "graviton",
  "no graviton",
  "no read replica",
  "add read replica",
  "customer-managed kms key",
  "multi-az database",
] as const;

/**
 * A model's answer. The title names the tool the agent answers through (`design_proposal`);
 * an answer that does not parse is that model's failure.
 */
export const designProposalSchema = z
  .object({
    directives: z.array(z.enum(designDirectives)).max(8).describe("Design choices for the planner, from the allowed list only"),
    risks: z
      .array(z.object({ title: z.string().max(200), severity: z.enum(["high", "medium", "low"]), mitigation: z.string().max(500) }))
      .max(6)
      .describe("Risks specific to this goal, grounded in the runbook excerpts"),
    rationale: z.string().max(1500).describe("Why these choices, citing runbook sources by path"),
    constraints: z
      .array(constraintReadingSchema)
      .max(60)
      .optional()
      .describe("Your reading of each of the goal's constraint texts into typed wishes, one entry per text in order; wishes [] when none applies"),
  })
  .describe("Answer with your design proposal: directives from the allowed list, risks and rationale")
  .meta({ title: "design_proposal" });

export type DesignProposal = z.infer<typeof designProposalSchema>;
