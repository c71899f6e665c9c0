import { queueName } from "../config.js";
import type { BuildContext } from "../context.js";
import { type HclValue, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { clusterName } from "./eks.js";
import { auroraInstanceCount, engineFacts } from "./engines.js";
import { natCount } from "./network.js";
import { SCHEDULE_RULE } from "./schedule.js";
import { siteBucket } from "./static-site.js";

type Dimensions = Record<string, HclValue>;

/** The CloudWatch metric an alert watches, resolved against what the builder creates. */
export interface MetricTarget {
  namespace: string;
  metric: string;
  /** `Average`, `Sum`, `Maximum`… or a percentile such as `p95` (an extended statistic) */
  statistic: string;
  /** one set normally; several (one per NAT gateway, say) are summed with metric math */
  dimensions: Dimensions[];
  /** multiply the plan's threshold by this: ms → s for latency, GB → bytes for free storage */
  scale: number;
  /** `100 * metric / denominator` as a percentage, for error rates */
  denominator?: string;
  /** CloudFront metrics exist in us-east-1 only */
  globalService: boolean;
}

interface Named {
  namespace: string;
  metric: string;
  percentile?: string;
  denominator?: string;
}

/** `AWS/ApplicationELB TargetResponseTime p95 (ms)`, `AWS/ApplicationELB A / B (%)`: how the architect names metrics. */
const STRUCTURED = /^(AWS\/[A-Za-z]+|ECS\/ContainerInsights|ContainerInsights)\s+([A-Za-z0-9_]+)(?:\s*\/\s*([A-Za-z0-9_]+))?(?:\s+(p\d{1,2}(?:\.\d+)?))?/;

/** Free-text metric names (`p95_latency_ms`, `db_cpu_percent`, `dlq_messages_visible`) mapped by keyword. */
function guess(ctx: BuildContext, text: string): Named | null {
  const { plan } = ctx;
  const m = text.toLowerCase();
  // Whole words (or their start): "age" must not match inside "messages".
  const tokens = m.split(/[^a-z0-9]+/).filter(Boolean);
  const has = (...words: string[]) => words.some((w) => tokens.some((t) => t.startsWith(w)));
  const alb = plan.network.ingress.type === "alb";
  if (plan.databases.length > 0 && has("db", "database", "rds", "postgres", "mysql", "aurora", "replica")) {
    const metric = has("lag")
      ? "ReplicaLag"
      : has("connection")
        ? "DatabaseConnections"
        : has("storage", "disk")
          ? "FreeStorageSpace"
          : has("credit")
            ? "CPUCreditBalance"
            : has("memory")
              ? "FreeableMemory"
              : "CPUUtilization";
    return { namespace: "AWS/RDS", metric };
  }
  if (plan.caches.length > 0 && has("redis", "cache", "elasticache")) {
    return { namespace: "AWS/ElastiCache", metric: has("memory") ? "DatabaseMemoryUsagePercentage" : has("evict") ? "Evictions" : "EngineCPUUtilization" };
  }
  if (plan.queues.length > 0 && has("queue", "sqs", "backlog", "message", "dlq", "dead")) {
    return { namespace: "AWS/SQS", metric: has("age", "oldest") ? "ApproximateAgeOfOldestMessage" : "ApproximateNumberOfMessagesVisible" };
  }
  if (has("nat")) return { namespace: "AWS/NATGateway", metric: "ErrorPortAllocation" };
  if (alb && has("5xx", "error")) {
    const rate = has("rate", "percent", "ratio", "%");
    return { namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", ...(rate ? { denominator: "RequestCount" } : {}) };
  }
  if (alb && has("latency", "response", "duration", "p9", "p50"))
    return { namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", percentile: m.match(/p(50|90|95|99)/)?.[0] ?? "p95" };
  if (alb && has("unhealthy", "healthy")) return { namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount" };
  if (alb && has("request", "rps", "traffic")) return { namespace: "AWS/ApplicationELB", metric: "RequestCount" };
  if (has("5xx", "4xx", "error") && siteBucket(ctx)) return { namespace: "AWS/CloudFront", metric: has("4xx") ? "4xxErrorRate" : "5xxErrorRate" };
  if (plan.compute.platform === "ecs-fargate" && has("cpu", "memory"))
    return { namespace: "AWS/ECS", metric: has("memory") ? "MemoryUtilization" : "CPUUtilization" };
  if (plan.compute.platform === "eks" && has("cpu", "memory", "restart")) {
    return {
      namespace: "ContainerInsights",
      metric: has("restart") ? "pod_number_of_container_restarts" : has("memory") ? "pod_memory_utilization" : "pod_cpu_utilization",
    };
  }
  return null;
}

/** Dimensions for a metric of this design, or null when it watches something the builder does not create. */
function dimensionsFor(ctx: BuildContext, named: Named, text: string): Dimensions[] | null {
  const { plan } = ctx;
  const lb = { LoadBalancer: ref("aws_lb.main.arn_suffix") };
  const db = plan.databases[0];
  const cache = plan.caches[0];
  const queue = plan.queues[0];
  switch (named.namespace) {
    case "AWS/ApplicationELB":
      if (!ctx.hasAlb) return null;
      return [/HealthyHostCount$/.test(named.metric) ? { ...lb, TargetGroup: ref("aws_lb_target_group.service.arn_suffix") } : lb];
    case "AWS/ECS":
      // Service metrics: a scheduled plan has no service (its runs are watched per task family below).
      return plan.compute.platform === "ecs-fargate" && !plan.compute.schedule
        ? [{ ClusterName: ref("aws_ecs_cluster.main.name"), ServiceName: ref("aws_ecs_service.app.name") }]
        : null;
    case "ECS/ContainerInsights":
      return plan.compute.platform === "ecs-fargate"
        ? [{ ClusterName: ref("aws_ecs_cluster.main.name"), TaskDefinitionFamily: ref("aws_ecs_task_definition.app.family") }]
        : null;
    case "AWS/Events":
      return plan.compute.platform === "ecs-fargate" && plan.compute.schedule ? [{ RuleName: ref(`${SCHEDULE_RULE}.name`) }] : null;
    case "ContainerInsights":
      if (plan.compute.platform !== "eks") return null;
      return [
        named.metric.startsWith("pod_")
          ? { ClusterName: clusterName(ctx), Namespace: ctx.namespace, PodName: plan.goal_name }
          : { ClusterName: clusterName(ctx) },
      ];
    case "AWS/NATGateway":
      return natCount(ctx) > 0 ? Array.from({ length: natCount(ctx) }, (_, i) => ({ NatGatewayId: ref(`aws_nat_gateway.nat_${i + 1}.id`) })) : null;
    case "AWS/RDS": {
      if (!db) return null;
      const name = tfName(db.id);
      if (engineFacts(db).aurora) {
        // The writer's metrics follow the writer through a failover; readers are watched together.
        const cluster = ref(`aws_rds_cluster.${name}.cluster_identifier`);
        if (named.metric !== "AuroraReplicaLag") return [{ DBClusterIdentifier: cluster, Role: "WRITER" }];
        return auroraInstanceCount(db) > 1 ? [{ DBClusterIdentifier: cluster, Role: "READER" }] : null;
      }
      if (named.metric !== "ReplicaLag") return [{ DBInstanceIdentifier: ref(`aws_db_instance.${name}.identifier`) }];
      return db.read_replicas > 0
        ? Array.from({ length: db.read_replicas }, (_, i) => ({ DBInstanceIdentifier: ref(`aws_db_instance.${name}_replica_${i + 1}.identifier`) }))
        : null;
    }
    case "AWS/ElastiCache":
      // Members of a replication group without cluster mode are <group>-001, -002…; 001 starts as primary.
      return cache ? [{ CacheClusterId: interpolate(ref(`aws_elasticache_replication_group.${tfName(cache.id)}.id`), "-001") }] : null;
    case "AWS/SQS":
      return queue ? [{ QueueName: queueName(ctx, queue.id, queue.fifo, /dlq|dead/i.test(text)) }] : null;
    case "AWS/CloudFront":
      return siteBucket(ctx) ? [{ DistributionId: ref("aws_cloudfront_distribution.site.id"), Region: "Global" }] : null;
    default:
      return null;
  }
}

/** Aurora names two RDS metrics differently: its storage grows by itself (local storage is what runs out), and replica lag is its own metric. */
function auroraMetric(metric: string): string {
  if (metric === "FreeStorageSpace") return "FreeLocalStorage";
  if (metric === "ReplicaLag") return "AuroraReplicaLag";
  return metric;
}

function statisticFor(metric: string): string {
  if (/(Count|Errors|ErrorPortAllocation|FailedInvocations|Evictions|restarts)$/.test(metric) && metric !== "UnHealthyHostCount") return "Sum";
  if (/^(FreeStorageSpace|FreeLocalStorage|FreeableMemory|CPUCreditBalance)$/.test(metric)) return "Minimum";
  if (
    /^(ApproximateAgeOfOldestMessage|ApproximateNumberOfMessagesVisible|DatabaseConnections|ReplicaLag|AuroraReplicaLag|UnHealthyHostCount|DatabaseMemoryUsagePercentage)$/.test(
      metric,
    )
  )
    return "Maximum";
  return "Average";
}

/** CloudWatch reports latency in seconds and free space in bytes; plans speak milliseconds and GB. */
function scaleFor(named: Named, text: string): number {
  const unit = text.match(/\((ms|s|GB|GiB|MB|%)\)\s*$/)?.[1] ?? (/_ms\b|\bms\b|milli/i.test(text) ? "ms" : /_gb\b/i.test(text) ? "GB" : undefined);
  if (named.metric === "TargetResponseTime" && unit === "ms") return 0.001;
  // RDS ReplicaLag is in seconds, Aurora's AuroraReplicaLag in milliseconds.
  if (named.metric === "AuroraReplicaLag" && unit !== "ms") return 1000;
  if (/^(FreeStorageSpace|FreeLocalStorage|FreeableMemory)$/.test(named.metric) && (unit === "GB" || unit === "GiB")) return 1024 ** 3;
  if (/^(FreeStorageSpace|FreeLocalStorage|FreeableMemory)$/.test(named.metric) && unit === "MB") return 1024 ** 2;
  return 1;
}

/**
 * Resolves a plan alert's metric, written the architect's way (`AWS/RDS FreeStorageSpace (GB)`)
 * or as free text (`p95_latency_ms`), to a CloudWatch metric with this design's dimensions.
 * Unrecognised names become custom metrics under `Atlas/<goal>` that the service must publish.
 * Returns null when the metric belongs to something the builder does not create (an ALB made
 * by the Kubernetes controller, an EventBridge rule of a plan without a schedule): such an alarm could never fire.
 */
export function metricFor(ctx: BuildContext, text: string): MetricTarget | null {
  const structured = text.match(STRUCTURED);
  const found: Named | null = structured
    ? {
        namespace: structured[1] ?? "",
        metric: structured[2] ?? "",
        ...(structured[3] ? { denominator: structured[3] } : {}),
        ...(structured[4] ? { percentile: structured[4] } : {}),
      }
    : guess(ctx, text);
  if (!found) {
    return {
      namespace: `Atlas/${ctx.plan.goal_name}`,
      metric: text,
      statistic: "Average",
      dimensions: [{ Environment: ctx.plan.environment }],
      scale: 1,
      globalService: false,
    };
  }
  const first = ctx.plan.databases[0];
  const aurora = found.namespace === "AWS/RDS" && first !== undefined && engineFacts(first).aurora;
  const named = aurora ? { ...found, metric: auroraMetric(found.metric) } : found;
  const dimensions = dimensionsFor(ctx, named, text);
  if (!dimensions) return null;
  return {
    namespace: named.namespace,
    metric: named.metric,
    statistic: named.percentile ?? statisticFor(named.metric),
    dimensions,
    scale: scaleFor(named, text),
    ...(named.denominator ? { denominator: named.denominator } : {}),
    globalService: named.namespace === "AWS/CloudFront",
  };
}
