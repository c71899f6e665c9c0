import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { approvalCost } from "../../graph/approval-cost.js";
import { withContents } from "../../graph/artifact-contents.js";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import { emitHandoff } from "../../graph/handoff.js";
import { MAX_REVISIONS, type PlanStateUpdate, type PlanStateValue } from "../../graph/state.js";
import { makeHclParseCache } from "../../iac/hcl-cache.js";
import { validateArtifacts } from "./check.js";

/**
 * The validator node. PASS → the approval gate. FAIL → the specification's InfraValidationFailed
 * event, and back to the architect with the findings, at most MAX_REVISIONS times; then the design
 * is BLOCKED with the findings as rationale.
 */
export function makeValidator(deps: GraphDeps) {
  // Parse results by content, kept as long as this graph: a file validated again unchanged (a run
  // continued after a crash) skips hcl2json. Builder output names its plan, version and trace, so
  // two versions or two plans never share a Terraform file.
  const terraform = { cache: makeHclParseCache() };
  return async function validator(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    if (!state.plan || !state.artifacts) throw new Error("validator reached without a plan and artifacts");
    const threadId = threadIdOf(config, state);
    const files = await withContents(
      deps.artifactStore,
      state.artifacts.files.filter((file) => file.kind === "terraform" || file.kind === "kubernetes" || file.kind === "delivery"),
    );
    const report = await validateArtifacts(
      { ...state.artifacts, files },
      { environment: state.goal.environment, region: state.goal.region, budgetUsd: state.goal.budget.monthly_usd, orgPolicy: deps.orgPolicy, terraform },
    );
    const events = [
      await emit(deps, state, threadId, "validate.result", {
        plan_version: report.plan_version,
        status: report.status,
        summary: report.summary,
        monthly_usd: report.cost.monthly_total_usd,
      }),
    ];
    if (report.cost.status !== null && report.cost.status !== "OK") {
      // the summary fields only: the per-resource lines stay in the report
      const { monthly_total_usd, budget_usd, status, usage_based_items } = report.cost;
      events.push(
        await emit(deps, state, threadId, "budget.warning", {
          monthly_total_usd,
          budget_usd,
          status,
          usage_based_items,
          unpriced: report.cost.unpriced?.length ?? 0,
        }),
      );
    }
    if (report.status === "PASS") {
      const approval = approvalCost(state.plan, report.cost);
      events.push(
        await emit(deps, state, threadId, "approval.requested", {
          plan_version: state.plan.version,
          // what the reviewer approves: the validator's pricing, plus the plan's usage estimate when it priced no usage
          monthly_usd: approval.total,
          validated_monthly_usd: report.cost.monthly_total_usd,
          usage_from_plan: approval.usageFromPlan,
          findings: report.findings.length,
        }),
      );
      return { validation: report, status: "WAIT_FOR_APPROVE", events };
    }
    // an unpriced resource fails the design under its budget whatever its severity: the architect must see it
    const unpricedBlocks = report.cost.unpriced_gate === "fail";
    const blocking = report.findings.filter(
      (finding) => finding.severity === "high" || finding.severity === "critical" || (unpricedBlocks && finding.rule_id === "COST_UNPRICED"),
    );
    const last = state.revisions >= MAX_REVISIONS;
    events.push(
      await emitHandoff(deps, state, threadId, "InfraValidationFailed", {
        plan_id: state.plan.plan_id,
        plan_version: state.plan.version,
        blueprint_id: state.plan.plan_id,
        digest: state.artifacts.digest,
        findings: report.findings.length,
        blocking: blocking.map((finding) => ({ rule_id: finding.rule_id, severity: finding.severity, file: finding.file || null, line: finding.line })),
        next: last ? "blocked" : "revise",
      }),
    );
    if (last) {
      const blocked = {
        stage: "validator" as const,
        reason: `The design still fails validation after ${MAX_REVISIONS} revisions: ${blocking.map((f) => f.rule_id).join(", ")}`,
        arithmetic: blocking.map((f) => `${f.rule_id} ${f.resource}: ${f.message}`),
        findings: blocking,
      };
      events.push(await emit(deps, state, threadId, "design.blocked", { ...blocked }));
      return { validation: report, status: "BLOCKED", blocked, events };
    }
    return { validation: report, status: "IN_PROGRESS", revisions: state.revisions + 1, open_findings: blocking, events };
  };
}
