import type { AIMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { NamedModel } from "../../graph/deps.js";
import type { GoalStatement } from "../../schemas/goal.js";
import type { Finding } from "../../schemas/reports.js";

/**
 * Design choices a model may propose. Each is a phrase the deterministic planner's revision
 * parser understands, so the model chooses and the code still sizes, prices and decides.
 */
export const designDirectives = [
  "no cache", "add cache", "use eks", "use ecs", "single az", "two azs", "three azs", "single nat", "nat per az",
  "graviton", "no graviton", "no read replica", "add read replica", "customer-managed kms key", "multi-az database",
] as const;

export const designProposalSchema = z.object({
  directives: z.array(z.enum(designDirectives)).max(8).describe("Design choices for the planner, from the allowed list only"),
  risks: z
    .array(z.object({ title: z.string().max(200), severity: z.enum(["high", "medium", "low"]), mitigation: z.string().max(500) }))
    .max(6)
    .describe("Risks specific to this goal, grounded in the runbook excerpts"),
  rationale: z.string().max(1500).describe("Why these choices, citing runbook sources by path"),
});

export type DesignProposal = z.infer<typeof designProposalSchema>;

export interface ModelProposal {
  proposal: DesignProposal;
  model: string;
  tokens: number;
  /** models that failed before this one answered, with why */
  failures: string[];
}

function prompt(goal: GoalStatement, excerpts: string, findings: Finding[], comments: string[]): string {
  return [
    "You are a senior cloud architect. Choose design directives for this goal; a deterministic planner will size, price and validate the design.",
    `Goal (JSON): ${JSON.stringify(goal)}`,
    findings.length ? `The previous version failed validation with: ${findings.map((f) => `${f.rule_id} on ${f.resource}: ${f.message}`).join("; ")}` : "",
    comments.length ? `The reviewer asked: ${comments.join(" / ")}` : "",
    `Runbook excerpts (cite by path):\n${excerpts}`,
    "Only use directives from the allowed list. Prefer fewer directives; an empty list keeps the planner's defaults.",
  ]
    .filter(Boolean)
    .join("\n\n");
}

/**
 * Asks each model of the chain in turn for a structured design proposal; each model's own
 * client retries 429/5xx with backoff. Returns null when every model failed.
 */
export async function proposeDesign(
  models: NamedModel[],
  input: { goal: GoalStatement; excerpts: string; findings: Finding[]; comments: string[] },
): Promise<ModelProposal | { failures: string[] }> {
  const failures: string[] = [];
  for (const { name, model } of models) {
    try {
      const structured = model.withStructuredOutput(designProposalSchema, { name: "design_proposal", method: "functionCalling", includeRaw: true });
      const result = (await structured.invoke(prompt(input.goal, input.excerpts, input.findings, input.comments))) as {
        raw: AIMessage;
        parsed: DesignProposal | null;
      };
      if (!result.parsed) throw new Error("the answer did not match the proposal schema");
      const proposal = designProposalSchema.parse(result.parsed);
      return { proposal, model: name, tokens: result.raw.usage_metadata?.total_tokens ?? 0, failures };
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return { failures };
}
