import type pg from "pg";

/** A tenant's token budgets. */
export interface BudgetLimits {
  /** tokens one run (start to stop, across revisions) may use on model calls */
  per_run: number;
  /** tokens the tenant may use per UTC day */
  daily: number;
}

/** A row of `atlas_token_budgets` as read back; a null column falls through to the next level. */
interface BudgetRow {
  /** a tenant, or `*` for every tenant without its own row */
  tenant: string;
  per_run: number | null;
  daily: number | null;
}

/** How long limits read from Postgres are reused; `flush_cache` and `set_budget` drop them sooner. */
const CACHE_MS = 30_000;

/**
 * Token budgets per tenant: the tenant's row in `atlas_token_budgets`, else the `*` row,
 * else TOKEN_BUDGET_PER_RUN / DAILY_TOKEN_BUDGET, column by column. The one module that writes
 * SQL against `atlas_token_budgets` (migrations/004_event_outbox_budgets.sql).
 */
export function makeBudgetLimits(pool: pg.Pool, defaults: BudgetLimits, clock: () => Date) {
  const cache = new Map<string, { limits: BudgetLimits; until: number }>();
  // Bumped by every change and flush: a read that started before one must not cache what it
  // read (it may be the old row), or the change would be hidden for CACHE_MS.
  let generation = 0;
  return {
    async get(tenant: string): Promise<BudgetLimits> {
      const now = clock().getTime();
      const hit = cache.get(tenant);
      if (hit && hit.until > now) return hit.limits;
      const readAt = generation;
      const { rows } = await pool.query<BudgetRow>("select tenant, per_run, daily from atlas_token_budgets where tenant = any($1::text[])", [[tenant, "*"]]);
      const own = rows.find((row) => row.tenant === tenant);
      const all = rows.find((row) => row.tenant === "*");
      const limits = {
        per_run: own?.per_run ?? all?.per_run ?? defaults.per_run,
        daily: own?.daily ?? all?.daily ?? defaults.daily,
      };
      if (readAt === generation) cache.set(tenant, { limits, until: now + CACHE_MS });
      return limits;
    },

    /** Stores new limits for a tenant (or `*`: every tenant without its own); absent fields keep their value. */
    async set(tenant: string, limits: Partial<BudgetLimits>, by: string): Promise<void> {
      await pool.query(
        `insert into atlas_token_budgets (tenant, per_run, daily, updated_by) values ($1, $2, $3, $4)
         on conflict (tenant) do update set per_run = coalesce(excluded.per_run, atlas_token_budgets.per_run),
           daily = coalesce(excluded.daily, atlas_token_budgets.daily), updated_by = excluded.updated_by, updated_at = now()`,
        [tenant, limits.per_run ?? null, limits.daily ?? null, by],
      );
      generation++;
      cache.clear();
    },

    flush(): void {
      generation++;
      cache.clear();
    },
  };
}

export type BudgetLimitStore = ReturnType<typeof makeBudgetLimits>;
