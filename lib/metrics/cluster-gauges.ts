import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../log.js";

/** The run queue as the Redis queue reports it. */
export interface QueueStats {
  /** runs waiting to be picked up */
  depth: number;
  /** runs delivered to a replica and not yet acknowledged */
  pending: number;
}

/** A tenant's daily token budget and what it has used today. */
export interface TokenBudgetStats {
  tenant: string;
  daily_budget: number;
  used_today: number;
}

export type Source<T> = () => T | Promise<T>;

/** `fn` with concurrent calls sharing the one in flight. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  return () => {
    inFlight ??= fn().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/** Runs in the registry by tenant and status. */
export interface RunStats {
  tenant: string;
  status: string;
  count: number;
}

/** Where the cluster-wide gauges read from on each scrape; a missing source reads as empty. */
export interface ClusterSources {
  /** runs by tenant and status (the run registry in Postgres) */
  runs: Source<RunStats[]>;
  /** queue depth and pending entries (the run queue) */
  queue: Source<QueueStats>;
  /** per-tenant budgets and today's usage (the token budget) */
  budgets: Source<TokenBudgetStats[]>;
}

/**
 * The cluster-wide gauges: runs by status, queue depth and pending entries, token budgets. Each
 * reads its source on every scrape (the same numbers on every replica); a failing source keeps
 * the last values rather than failing /metrics. Tenants are labelled through `tenantLabel`.
 */
export function registerClusterGauges(
  registry: Registry,
  sources: Partial<ClusterSources>,
  options: { log?: Logger | undefined; tenantLabel: (tenant: string) => string },
): void {
  const { log, tenantLabel } = options;
  const queueSource: Source<QueueStats> = sources.queue ?? (() => ({ depth: 0, pending: 0 }));
  const budgetSource: Source<TokenBudgetStats[]> = sources.budgets ?? (() => []);
  const runsSource: Source<RunStats[]> = sources.runs ?? (() => []);

  async function read<T>(name: string, source: Source<T>): Promise<T | undefined> {
    try {
      return await source();
    } catch (error) {
      log?.warn({ err: error, source: name }, "metrics source failed; keeping the last values");
      return undefined;
    }
  }

  new Gauge({
    name: "atlas_runs_by_status",
    help: "Runs in the registry by tenant and current status (cluster-wide: every replica reports the same; use max)",
    labelNames: ["tenant", "status"] as const,
    registers: [registry],
    async collect() {
      const rows = await read("runs", runsSource);
      if (!rows) return;
      this.reset();
      for (const row of rows) this.set({ tenant: tenantLabel(row.tenant), status: row.status }, row.count);
    },
  });

  // Two gauges per source: both collects of one scrape (run concurrently) share one read.
  let lastQueue: QueueStats = { depth: 0, pending: 0 };
  const refreshQueue = once(async () => {
    lastQueue = (await read("queue", queueSource)) ?? lastQueue;
  });
  new Gauge({
    name: "atlas_queue_depth",
    help: "Background runs waiting in the queue",
    registers: [registry],
    async collect() {
      await refreshQueue();
      this.set(lastQueue.depth);
    },
  });
  new Gauge({
    name: "atlas_queue_pending",
    help: "Background runs delivered to a replica and not yet acknowledged (pending entries)",
    registers: [registry],
    async collect() {
      await refreshQueue();
      this.set(lastQueue.pending);
    },
  });

  let lastBudgets: TokenBudgetStats[] = [];
  const refreshBudgets = once(async () => {
    lastBudgets = (await read("budgets", budgetSource)) ?? lastBudgets;
  });
  new Gauge({
    name: "atlas_token_budget_daily",
    help: "Daily token budget per tenant",
    labelNames: ["tenant"] as const,
    registers: [registry],
    async collect() {
      await refreshBudgets();
      this.reset();
      for (const row of lastBudgets) this.set({ tenant: tenantLabel(row.tenant) }, row.daily_budget);
    },
  });
  new Gauge({
    name: "atlas_tokens_used_today",
    help: "Tokens used today (UTC) per tenant",
    labelNames: ["tenant"] as const,
    registers: [registry],
    async collect() {
      await refreshBudgets();
      this.reset();
      for (const row of lastBudgets) this.set({ tenant: tenantLabel(row.tenant) }, row.used_today);
    },
  });
}
