import { block, type HclBlock, type HclExpr, type HclNested, type HclValue, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { lbTarget, redisAddress, runName, sqlAddress, subscriptionName } from "./addresses.js";
import { APIS } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";
import { kubernetesIdentity } from "./gke.js";

type Alert = GcpContext["plan"]["observability"]["alerts"][number];

/** A Cloud Monitoring metric an alert watches, with this design's resource in the filter. */
export interface GcpMetric {
  /** the time-series filter (metric type, resource type and the resource's labels) */
  filter: HclValue;
  /** how each series is aligned: `ALIGN_PERCENTILE_95`, `ALIGN_MAX`, `ALIGN_DELTA`, `ALIGN_RATE`… */
  aligner: string;
  /** multiply the plan's threshold by this: percentages become the 0-1 ratios Google reports */
  scale: number;
  /** for a rate in percent: the filter of the total, so the condition compares numerator / denominator */
  denominator?: HclValue;
  /** how long the condition must hold: failures and dead letters alert at once */
  duration: string;
}

/** `metric.type="..." AND resource.type="..." AND <labels>` with references interpolated. */
function filter(metric: string, resource: string, ...labels: (string | HclExpr)[]): HclValue {
  return interpolate(`metric.type="${metric}" AND resource.type="${resource}"`, ...labels);
}

/**
 * Resolves a plan alert's metric, written as free text (`request_latency_p95_ms`,
 * `5xx_rate_percent`, `oldest_unacked_message_age_s`, `db_cpu_percent`), to a Google Cloud metric
 * of something this design creates (metric names from https://cloud.google.com/monitoring/api/metrics_gcp).
 * Returns null when it names nothing the design has: the alert is then listed as not rendered
 * rather than pointed at a metric that never reports.
 */
export function metricFor(ctx: GcpContext, text: string): GcpMetric | null {
  const { plan } = ctx;
  const tokens = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const has = (...words: string[]) => words.some((w) => tokens.some((t) => t.startsWith(w)));
  const percentile = text.toLowerCase().match(/p(50|95|99)/)?.[1] ?? "95";
  const ratio = has("rate", "percent", "pct", "ratio");
  const db = plan.databases[0];
  if (db && has("db", "database", "sql", "postgres", "mysql")) {
    const kind = has("connection")
      ? db.engine === "postgres"
        ? "database/postgresql/num_backends"
        : "database/network/connections"
      : has("disk", "storage")
        ? "database/disk/utilization"
        : has("memory")
          ? "database/memory/utilization"
          : "database/cpu/utilization";
    return {
      filter: filter(
        `cloudsql.googleapis.com/${kind}`,
        "cloudsql_database",
        ' AND resource.labels.database_id="',
        ref("var.project_id"),
        ":",
        ref(`${sqlAddress(db)}.name`),
        '"',
      ),
      aligner: "ALIGN_MEAN",
      scale: kind.endsWith("utilization") ? 0.01 : 1,
      duration: "300s",
    };
  }
  const cache = plan.caches[0];
  if (cache && has("redis", "cache", "memorystore")) {
    const evictions = has("evict");
    return {
      filter: filter(
        evictions ? "redis.googleapis.com/stats/evicted_keys" : "redis.googleapis.com/stats/memory/usage_ratio",
        "redis_instance",
        ' AND resource.labels.instance_id="',
        ref(`${redisAddress(cache)}.id`),
        '"',
      ),
      aligner: evictions ? "ALIGN_DELTA" : "ALIGN_MAX",
      scale: evictions ? 1 : 0.01,
      duration: "300s",
    };
  }
  const queue = plan.queues[0];
  if (queue && has("queue", "pubsub", "backlog", "message", "dlq", "dead", "unacked", "undelivered", "oldest")) {
    const dead = has("dlq", "dead");
    const subscription = subscriptionName(ctx, queue, dead);
    const metric = !dead && has("age", "oldest") ? "oldest_unacked_message_age" : "num_undelivered_messages";
    return {
      filter: `metric.type="pubsub.googleapis.com/subscription/${metric}" AND resource.type="pubsub_subscription" AND resource.labels.subscription_id="${subscription}"`,
      aligner: "ALIGN_MAX",
      scale: 1,
      duration: dead ? "0s" : "300s",
    };
  }
  const job = ctx.workloads.find((w) => w.kind === "job");
  if (job && has("job", "execution", "fail", "run")) {
    return {
      filter: `metric.type="run.googleapis.com/job/completed_execution_count" AND resource.type="cloud_run_job" AND resource.labels.job_name="${runName(ctx, job)}" AND metric.labels.result="failed"`,
      aligner: "ALIGN_DELTA",
      scale: 1,
      duration: "0s",
    };
  }
  const service = lbTarget(ctx) ?? ctx.workloads.find((w) => w.kind === "service");
  if (service) {
    const revision = `resource.type="cloud_run_revision" AND resource.labels.service_name="${runName(ctx, service)}"`;
    if (has("5xx", "error")) {
      const errors = `metric.type="run.googleapis.com/request_count" AND ${revision} AND metric.labels.response_code_class="5xx"`;
      return ratio
        ? {
            filter: errors,
            aligner: "ALIGN_RATE",
            scale: 0.01,
            denominator: `metric.type="run.googleapis.com/request_count" AND ${revision}`,
            duration: "300s",
          }
        : { filter: errors, aligner: "ALIGN_DELTA", scale: 1, duration: "300s" };
    }
    if (has("latency", "duration", "response", "p50", "p95", "p99"))
      return {
        filter: `metric.type="run.googleapis.com/request_latencies" AND ${revision}`,
        aligner: `ALIGN_PERCENTILE_${percentile}`,
        scale: 1,
        duration: "300s",
      };
    if (has("cpu", "memory")) {
      const metric = has("memory") ? "container/memory/utilizations" : "container/cpu/utilizations";
      return { filter: `metric.type="run.googleapis.com/${metric}" AND ${revision}`, aligner: "ALIGN_PERCENTILE_95", scale: 0.01, duration: "300s" };
    }
    if (has("instance"))
      return { filter: `metric.type="run.googleapis.com/container/instance_count" AND ${revision}`, aligner: "ALIGN_MAX", scale: 1, duration: "300s" };
    if (has("request", "rps", "traffic"))
      return { filter: `metric.type="run.googleapis.com/request_count" AND ${revision}`, aligner: "ALIGN_RATE", scale: 1, duration: "300s" };
  }
  if (ctx.gke && has("cpu", "memory", "restart")) {
    const { namespace } = kubernetesIdentity(ctx);
    const container = `resource.type="k8s_container" AND resource.labels.cluster_name="${nameWith(ctx, 40, "gke")}" AND resource.labels.namespace_name="${namespace}"`;
    if (has("restart"))
      return { filter: `metric.type="kubernetes.io/container/restart_count" AND ${container}`, aligner: "ALIGN_DELTA", scale: 1, duration: "0s" };
    const metric = has("memory") ? "memory/limit_utilization" : "cpu/limit_utilization";
    return { filter: `metric.type="kubernetes.io/container/${metric}" AND ${container}`, aligner: "ALIGN_MEAN", scale: 0.01, duration: "300s" };
  }
  return null;
}

const COMPARISON: Record<Alert["comparison"], string> = { ">": "COMPARISON_GT", ">=": "COMPARISON_GE", "<": "COMPARISON_LT", "<=": "COMPARISON_LE" };
const SEVERITY: Record<Alert["severity"], string> = { critical: "CRITICAL", high: "ERROR", medium: "WARNING", low: "WARNING", info: "WARNING" };

/**
 * The alignment of each series; a ratio also sums the series of each service (every revision and
 * response code) so numerator and denominator line up one to one.
 */
function aggregations(metric: GcpMetric): HclNested {
  const ratio = metric.denominator !== undefined;
  return block({
    alignment_period: "300s",
    per_series_aligner: metric.aligner,
    cross_series_reducer: ratio ? "REDUCE_SUM" : undefined,
    group_by_fields: ratio ? ["resource.label.service_name"] : undefined,
  });
}

/** One alert policy: the plan's threshold (scaled to Google's units) on this design's metric, to `var.notification_channels`. */
function alertPolicy(ctx: GcpContext, alert: Alert, metric: GcpMetric): HclBlock {
  const owner = ctx.component(["cloud-monitoring-alerts"]);
  return ctx.resource("google_monitoring_alert_policy", tfName(alert.name), owner, {
    display_name: `${ctx.prefix} ${alert.name}`,
    combiner: "OR",
    severity: SEVERITY[alert.severity],
    notification_channels: ref("var.notification_channels"),
    conditions: block({
      display_name: `${alert.metric} ${alert.comparison} ${alert.threshold}`,
      condition_threshold: block({
        filter: metric.filter,
        comparison: COMPARISON[alert.comparison],
        threshold_value: Number((alert.threshold * metric.scale).toPrecision(12)),
        duration: metric.duration,
        aggregations: aggregations(metric),
        denominator_filter: metric.denominator,
        denominator_aggregations: metric.denominator !== undefined ? aggregations(metric) : undefined,
        trigger: block({ count: 1 }),
      }),
    }),
    alert_strategy: block({ auto_close: "1800s" }),
    documentation: block({
      content: `Plan alert "${alert.name}": ${alert.metric} ${alert.comparison} ${alert.threshold} (${alert.severity}).`,
      mime_type: "text/markdown",
    }),
    depends_on: [ref(APIS)],
  });
}

/**
 * monitoring.tf: an alert policy per plan alert whose metric this design produces, and the
 * retention of the project's `_Default` log bucket from `log_retention_days` (project-wide: it
 * also keeps other stacks' logs that long). Alerts naming nothing the design creates are listed in
 * the file's header as not rendered.
 */
export function renderMonitoring(ctx: GcpContext): GcpSection[] {
  const { plan } = ctx;
  const blocks: HclBlock[] = [];
  const notes: string[] = [];
  for (const alert of plan.observability.alerts) {
    const metric = metricFor(ctx, alert.metric);
    if (metric) blocks.push(alertPolicy(ctx, alert, metric));
    else notes.push(`Alert "${alert.name}" is not rendered: metric "${alert.metric}" matches nothing this design creates.`);
  }
  blocks.push(
    ctx.resource("google_logging_project_bucket_config", "default", ctx.component(["cloud-logging"]), {
      project: ref("var.project_id"),
      location: "global",
      bucket_id: "_Default",
      retention_days: Math.min(3650, Math.max(1, plan.observability.log_retention_days)),
      depends_on: [ref(APIS)],
    }),
  );
  return [{ file: "monitoring.tf", blocks, notes }];
}
