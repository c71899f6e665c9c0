import type { Finding } from "../schemas/reports.js";
import { MAX_REVISIONS, type PlanStateValue } from "./state.js";

/**
 * One line per node for the `messages` channel (what agent-chat-ui shows): what the node just did,
 * from its update and the state it ran on. Every number is read from them, none is made up; a
 * node whose update lacks what its line needs says so rather than guess.
 */
export type Summariser = (update: NodeUpdate, state: PlanStateValue) => string;

/** A node's update as the nodes write it: plain values (no node returns LangGraph's `Overwrite`). */
export type NodeUpdate = Partial<PlanStateValue>;

const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

/** `$1,234`: whole dollars, as the plans and reports quote them. */
export const usd = (amount: number) => dollars.format(amount);

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Findings by severity: high, medium and low always ("0 high, 2 medium, 0 low findings"), critical and info when there are any. */
export function severityCounts(findings: Finding[]): string {
  const count = (severity: Finding["severity"]) => findings.filter((f) => f.severity === severity).length;
  const shown = (["critical", "high", "medium", "low", "info"] as const).filter((s) => s === "high" || s === "medium" || s === "low" || count(s) > 0);
  return `${shown.map((severity) => `${count(severity)} ${severity}`).join(", ")} ${findings.length === 1 ? "finding" : "findings"}`;
}

/** The intake: which goal this run plans, where, and for what budget. */
export const summariseIntake: Summariser = (update, state) => {
  const reading = update.reading;
  if (update.status === "WAIT_FOR_ANSWER" && reading) {
    return `Read ${plural(reading.fields.length, "fact")} from the description; ${plural(reading.missing.length, "question")} before planning: ${reading.missing.map((fact) => fact.question).join(" ")}`;
  }
  const goal = update.goal ?? state.goal;
  const assumed = reading?.assumed?.length ? ` (assumed: ${reading.assumed.join(", ")})` : "";
  return `Planning ${goal.name} (${goal.environment}, ${goal.region}) within ${usd(goal.budget.monthly_usd)}/month${assumed}`;
};

/** The clarify answer: the goal it made, and what was left to its default. */
export const summariseClarify: Summariser = (update, state) => {
  const goal = update.goal ?? state.goal;
  const assumed = update.reading?.assumed?.length ? `; defaults kept for ${update.reading.assumed.join(", ")}` : "";
  return `Answered: planning ${goal.name} (${goal.environment}, ${goal.workload.type}, ${goal.slo.availability} %) within ${usd(goal.budget.monthly_usd)}/month${assumed}`;
};

/** The architect: the plan version and its size, cost and grounding; or why the goal cannot be met. */
export const summariseArchitect: Summariser = (update) => {
  if (update.status === "BLOCKED") return `BLOCKED: ${update.blocked?.reason ?? "the goal cannot be met"}`;
  const plan = update.plan;
  if (!plan) return "No plan was made";
  return `Plan v${plan.version}: ${plural(plan.components.length, "component")}, ${usd(plan.cost.monthly_total_usd)}/month of a ${usd(plan.cost.budget_usd)} budget, ${plural(plan.citations.length, "runbook citation")}`;
};

/** The builder: how many files, and the digest that names the set. */
export const summariseBuilder: Summariser = (update) => {
  const artifacts = update.artifacts;
  if (!artifacts) return "Built no files";
  return `Built ${plural(artifacts.files.length, "file")} (digest ${artifacts.digest.slice(0, 8)})`;
};

/** The validator: PASS with its findings, FAIL with what the architect must answer, or BLOCKED. */
export const summariseValidator: Summariser = (update, state) => {
  const report = update.validation;
  if (update.status === "BLOCKED") return `BLOCKED: ${update.blocked?.reason ?? "the design fails validation"}`;
  if (!report) return "Validated nothing";
  if (update.status === "WAIT_FOR_APPROVE")
    return `PASS: ${severityCounts(report.findings)}; ${usd(report.cost.monthly_total_usd)}/month. Waiting for approval`;
  const blocking = update.open_findings ?? [];
  const rules = [...new Set(blocking.map((f) => f.rule_id))];
  const revision = update.revisions ?? state.revisions + 1;
  return `FAIL: ${severityCounts(blocking)}${rules.length > 0 ? ` (${rules.join(", ")})` : ""}; revising (revision ${revision} of ${MAX_REVISIONS})`;
};

/** The approval: who decided what, with a revise's comment. */
export const summariseApproval: Summariser = (update) => {
  const decision = update.decision;
  if (!decision) return "No decision";
  if (decision.decision === "approve") return `Approved by ${decision.approver}`;
  if (decision.decision === "reject") return `Rejected by ${decision.approver}${decision.comment ? `: ${decision.comment}` : ""}`;
  const changes = decision.changes ? ` (goal changes: ${Object.keys(decision.changes).join(", ")})` : "";
  return `Revise requested by ${decision.approver}${decision.comment ? `: ${decision.comment}` : ""}${changes}`;
};

/** The apply: the commit and where it went. */
export const summariseApply: Summariser = (update) => {
  const applied = update.applied;
  if (!applied) return "Applied nothing";
  const commit = `${applied.commit.slice(0, 7)} to ${applied.path}`;
  return applied.already_applied ? `Already committed: ${commit}` : `Committed ${commit}`;
};

/** The rollback: which apply commit was reverted, by which commit, at whose request. */
export const summariseRollback: Summariser = (update, state) => {
  const done = update.events?.find((event) => event.type === "rollback.done")?.data;
  const reverted = String(done?.reverted ?? state.applied?.commit ?? "").slice(0, 7);
  const commit = typeof done?.commit === "string" ? ` with ${done.commit.slice(0, 7)}` : "";
  const request = state.rollback_requested;
  return `Reverted ${reverted}${commit}${request ? ` for ${request.by}: ${request.reason}` : ""}`;
};
