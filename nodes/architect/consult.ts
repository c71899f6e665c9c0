import { emit, type GraphDeps } from "../../graph/deps.js";
import type { PlanStateValue } from "../../graph/state.js";
import type { LifecycleEvent } from "../../schemas/events.js";
import type { PlanSpec } from "../../schemas/plan.js";
import { proposeDesign } from "./chain.js";
import { citeFetched } from "./fetched.js";
import type { DesignProposal } from "./model.js";
import { makeModelSpend } from "./spend.js";

type Citation = PlanSpec["citations"][number];

/** What the model chain adds to a plan; nothing but a note when there is no model or no budget. */
export interface ModelContribution {
  /** the model that answered, or null (deterministic planning) */
  model: string | null;
  directives: string[];
  risks: DesignProposal["risks"];
  /** the answering model's reading of the constraints, when it gave one */
  readings: NonNullable<DesignProposal["constraints"]> | null;
  /** the node's citations plus the runbooks the answering model fetched */
  citations: Citation[];
  notes: string[];
  /** tokens every model call reported, failed ones included */
  tokens: number;
  /** `budget.warning` events the charges published */
  events: LifecycleEvent[];
}

/**
 * Asks the model chain (when configured) for design directives and risks, within the token
 * budget: checked before any model is asked, then before each model call and charged after.
 */
export async function consultModels(
  deps: GraphDeps,
  state: PlanStateValue,
  threadId: string,
  runbooks: { citations: Citation[]; excerpts: string },
): Promise<ModelContribution> {
  const none: ModelContribution = { model: null, directives: [], risks: [], readings: null, citations: runbooks.citations, notes: [], tokens: 0, events: [] };
  if (deps.models.length === 0) return none;
  const scope = { tenant: state.tenant, run: state.trace_id };
  const tokenBudget = deps.tokenBudget;
  const before = tokenBudget ? await tokenBudget.check(scope) : null;
  if (before && !before.allowed) return { ...none, notes: [`token budget exhausted: planned deterministically (${before.reason})`] };

  const spend = makeModelSpend(tokenBudget ? { check: () => tokenBudget.check(scope), charge: (tokens) => tokenBudget.charge(scope, tokens) } : null);
  const outcome = await proposeDesign(
    deps.models,
    { goal: state.goal, excerpts: runbooks.excerpts, findings: state.open_findings, comments: state.revision_comments },
    { search: deps.search, spend },
  );
  const events: LifecycleEvent[] = [];
  for (const crossing of spend.crossings) events.push(await emit(deps, state, threadId, "budget.warning", { ...crossing }));
  const spent = { tokens: spend.total(), events };
  const failedFirst = outcome.failures.length ? [`models that failed first: ${outcome.failures.join("; ")}`] : [];

  if (outcome.kind === "budget") {
    return { ...none, ...spent, notes: [`token budget exhausted: planned deterministically (${outcome.reason})`, ...failedFirst] };
  }
  if (outcome.kind === "failed") {
    return { ...none, ...spent, notes: [`every model failed (${outcome.failures.join("; ")}); planned deterministically`] };
  }
  const directives = [...outcome.proposal.directives];
  const fetched = new Set(outcome.fetched.map((f) => f.hit.source));
  return {
    ...spent,
    model: outcome.model,
    directives,
    risks: outcome.proposal.risks,
    readings: outcome.proposal.constraints ?? null,
    citations: citeFetched(runbooks.citations, outcome.fetched, outcome.model),
    notes: [
      `model ${outcome.model} proposed: ${directives.join(", ") || "the planner's defaults"}. ${outcome.proposal.rationale}`,
      ...(fetched.size ? [`model ${outcome.model} read through runbook_search: ${[...fetched].join(", ")}`] : []),
      ...failedFirst,
    ],
  };
}
