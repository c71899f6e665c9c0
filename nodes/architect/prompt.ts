import type { GoalStatement } from "../../schemas/goal.js";
import type { Finding } from "../../schemas/reports.js";

/** What the architect asks a model about: the goal and what came back from the last round. */
export interface DesignQuestion {
  goal: GoalStatement;
  /** runbook excerpts the node retrieved, each headed by its source and lines */
  excerpts: string;
  findings: Finding[];
  comments: string[];
}

/**
 * The agent's standing instructions. The tools and the answer tool are named so a model knows
 * looking up and pricing are optional and the answer is a call, not prose.
 */
export function designSystemPrompt(maxModelCalls: number): string {
  return [
    "You are a senior cloud architect. Choose design directives for this goal; a deterministic planner will size, price and validate the design.",
    "You may call runbook_search to read more of the team's runbooks and cost_estimate to price AWS components with the planner's own catalogue.",
    `You have at most ${maxModelCalls} turns in all: look things up only when the excerpts below do not answer, then answer by calling design_proposal.`,
    "Only use directives from the allowed list. Prefer fewer directives; an empty list keeps the planner's defaults.",
    "Read each of the goal's constraint texts into the constraints field (typed wishes; [] when a text asks for nothing you can type). The planner compares your reading with its own and tells the approver where they differ.",
  ].join("\n");
}

/** The goal, the previous round's findings and comments, and the retrieved excerpts. */
export function designRequest(question: DesignQuestion): string {
  const { goal, excerpts, findings, comments } = question;
  return [
    `Goal (JSON): ${JSON.stringify(goal)}`,
    findings.length ? `The previous version failed validation with: ${findings.map((f) => `${f.rule_id} on ${f.resource}: ${f.message}`).join("; ")}` : "",
    comments.length ? `The reviewer asked: ${comments.join(" / ")}` : "",
    `Runbook excerpts (cite by path):\n${excerpts}`,
  ]
    .filter(Boolean)
    .join("\n\n");
}
