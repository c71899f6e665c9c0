import type { NamedModel } from "../../graph/deps.js";
import type { RunbookSearch } from "../../rag/search.js";
import { type FetchedRunbook, recordingSearch } from "./fetched.js";
import type { DesignProposal } from "./model.js";
import type { DesignQuestion } from "./prompt.js";
import type { ModelSpend } from "./spend.js";

/** How the model chain answered: a proposal, every model failing, or the budget running out. */
export type DesignOutcome =
  | {
      kind: "proposal";
      proposal: DesignProposal;
      model: string;
      /** runbook chunks this model read through `runbook_search` */
      fetched: FetchedRunbook[];
      /** models that failed before this one answered, with why */
      failures: string[];
    }
  | { kind: "failed"; failures: string[] }
  | { kind: "budget"; reason: string; failures: string[] };

/**
 * Asks each model of the chain in turn, each through its own tool-calling agent; each model's
 * own client retries 429/5xx with backoff. The next model starts afresh (its own turns, its own
 * look-ups); the budget running out stops the chain. Everything spent is charged before this returns.
 */
export async function proposeDesign(
  models: readonly NamedModel[],
  question: DesignQuestion,
  context: { search: RunbookSearch; spend: ModelSpend },
): Promise<DesignOutcome> {
  const failures: string[] = [];
  // langchain's agent loop is loaded only in model mode (deterministic planning never needs it)
  const { askDesignAgent } = await import("./agent.js");
  try {
    for (const { name, model } of models) {
      const recorder = recordingSearch(context.search);
      try {
        const proposal = await askDesignAgent(model, question, { search: recorder.search, spend: context.spend });
        return { kind: "proposal", proposal, model: name, fetched: recorder.fetched, failures };
      } catch (error) {
        const reason = context.spend.exhausted();
        if (reason) return { kind: "budget", reason, failures };
        failures.push(`${name}: ${(error as Error).message.slice(0, 200)}`);
      }
    }
    return { kind: "failed", failures };
  } finally {
    await context.spend.settle();
  }
}
