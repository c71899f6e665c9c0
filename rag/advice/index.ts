import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Logger } from "../../lib/log.js";
import type { RunbookSearch } from "../search.js";
import { extractiveAdvice } from "./extractive.js";
import { modelAdvice } from "./grounded.js";
import { type Advice, type AdviceRequest, NO_COVERAGE_ANSWER } from "./types.js";

export type { Advice, AdviceRequest, Citation } from "./types.js";

export interface AdviceDeps {
  search: RunbookSearch;
  llm: BaseChatModel | null;
  log: Logger;
}

/** Answers a question from the runbooks, with a model when one is configured, else extractively. */
export function makeAdvisor(deps: AdviceDeps) {
  return async function advise(request: AdviceRequest): Promise<Advice> {
    // Several chunks of the best runbook (symptoms, diagnosis, resolution) beat one chunk each of many.
    const hits = await deps.search(request.question, {
      top_k: Math.max(request.top_k ?? 8, 8),
      filters: request.filters,
      collapse_by_file: false,
    });
    if (hits.length === 0) return { answer: NO_COVERAGE_ANSWER, citations: [], mode: "extractive", grounded: false };
    let fallbackReason: string | undefined;
    if (deps.llm) {
      try {
        const answer = await modelAdvice(deps.llm, request.question, hits);
        if (answer) return { ...answer, mode: "model", grounded: true };
        fallbackReason = "the model's answer cited no runbook excerpt";
      } catch (error) {
        deps.log.warn({ err: error }, "model answer failed; answering extractively");
        fallbackReason = "the model call failed";
      }
    }
    const extractive = extractiveAdvice(request.question, hits);
    return { ...extractive, mode: "extractive", grounded: true, ...(fallbackReason ? { fallback_reason: fallbackReason } : {}) };
  };
}
