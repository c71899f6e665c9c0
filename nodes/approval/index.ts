import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { approvalCost } from "../../graph/approval-cost.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import { diffPlans } from "../../graph/plan-diff.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { validationError } from "../../lib/validation.js";
import { reviseGoal } from "../../schemas/goal.js";
import { toApprovalDecision } from "../../schemas/human-response.js";
import type { ApprovalDecision, Finding } from "../../schemas/reports.js";

/** Who a decision is recorded under when the answer names no one (agent-chat-ui's HumanResponse carries no user). */
export const UNKNOWN_APPROVER = "unknown approver";

/** The validator's findings counted by severity. */
function findingCounts(findings: Finding[]) {
  const count = (severity: Finding["severity"]) => findings.filter((finding) => finding.severity === severity).length;
  return { critical: count("critical"), high: count("high"), medium: count("medium"), low: count("low"), info: count("info") };
}

/**
 * What the approval interrupt shows a reviewer. Atlas's own fields, and the HumanInterrupt
 * fields agent-chat-ui renders (`action_request`, `config`, `description`): accept approves,
 * a response asks for a revision with that comment, ignore rejects; edit is not offered.
 */
export function approvalRequest(state: PlanStateValue) {
  const plan = state.plan;
  if (!plan || !state.validation) throw new Error("approval reached without a validated plan");
  const cost = approvalCost(plan, state.validation.cost);
  const monthly = cost.total;
  const findings = findingCounts(state.validation.findings);
  const severe = findings.critical > 0 ? `${findings.critical} critical, ` : "";
  const description = [
    `### Approve plan v${plan.version} of \`${state.goal.name}\`?`,
    "",
    `- **Cost:** ${cost.statement}`,
    `- **Findings:** ${severe}${findings.high} high, ${findings.medium} medium, ${findings.low} low`,
    `- **Components:** ${plan.components.length} (${plan.pattern})`,
    "",
    "**Accept** to commit the artifacts to GitOps, **respond** with a comment to ask for a revision, or **ignore** to reject the plan.",
  ].join("\n");
  return {
    kind: "approval" as const,
    plan_id: plan.plan_id,
    plan_version: plan.version,
    summary: plan.summary,
    diagram: plan.diagram,
    cost: { ...plan.cost, validated_monthly_usd: state.validation.cost.monthly_total_usd, approved_monthly_usd: monthly, usage_from_plan: cost.usageFromPlan },
    findings: state.validation.findings,
    diff: diffPlans(state.last_approved_plan, plan),
    artifacts_digest: state.artifacts?.digest ?? null,
    decisions: ["approve", "reject", "revise"],
    action_request: {
      action: "approve_plan",
      args: { plan_id: plan.plan_id, plan_version: plan.version, monthly_usd: monthly, budget_usd: plan.cost.budget_usd, findings },
    },
    config: { allow_accept: true, allow_respond: true, allow_ignore: true, allow_edit: false },
    description,
  };
}

/**
 * The approval node: a human-in-the-loop `interrupt()`. The run waits (checkpointed) until
 * resumed with an ApprovalDecision (or agent-chat-ui's HumanResponse: see schemas/human-response.ts):
 * approve → apply, reject → REJECTED, revise → architect.
 *
 * Atlas's API checks an answer before it resumes the graph, so a wrong one never gets here from
 * it. A server that does not (`langgraphjs dev`, Studio) would otherwise leave the thread failed
 * for good; here a wrong answer, or revise changes that make an invalid goal, asks again at a new
 * interrupt with `error` saying what was wrong, and nothing is decided.
 */
export function makeApproval(deps: GraphDeps) {
  return async function approval(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    let request: ReturnType<typeof approvalRequest> & { error?: string } = approvalRequest(state);
    let decision: ApprovalDecision;
    let goal: PlanStateValue["goal"];
    for (;;) {
      const answer = toApprovalDecision(interrupt(request), UNKNOWN_APPROVER);
      const revised = answer.ok && answer.decision.changes ? reviseGoal(state.goal, answer.decision.changes) : { ok: true as const, goal: state.goal };
      if (answer.ok && revised.ok) {
        decision = answer.decision;
        goal = revised.goal;
        break;
      }
      const wrong = !answer.ok ? answer.error : !revised.ok ? revised.error : null;
      request = { ...approvalRequest(state), ...(wrong ? { error: validationError(wrong, "resume").message } : {}) };
    }
    const threadId = threadIdOf(config, state);
    const event = await emit(deps, state, threadId, "approval.decided", {
      decision: decision.decision,
      approver: decision.approver,
      plan_version: state.plan?.version,
    });
    if (decision.decision === "approve") return { decision, status: "APPLYING", events: [event] };
    if (decision.decision === "reject") {
      const rejected = await emit(deps, state, threadId, "design.rejected", { approver: decision.approver, comment: decision.comment ?? "" });
      return { decision, status: "REJECTED", events: [event, rejected] };
    }
    return {
      decision,
      goal,
      status: "IN_PROGRESS",
      revisions: 0,
      revision_comments: decision.comment ? [decision.comment] : [],
      events: [event],
    };
  };
}
