import { randomBytes } from "node:crypto";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type EventBus, lifecycleEvent } from "../../bus/events.js";
import type { Logger } from "../../lib/log.js";
import type { TokenBudget } from "../../tenants/budget/token-budget.js";
import type { RunbookSearch, RunbookSections, SearchHit } from "../search.js";
import { extractiveAdvice } from "./extractive.js";
import { modelAdvice } from "./grounded.js";
import { sectionKind } from "./sections.js";
import { type Advice, type AdviceRequest, refusalAnswer } from "./types.js";

export type { Advice, AdviceRequest, Citation } from "./types.js";

export interface AdviceDeps {
  search: RunbookSearch;
  /** every section of a runbook, so the best runbook's fix can be quoted even when the search did not return it */
  runbookSections?: RunbookSections | undefined;
  llm: BaseChatModel | null;
  log: Logger;
  /** Per-tenant token budgets: a model answer's tokens count against its tenant's, like a run's. */
  tokenBudget?: TokenBudget;
  /** where a `budget.warning` goes when an answer's tokens cross 80 % or 100 % of a budget */
  events?: EventBus;
  metrics?: { recordTokens(tenant: string, model: string, tokens: number): void };
  clock?: () => Date;
}

/** Runbooks a refusal names as the nearest the store holds. */
const NEAREST_TITLES = 3;

/** Whose question: the caller's tenant (budgets, events). */
export interface AdviceContext {
  tenant: string;
}

/**
 * Answers a question from the runbooks, with a model when one is configured and the tenant's
 * token budget allows it, else extractively. Each model answer is its own budget "run"
 * (`advice-<id>`, also the trace id of any `budget.warning` it causes).
 */
export function makeAdvisor(deps: AdviceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const modelName = (deps.llm as { model?: string } | null)?.model ?? "unknown";

  async function charge(tenant: string, traceId: string, tokens: number): Promise<void> {
    deps.metrics?.recordTokens(tenant, modelName, tokens);
    for (const crossing of (await deps.tokenBudget?.charge({ tenant, run: traceId }, tokens)) ?? []) {
      const event = lifecycleEvent("budget.warning", { trace_id: traceId, thread_id: `advice-${traceId}`, tenant }, { ...crossing, source: "advice" }, clock());
      await deps.events?.publish(event);
    }
  }

  /**
   * The best runbook's sections the search left out, after the hits, when none of its hits is
   * its fix (which often shares no word with a question that quotes a symptom).
   */
  async function bestRunbookRest(hits: SearchHit[]): Promise<SearchHit[]> {
    const top = hits[0];
    if (!deps.runbookSections || !top) return [];
    // Nothing to add when the hits already hold the best runbook's fix.
    if (hits.some((hit) => hit.source === top.source && sectionKind(hit.heading_path, hit.content) === "resolution")) return [];
    const have = new Set(hits.map((hit) => hit.chunk_id));
    return (await deps.runbookSections(top.collection, top.source)).filter((section) => !have.has(section.chunk_id));
  }

  return async function advise(request: AdviceRequest, context: AdviceContext = { tenant: "default" }): Promise<Advice> {
    // Several chunks of the best runbook (symptoms, diagnosis, resolution) beat one chunk each of many.
    const hits = await deps.search(request.question, {
      top_k: Math.max(request.top_k ?? 8, 8),
      filters: request.filters,
      collapse_by_file: false,
    });
    if (hits.length === 0) {
      // Refused: say what the store does hold nearest the question, without citing it as support.
      const nearest = await deps.search(request.question, { top_k: NEAREST_TITLES, threshold: 0, filters: request.filters, collapse_by_file: true });
      return { answer: refusalAnswer(nearest), citations: [], mode: "extractive", grounded: false };
    }
    hits.push(...(await bestRunbookRest(hits)));
    let fallbackReason: string | undefined;
    if (deps.llm) {
      const traceId = randomBytes(16).toString("hex");
      const budget = deps.tokenBudget ? await deps.tokenBudget.check({ tenant: context.tenant, run: traceId }) : null;
      if (budget && !budget.allowed) {
        fallbackReason = `token budget exhausted: ${budget.reason}`;
      } else {
        try {
          const { answer, tokens } = await modelAdvice(deps.llm, request.question, hits);
          await charge(context.tenant, traceId, tokens);
          if (answer) return { ...answer, mode: "model", grounded: true, tokens_used: tokens };
          fallbackReason = "the model's answer cited no runbook excerpt";
        } catch (error) {
          deps.log.warn({ err: error }, "model answer failed; answering extractively");
          fallbackReason = "the model call failed";
        }
      }
    }
    const extractive = extractiveAdvice(request.question, hits);
    return { ...extractive, mode: "extractive", grounded: true, ...(fallbackReason ? { fallback_reason: fallbackReason } : {}) };
  };
}
