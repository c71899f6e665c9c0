import type { PlanSpec } from "../../schemas/plan.js";
import type { Design, Sized } from "./design.js";
import { maxConnections } from "./sizing-db.js";

type Observability = PlanSpec["observability"];
type Alert = Observability["alerts"][number];
type Severity = Alert["severity"];

/** Fast-burn multiplier for a 30-day SLO paged over one hour (`observability/slo-burn-rate-alerting.md`). */
const FAST_BURN = 14.4;
/** p95 alert threshold when the goal sets no latency objective. */
const DEFAULT_P95_MS = 1000;

/** Error-rate threshold (percent of requests) that burns the error budget 14.4× too fast. */
export function burnRateThreshold(availability: number): number {
  return Math.min(50, Number(((100 - availability) * FAST_BURN).toFixed(2)));
}

/** Log retention: 365 days under any compliance regime, 90 in prod, 30 elsewhere. */
export function logRetentionDays(d: Design): number {
  if (d.goal.compliance.length > 0) return 365;
  return d.goal.environment === "prod" ? 90 : 30;
}

function severities(d: Design): { page: Severity; urgent: Severity; warn: Severity } {
  return d.goal.environment === "prod" ? { page: "critical", urgent: "high", warn: "medium" } : { page: "medium", urgent: "low", warn: "low" };
}

/** Alerts for a design: 5xx rate and p95 against the SLO, saturation, storage, queue age and DLQ depth. */
export function alertsFor(d: Design, s: Sized): Alert[] {
  const sev = severities(d);
  const burn = burnRateThreshold(d.goal.slo.availability);
  const alerts: Alert[] = [];
  const add = (name: string, metric: string, comparison: Alert["comparison"], threshold: number, severity: Severity) =>
    alerts.push({ name, metric, comparison, threshold, severity });
  const ingress = d.pattern.def.ingress;
  if (ingress === "alb-public" || ingress === "alb-internal") {
    add("alb-5xx-rate", "AWS/ApplicationELB HTTPCode_Target_5XX_Count / RequestCount (%)", ">", burn, sev.page);
    add("alb-p95-latency", "AWS/ApplicationELB TargetResponseTime p95 (ms)", ">", d.goal.slo.p95_latency_ms ?? DEFAULT_P95_MS, sev.urgent);
    add("alb-unhealthy-targets", "AWS/ApplicationELB UnHealthyHostCount", ">", 0, sev.urgent);
  }
  if (ingress === "cloudfront") add("cdn-5xx-rate", "AWS/CloudFront 5xxErrorRate (%)", ">", burn, sev.page);
  if (d.pattern.platform === "ecs-fargate" && d.pattern.def.compute === "scheduled") {
    // Scheduled runs are standalone tasks: no service metrics, so Container Insights per task family.
    add("compute-cpu-high", "ECS/ContainerInsights CpuUtilized / CpuReserved (%)", ">", 85, sev.warn);
    add("compute-memory-high", "ECS/ContainerInsights MemoryUtilized / MemoryReserved (%)", ">", 90, sev.warn);
  } else if (d.pattern.platform === "ecs-fargate") {
    add("compute-cpu-high", "AWS/ECS CPUUtilization (%)", ">", 85, sev.warn);
    add("compute-memory-high", "AWS/ECS MemoryUtilization (%)", ">", 90, sev.warn);
  }
  if (d.pattern.platform === "eks") {
    add("compute-cpu-high", "ContainerInsights node_cpu_utilization (%)", ">", 85, sev.warn);
    add("compute-memory-high", "ContainerInsights node_memory_utilization (%)", ">", 90, sev.warn);
  }
  if (d.natCount > 0) add("nat-port-allocation-errors", "AWS/NATGateway ErrorPortAllocation", ">", 0, sev.warn);
  if (d.pattern.def.compute === "worker") {
    add("queue-oldest-message-age", "AWS/SQS ApproximateAgeOfOldestMessage (s)", ">", d.goal.environment === "prod" ? 300 : 900, sev.urgent);
    add("dlq-depth", "AWS/SQS ApproximateNumberOfMessagesVisible (dead-letter queue)", ">", 0, sev.urgent);
  }
  if (d.pattern.def.compute === "scheduled") add("jobs-failed-runs", "AWS/Events FailedInvocations", ">", 0, sev.urgent);
  if (s.database) {
    const db = s.database;
    add("db-cpu-high", "AWS/RDS CPUUtilization (%)", ">", 80, sev.warn);
    add("db-free-storage-low", "AWS/RDS FreeStorageSpace (GB)", "<", Number((db.storageGb * 0.2).toFixed(1)), sev.urgent);
    add("db-connections-high", "AWS/RDS DatabaseConnections", ">", Math.floor(maxConnections(db.rung.memoryGb) * 0.8), sev.warn);
    if (db.rung.burstable) add("db-cpu-credits-low", "AWS/RDS CPUCreditBalance", "<", 20, sev.warn);
    if (db.readReplicas > 0) add("db-replica-lag", "AWS/RDS ReplicaLag (s)", ">", 30, sev.warn);
  }
  if (s.cache) {
    add("cache-engine-cpu-high", "AWS/ElastiCache EngineCPUUtilization (%)", ">", 80, sev.warn);
    add("cache-memory-high", "AWS/ElastiCache DatabaseMemoryUsagePercentage (%)", ">", 85, sev.warn);
  }
  return alerts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The observability section: metrics behind the alerts plus traffic counters, SLOs, retention. */
export function observabilityFor(d: Design, s: Sized): Observability {
  const alerts = alertsFor(d, s);
  const extra: string[] = [];
  const ingress = d.pattern.def.ingress;
  if (ingress === "alb-public" || ingress === "alb-internal") extra.push("AWS/ApplicationELB RequestCount");
  if (ingress === "cloudfront") extra.push("AWS/CloudFront Requests", "AWS/CloudFront CacheHitRate (%)");
  if (d.pattern.def.compute === "worker") extra.push("AWS/SQS NumberOfMessagesReceived", "AWS/SQS ApproximateNumberOfMessagesVisible");
  if (d.pattern.def.compute === "scheduled") extra.push("ECS task run duration (min)");
  if (s.database) extra.push("AWS/RDS ReadLatency", "AWS/RDS WriteLatency");
  const metrics = [...new Set([...alerts.map((a) => a.metric), ...extra])].sort();
  const slos: Observability["slos"] = [{ name: "availability", objective_percent: d.goal.slo.availability, window_days: 30 }];
  const p95 = d.goal.slo.p95_latency_ms;
  if (p95 !== undefined) slos.push({ name: `latency-under-${p95}ms`, objective_percent: 95, window_days: 30 });
  return { metrics, alerts, slos, log_retention_days: logRetentionDays(d) };
}
