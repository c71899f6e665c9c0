import type pg from "pg";
import { Counter, Histogram, Registry } from "prom-client";
import type { RunbookSearch } from "../../rag/search.js";
import type { Logger } from "../log.js";
import { registerClusterGauges, type RunStats, type Source } from "./cluster-gauges.js";

export type { QueueStats, RunStats, TokenBudgetStats } from "./cluster-gauges.js";

/** Run seconds: runs stop at the approval interrupt in a few seconds; model runs take longer. */
const RUN_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Atlas's Prometheus metrics on their own registry (never prom-client's global one), so two
 * apps in one process (tests) do not share series. Cluster-wide gauges (runs by status, budgets,
 * queue) read their sources on each scrape; counters and histograms are per process.
 */
export function makeMetrics() {
  const registry = new Registry();
  let log: Logger | undefined;
  const cluster = registerClusterGauges(registry, () => log);

  const metrics = {
    registry,
    tokens: new Counter({
      name: "atlas_tokens_total",
      help: "Model tokens used, by tenant and model",
      labelNames: ["tenant", "model"] as const,
      registers: [registry],
    }),
    runSeconds: new Histogram({
      name: "atlas_run_seconds",
      help: "Wall time of a run segment (start to interrupt or end; resume to end), by the status it stopped at",
      labelNames: ["status"] as const,
      buckets: RUN_BUCKETS,
      registers: [registry],
    }),
    runs: new Counter({
      name: "atlas_runs_total",
      help: "Run segments this process finished, by the status they stopped at",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    retrievalSeconds: new Histogram({
      name: "atlas_retrieval_seconds",
      help: "Runbook retrieval latency, by outcome",
      labelNames: ["outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "atlas_http_requests_total",
      help: "HTTP requests answered, by method, route pattern and status code",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: "atlas_http_request_seconds",
      help: "HTTP request duration, by method, route pattern and status code",
      labelNames: ["method", "route", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "atlas_event_dead_letters_total",
      help: "Event-bus messages moved to the dead-letter stream after failed deliveries, by event type",
      labelNames: ["type"] as const,
      registers: [registry],
    }),
  };

  return {
    ...metrics,
    /** Counts tokens a model call used. */
    recordTokens(tenant: string, model: string, tokens: number): void {
      if (tokens > 0) metrics.tokens.inc({ tenant, model }, tokens);
    },
    /** Records a run segment that stopped at `status` after `seconds`. */
    recordRun(status: string, seconds: number): void {
      metrics.runs.inc({ status });
      metrics.runSeconds.observe({ status }, seconds);
    },
    /** Counts a message moved to the dead-letter stream (the Redis event bus calls this). */
    recordDeadLetter(type = "unknown"): void {
      metrics.deadLetters.inc({ type });
    },
    setQueueStats: cluster.setQueueStats,
    setBudgetStats: cluster.setBudgetStats,
    setRunStats: cluster.setRunStats,
    /** Logger for failing sources. */
    setLogger(logger: Logger): void {
      log = logger;
    },
    /** `search` timed into atlas_retrieval_seconds. */
    timeSearch(search: RunbookSearch): RunbookSearch {
      return async (query, options) => {
        const end = metrics.retrievalSeconds.startTimer();
        try {
          const hits = await search(query, options);
          end({ outcome: "ok" });
          return hits;
        } catch (error) {
          end({ outcome: "error" });
          throw error;
        }
      };
    },
  };
}

export type AtlasMetrics = ReturnType<typeof makeMetrics>;

/** Runs by tenant and status, straight from the run registry. */
export function runStatsFromPool(pool: pg.Pool): Source<RunStats[]> {
  return async () => {
    const { rows } = await pool.query<RunStats>(
      "select tenant, status, count(*)::int as count from atlas_runs group by tenant, status",
    );
    return rows;
  };
}
