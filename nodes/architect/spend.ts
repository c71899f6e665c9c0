import { TokenCallback } from "../../lib/metrics/token-callback.js";
import type { BudgetCheck, BudgetCrossing } from "../../tenants/budget/token-budget.js";

/** The run's token budget as the architect sees it (tenant and run already bound). */
export interface RunBudget {
  check(): Promise<BudgetCheck>;
  charge(tokens: number): Promise<BudgetCrossing[]>;
}

/** Tokens one architect pass spent on models, and what charging them crossed. */
export interface ModelSpend {
  /** tokens every model call reported: each agent turn, each model of the chain, failed ones too */
  total(): number;
  /** budget thresholds the charges crossed, in order (each one a `budget.warning`) */
  readonly crossings: BudgetCrossing[];
  /** why the budget stopped the pass before a model call, or null */
  exhausted(): string | null;
  /** a run callback that counts the tokens of every model call it sees */
  callback(): TokenCallback;
  /** charges what earlier calls spent, then checks the budget; throws when it is used up */
  beforeCall(): Promise<void>;
  /** charges whatever is not charged yet; call once the pass is over */
  settle(): Promise<void>;
}

/**
 * Meters an architect pass's model calls. Tokens are counted from each call's reported usage
 * (a callback, so a call whose answer is then rejected still counts: it was spent). What a call
 * spent is charged before the next call is checked, and the rest when the pass ends; so an agent
 * that keeps going stops at the budget as well as at its step bound. Without a budget it only counts.
 */
export function makeModelSpend(budget: RunBudget | null): ModelSpend {
  let total = 0;
  let charged = 0;
  let exhausted: string | null = null;
  const crossings: BudgetCrossing[] = [];

  async function settle(): Promise<void> {
    const pending = total - charged;
    charged = total;
    if (budget && pending > 0) crossings.push(...(await budget.charge(pending)));
  }

  return {
    total: () => total,
    crossings,
    exhausted: () => exhausted,
    callback: () =>
      new TokenCallback((_model, tokens) => {
        total += tokens;
      }),
    async beforeCall() {
      await settle();
      if (!budget) return;
      const check = await budget.check();
      if (check.allowed) return;
      exhausted = check.reason ?? `${check.exhausted} budget used up`;
      throw new Error(`token budget exhausted: ${exhausted}`);
    },
    settle,
  };
}
