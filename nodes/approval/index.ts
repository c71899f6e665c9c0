import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import { diffPlans } from "../../graph/plan-diff.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import { reviseGoal } from "../../schemas/goal.js";
import { approvalDecisionSchema } from "../../schemas/reports.js";

/** What the approval interrupt shows a reviewer. */
export function approvalRequest(state: PlanStateValue) {
  const plan = state.plan;
  if (!plan || !state.validation) throw new Error("approval reached without a validated plan");
  return {
    kind: "approval" as const,
    plan_id: plan.plan_id,
    plan_version: plan.version,
    summary: plan.summary,
    diagram: plan.diagram,
    cost: { ...plan.cost, validated_monthly_usd: state.validation.cost.monthly_total_usd },
    findings: state.validation.findings,
    diff: diffPlans(state.last_approved_plan, plan),
    artifacts_digest: state.artifacts?.digest ?? null,
    decisions: ["approve", "reject", "revise"],
  };
}

/**
 * The approval node: a human-in-the-loop `interrupt()`. The run waits (checkpointed) until
 * resumed with an ApprovalDecision: approve → apply, reject → REJECTED, revise → architect.
 */
export function makeApproval(deps: GraphDeps) {
  return async function approval(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const decision = approvalDecisionSchema.parse(interrupt(approvalRequest(state)));
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
    // The service validated these changes against this goal before resuming; a failure here is a bug.
    const revised = decision.changes ? reviseGoal(state.goal, decision.changes) : { ok: true as const, goal: state.goal };
    if (!revised.ok) throw revised.error;
    const goal = revised.goal;
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
