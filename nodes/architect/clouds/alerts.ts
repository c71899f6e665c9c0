import type { PlanSpec } from "../../../schemas/plan.js";
import { burnRateThreshold } from "../observability.js";
import type { CloudDesign } from "./design.js";
import type { CloudProfile } from "./profile.js";

type Alert = PlanSpec["observability"]["alerts"][number];

/** The alerts of a design, with the metric names of its cloud; counted for their price and written into the plan. */
export function alertsFor(d: CloudDesign, p: CloudProfile<unknown>): Alert[] {
  const prod = d.goal.environment === "prod";
  const page = prod ? "critical" : "medium";
  const urgent = prod ? "high" : "low";
  const warn = prod ? "medium" : "low";
  const burn = burnRateThreshold(d.goal.slo.availability);
  const p95 = d.goal.slo.p95_latency_ms ?? 1000;
  const azure = p.cloud === "azure";
  const alerts: Alert[] = [];
  // a static site runs nothing of its own: no compute to watch
  if (d.runtime !== "none")
    alerts.push(
      {
        name: "compute-cpu-high",
        metric: azure
          ? d.runtime === "kubernetes"
            ? "Microsoft.ContainerService/managedClusters node_cpu_usage_percentage"
            : "Microsoft.App/containerApps CpuPercentage"
          : d.runtime === "kubernetes"
            ? "kubernetes.io/node/cpu/allocatable_utilization (%)"
            : "run.googleapis.com/container/cpu/utilizations p95 (%)",
        comparison: ">",
        threshold: 85,
        severity: warn,
      },
      {
        name: "compute-memory-high",
        metric: azure
          ? d.runtime === "kubernetes"
            ? "Microsoft.ContainerService/managedClusters node_memory_working_set_percentage"
            : "Microsoft.App/containerApps MemoryPercentage"
          : d.runtime === "kubernetes"
            ? "kubernetes.io/node/memory/allocatable_utilization (%)"
            : "run.googleapis.com/container/memory/utilizations p95 (%)",
        comparison: ">",
        threshold: 90,
        severity: warn,
      },
    );
  if (d.ingress !== "none") {
    alerts.push({
      name: "edge-5xx-rate",
      metric: azure
        ? d.ingress === "internal"
          ? "Microsoft.App/containerApps Requests 5xx share (%)"
          : "Microsoft.Cdn/profiles Percentage5XX (%)"
        : d.ingress === "internal"
          ? "run.googleapis.com/request_count 5xx share (%)"
          : "loadbalancing.googleapis.com/https/request_count 5xx share (%)",
      comparison: ">",
      threshold: burn,
      severity: page,
    });
    // an internal service has no edge: its latency is the service's own (Container Apps publishes no latency metric)
    const internal = d.ingress === "internal";
    const latency = azure
      ? internal
        ? null
        : "Microsoft.Cdn/profiles TotalLatency p95 (ms)"
      : internal
        ? "run.googleapis.com/request_latencies p95 (ms)"
        : "loadbalancing.googleapis.com/https/total_latencies p95 (ms)";
    if (latency) alerts.push({ name: "edge-p95-latency", metric: latency, comparison: ">", threshold: p95, severity: urgent });
  }
  if (d.database) {
    alerts.push({
      name: "db-cpu-high",
      metric: azure ? "Microsoft.DBforPostgreSQL/flexibleServers cpu_percent" : "cloudsql.googleapis.com/database/cpu/utilization (%)",
      comparison: ">",
      threshold: 80,
      severity: warn,
    });
    alerts.push({
      name: "db-storage-high",
      metric: azure ? "Microsoft.DBforPostgreSQL/flexibleServers storage_percent" : "cloudsql.googleapis.com/database/disk/utilization (%)",
      comparison: ">",
      threshold: 85,
      severity: urgent,
    });
  }
  if (d.cache)
    alerts.push({
      name: "cache-memory-high",
      metric: azure ? "Microsoft.Cache/redis usedmemorypercentage" : "redis.googleapis.com/stats/memory/usage_ratio (%)",
      comparison: ">",
      threshold: 85,
      severity: warn,
    });
  if (d.goal.workload.type === "worker") {
    alerts.push({
      name: "queue-backlog-age",
      metric: azure ? "Microsoft.ServiceBus/namespaces ActiveMessages" : "pubsub.googleapis.com/subscription/oldest_unacked_message_age (s)",
      comparison: ">",
      threshold: azure ? 10_000 : prod ? 300 : 900,
      severity: urgent,
    });
    alerts.push({
      name: "dead-letters",
      metric: azure ? "Microsoft.ServiceBus/namespaces DeadletteredMessages" : "pubsub.googleapis.com/subscription/dead_letter_message_count",
      comparison: ">",
      threshold: 0,
      severity: urgent,
    });
  }
  if (d.goal.workload.type === "data-pipeline")
    alerts.push({
      name: "jobs-failed-runs",
      metric: azure ? "Microsoft.App/jobs JobExecutionCount (failed)" : "run.googleapis.com/job/completed_execution_count (failed)",
      comparison: ">",
      threshold: 0,
      severity: urgent,
    });
  return alerts;
}
