import type { Logger } from "../../lib/log.js";
import type { CounterScope, TokenCounters } from "./counters.js";
import type { BudgetLimitStore, BudgetLimits } from "./limits.js";

/** Share of a budget at which a `budget.warning` event is published (seed 004). */
export const WARN_AT = 0.8;

/** Whose tokens: the tenant and the run (trace id). */
export interface BudgetScope {
  tenant: string;
  run: string;
}

/** Where a run stands before a model call. */
export interface BudgetCheck {
  allowed: boolean;
  /** which budget is used up, when not allowed */
  exhausted: "run" | "daily" | null;
  used: { run: number; daily: number };
  limits: BudgetLimits;
  /** a sentence for the plan's revision notes when not allowed */
  reason: string | null;
}

/** A budget crossed 80 % or 100 % with the tokens just charged: what `budget.warning` carries. */
export interface BudgetCrossing {
  kind: "tokens";
  scope: "run" | "daily";
  tenant: string;
  used: number;
  limit: number;
  /** 80 or 100 */
  threshold: number;
  exhausted: boolean;
}

export interface TokenBudget {
  check(scope: BudgetScope): Promise<BudgetCheck>;
  /** Counts tokens a model call used; returns the thresholds this call crossed. */
  charge(scope: BudgetScope, tokens: number): Promise<BudgetCrossing[]>;
  /** Changes limits at run time (the `set_budget` control message); tenant `*` means every tenant. */
  setLimits(tenant: string, limits: Partial<BudgetLimits>, by: string): Promise<void>;
  /** Drops cached limits (`flush_cache`). */
  flush(): void;
  /** A tenant's limits and the tokens it used today. */
  tenant(tenant: string): Promise<{ tenant: string; limits: BudgetLimits; used_today: number }>;
  /** Today's budget and usage per tenant that used tokens today (metrics). */
  stats(): Promise<{ tenant: string; daily_budget: number; used_today: number }[]>;
}

function utcDay(now: Date): { day: string; dayEnds: Date } {
  const day = now.toISOString().slice(0, 10);
  return { day, dayEnds: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000) };
}

/**
 * Token budgets per tenant (seed 004): TOKEN_BUDGET_PER_RUN per run and DAILY_TOKEN_BUDGET per
 * UTC day, counted atomically (Redis INCRBY, or this process's counters without Redis). The
 * architect checks before each model call and charges after; at 100 % it plans deterministically.
 */
export function makeTokenBudget(parts: { limits: BudgetLimitStore; counters: TokenCounters; clock: () => Date; log: Logger }): TokenBudget {
  const { limits, counters, clock } = parts;
  const counterScope = (scope: BudgetScope): CounterScope => ({ ...scope, ...utcDay(clock()) });

  return {
    async check(scope) {
      const [used, current] = await Promise.all([counters.read(counterScope(scope)), limits.get(scope.tenant)]);
      const exhausted = used.run >= current.per_run ? "run" : used.daily >= current.daily ? "daily" : null;
      const reason =
        exhausted === "run"
          ? `this run used ${used.run} of its ${current.per_run} tokens (TOKEN_BUDGET_PER_RUN)`
          : exhausted === "daily"
            ? `tenant ${scope.tenant} used ${used.daily} of its ${current.daily} tokens today (DAILY_TOKEN_BUDGET)`
            : null;
      return { allowed: exhausted === null, exhausted, used, limits: current, reason };
    },

    async charge(scope, tokens) {
      if (tokens <= 0) return [];
      const [after, current] = await Promise.all([counters.add(counterScope(scope), tokens), limits.get(scope.tenant)]);
      const crossings: BudgetCrossing[] = [];
      for (const [name, used, limit] of [
        ["run", after.run, current.per_run],
        ["daily", after.daily, current.daily],
      ] as const) {
        const before = used - tokens;
        for (const threshold of [WARN_AT, 1]) {
          const line = threshold * limit;
          // exactly one charge crosses each line, even with concurrent runs (the counter is atomic)
          if (before < line && used >= line) {
            crossings.push({
              kind: "tokens",
              scope: name,
              tenant: scope.tenant,
              used,
              limit,
              threshold: Math.round(threshold * 100),
              exhausted: threshold === 1,
            });
          }
        }
      }
      return crossings;
    },

    async setLimits(tenant, next, by) {
      await limits.set(tenant, next, by);
      parts.log.info({ tenant, ...next, by }, "token budget changed");
    },

    flush: () => limits.flush(),

    async tenant(tenant) {
      const [current, today] = await Promise.all([limits.get(tenant), counters.day(utcDay(clock()).day)]);
      return { tenant, limits: current, used_today: today.find((row) => row.tenant === tenant)?.used ?? 0 };
    },

    async stats() {
      const today = await counters.day(utcDay(clock()).day);
      return Promise.all(today.map(async ({ tenant, used }) => ({ tenant, daily_budget: (await limits.get(tenant)).daily, used_today: used })));
    },
  };
}
