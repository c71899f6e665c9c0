import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { emit, type GraphDeps, threadIdOf } from "../../graph/deps.js";
import type { PlanStateUpdate, PlanStateValue } from "../../graph/state.js";
import type { GoalStatement } from "../../schemas/goal.js";
import { planSpecSchema } from "../../schemas/plan.js";
import { readingDisagreements, screenDirectives } from "./constraints/compare.js";
import { intentOf } from "./constraints/intent.js";
import { readConstraints } from "./constraints/read.js";
import { consultModels } from "./consult.js";
import { planDeterministic } from "./engine.js";

/** Topics a design for this goal should be checked against in the runbooks. */
export function runbookQueries(goal: GoalStatement): string[] {
  const queries = [`${goal.workload.type.replace("-", " ")} ${goal.description}`.slice(0, 500)];
  queries.push(`sizing replicas from requests per second availability ${goal.slo.availability}`);
  if (goal.workload.needs_database !== false && goal.workload.type !== "static-site") queries.push("postgres multi-AZ failover backups point in time recovery");
  if (goal.environment === "prod") queries.push("security group IAM least privilege encryption");
  return queries;
}

/** Runbook chunks the design cites, best first, one per file, with their text for a model. */
async function gatherRunbooks(deps: GraphDeps, goal: GoalStatement) {
  const seen = new Set<string>();
  const citations = [];
  const excerpts: string[] = [];
  for (const query of runbookQueries(goal)) {
    for (const hit of await deps.search(query, { top_k: 3 })) {
      if (seen.has(hit.source) || citations.length >= 8) continue;
      seen.add(hit.source);
      citations.push({
        source: hit.source,
        heading_path: hit.heading_path,
        line_start: hit.line_start,
        line_end: hit.line_end,
        reason: `retrieved for "${query.slice(0, 80)}"`,
        excerpt: hit.content.slice(0, 1200),
      });
      excerpts.push(`[${hit.source} lines ${hit.line_start}-${hit.line_end}] ${hit.heading_path.join(" › ")}\n${hit.content.slice(0, 1200)}`);
    }
  }
  return { citations, excerpts: excerpts.join("\n\n") };
}

/**
 * The architect node: goal → PlanSpec (a new version when answering validator findings or
 * a reviewer's revise), or BLOCKED with the arithmetic when the goal cannot be met.
 */
export function makeArchitect(deps: GraphDeps) {
  return async function architect(state: PlanStateValue, config: LangGraphRunnableConfig): Promise<PlanStateUpdate> {
    const threadId = threadIdOf(config, state);
    const runbooks = await gatherRunbooks(deps, state.goal);
    const previous = state.plan ?? state.last_approved_plan;
    // The model (when configured) proposes design directives; the planner sizes, prices and decides.
    const model = await consultModels(deps, state, threadId, runbooks);
    // the rules' reading of the constraints decides; the model's is compared, and its directives
    // may not undo a constraint
    const reading = readConstraints(state.goal.constraints, state.goal.existing_components);
    const screened = screenDirectives(model.directives, intentOf(reading.flatMap((entry) => entry.wishes)));
    const disagreements = model.readings ? readingDisagreements(reading, model.readings) : [];
    const result = planDeterministic(state.goal, {
      planId: state.plan_id,
      traceId: state.trace_id,
      version: (previous?.version ?? 0) + 1,
      parentVersion: previous?.version ?? null,
      citations: model.citations,
      findings: state.open_findings,
      revisionComments: [...state.revision_comments, ...screened.kept],
      ...(previous ? { previous } : {}),
    });
    if (result.kind === "blocked") {
      const blocked = { stage: "architect" as const, reason: result.reason, arithmetic: result.arithmetic, findings: [] };
      const event = await emit(deps, state, threadId, "design.blocked", { ...blocked });
      return { status: "BLOCKED", blocked, events: [...model.events, event], tokens_used: model.tokens };
    }
    const plan = model.model
      ? planSpecSchema.parse({
          ...result.plan,
          planner: "model",
          risks: [
            ...result.plan.risks,
            ...model.risks.map((risk, i) => ({ id: `model-risk-${i + 1}`, title: risk.title, severity: risk.severity, mitigation: risk.mitigation })),
            ...disagreements.map((line, i) => ({
              id: `constraint-reading-differs-${i + 1}`,
              title: "The model and the rules read a constraint differently",
              severity: "medium" as const,
              mitigation: `${line}; check the constraint's status in the plan`,
            })),
          ],
          revision_notes: [...result.plan.revision_notes, ...model.notes, ...screened.dropped, ...disagreements],
        })
      : { ...result.plan, revision_notes: [...result.plan.revision_notes, ...model.notes] };
    const revised = previous !== null;
    const event = await emit(deps, state, threadId, revised ? "plan.revised" : "plan.pending", {
      plan_version: plan.version,
      pattern: plan.pattern,
      planner: plan.planner,
      monthly_usd: plan.cost.monthly_total_usd,
    });
    return {
      plan,
      status: "IN_PROGRESS",
      blocked: null,
      open_findings: [],
      revision_comments: [],
      events: [...model.events, event],
      tokens_used: model.tokens,
    };
  };
}
