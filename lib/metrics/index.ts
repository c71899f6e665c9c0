import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { Logger } from "../log.js";
import { type ClusterSources, registerClusterGauges } from "./cluster-gauges.js";
import { type TenantLabelMode, tenantLabeller } from "./tenant-label.js";

export type { ClusterSources, QueueStats, RunStats, TokenBudgetStats } from "./cluster-gauges.js";
export { type TenantLabelMode, tenantHash, tenantLabelMode } from "./tenant-label.js";

/** Run seconds: runs stop at the approval interrupt in a few seconds; model runs take longer. */
const RUN_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Rollback SLA seconds: the SLA's own limits (300 s to begin, 900 s to hand off) are bucket edges. */
const ROLLBACK_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/** The rollback SLA: the revert commit starts within 5 minutes of the call, and is pushed within 15. */
export const ROLLBACK_SLA_SECONDS = { begin: 300, end: 900 } as const;

/**
 * Atlas's Prometheus metrics on their own registry (never prom-client's global one), so two
 * apps in one process (tests) do not share series. Cluster-wide gauges (runs by status, budgets,
 * queue) read `sources` on each scrape; counters and histograms are per process, as are the
 * process and Node.js runtime metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag, GC).
 * Tenants are labelled as `tenantLabel` says (`tenantLabelMode(config)`); default their names.
 */
export function makeMetrics(options: { sources?: Partial<ClusterSources>; log?: Logger; tenantLabel?: TenantLabelMode } = {}) {
  const registry = new Registry();
  // every `tenant` label goes through this (METRICS_TENANT_LABEL): names stay off a public /metrics
  const tenantLabel = tenantLabeller(options.tenantLabel ?? "name");
  collectDefaultMetrics({ register: registry });
  registerClusterGauges(registry, options.sources ?? {}, { log: options.log, tenantLabel });

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
    rollbackSeconds: new Histogram({
      name: "atlas_rollback_seconds",
      help: "Seconds from a rollback call to the start of its revert commit (stage=begin) and to the revert pushed to the GitOps remote, or committed without one (stage=end)",
      labelNames: ["stage"] as const,
      buckets: ROLLBACK_BUCKETS,
      registers: [registry],
    }),
    rollbackSlaMisses: new Counter({
      name: "atlas_rollback_sla_misses_total",
      help: "Rollbacks over their SLA: stage=begin later than 300 s after the call, stage=end later than 900 s",
      labelNames: ["stage"] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "atlas_event_dead_letters_total",
      help: "Event-bus messages moved to the dead-letter stream after failed deliveries, by event type",
      labelNames: ["type"] as const,
      registers: [registry],
    }),
  };

  // both stages exported from the start (at 0), so an SLA alert has a series before the first rollback
  for (const stage of ["begin", "end"] as const) {
    metrics.rollbackSeconds.zero({ stage });
    metrics.rollbackSlaMisses.inc({ stage }, 0);
  }

  return {
    ...metrics,
    /** Counts tokens a model call used. */
    recordTokens(tenant: string, model: string, tokens: number): void {
      if (tokens > 0) metrics.tokens.inc({ tenant: tenantLabel(tenant), model }, tokens);
    },
    /** Records a run segment that stopped at `status` after `seconds`. */
    recordRun(status: string, seconds: number): void {
      metrics.runs.inc({ status });
      metrics.runSeconds.observe({ status }, seconds);
    },
    /** Records how long after its call a rollback reached `stage` (see ROLLBACK_SLA_SECONDS); counts a miss when over. */
    recordRollback(stage: "begin" | "end", seconds: number): void {
      metrics.rollbackSeconds.observe({ stage }, seconds);
      if (seconds > ROLLBACK_SLA_SECONDS[stage]) metrics.rollbackSlaMisses.inc({ stage });
    },
    /** Counts a message moved to the dead-letter stream (the Redis event bus calls this). */
    recordDeadLetter(type = "unknown"): void {
      metrics.deadLetters.inc({ type });
    },
    /** `search` (runbook retrieval) timed into atlas_retrieval_seconds, by outcome. */
    timeRetrieval<A extends unknown[], R>(search: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
      return async (...args) => {
        const end = metrics.retrievalSeconds.startTimer();
        try {
          const hits = await search(...args);
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
