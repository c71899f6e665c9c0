import { block, type HclBlock, type HclExpr, type HclNested, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { appRole } from "./compute.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { cacheAddress, serverAddress } from "./data.js";
import { FRONT_DOOR, hasFrontDoor } from "./edge.js";
import type { AzureSection } from "./shared.js";

type Alert = AzureContext["plan"]["observability"]["alerts"][number];

/** Log Analytics retention bounds on the pay-as-you-go tier, in days (learn.microsoft.com "Data retention in Log Analytics"). */
export const RETENTION_BOUNDS = { min: 30, max: 730 } as const;

/** The plan's log retention within what the workspace accepts. */
export function workspaceRetention(days: number): number {
  return Math.min(RETENTION_BOUNDS.max, Math.max(RETENTION_BOUNDS.min, days));
}

/** Azure Monitor severities: 0 critical … 4 verbose. */
const SEVERITY = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;

const OPERATOR = { ">": "GreaterThan", ">=": "GreaterThanOrEqual", "<": "LessThan", "<=": "LessThanOrEqual" } as const;

/** One Azure Monitor metric an alert watches: on which resource, in which namespace, aggregated how. */
export interface MetricTarget {
  scope: HclExpr;
  namespace: string;
  metric: string;
  aggregation: "Average" | "Maximum" | "Total";
  dimension?: { name: string; values: HclExpr[] };
  /** how the Azure metric differs from the plan's, said in the alert's description */
  caveat?: string;
}

/**
 * The Azure Monitor metric for a plan alert, read from its metric name, or the reason there is none.
 * Metric names: learn.microsoft.com/azure/azure-monitor/reference/supported-metrics (Microsoft.Cdn/profiles,
 * Microsoft.App/containerApps, Microsoft.ContainerService/managedClusters, Microsoft.DBforPostgreSQL/flexibleServers,
 * Microsoft.DBforMySQL/flexibleServers, Microsoft.Cache/redis, Microsoft.ServiceBus/namespaces).
 */
export function metricTarget(ctx: AzureContext, alert: Alert): MetricTarget | string {
  const named = /^(Microsoft\.[A-Za-z]+\/[A-Za-z]+) ([A-Za-z0-9_]+)(?: (.*))?$/.exec(alert.metric);
  if (named) return namedMetricTarget(ctx, named[1] as string, named[2] as string, named[3] ?? "");
  const name = alert.metric.toLowerCase();
  const { plan } = ctx;
  const db = plan.databases[0];
  const cache = plan.caches[0];
  const queue = plan.queues[0];
  const service = ctx.components("azure-container-app").find((app) => appRole(ctx, app.id) !== "job");
  if (name.includes("5xx")) {
    if (!hasFrontDoor(ctx)) return "5xx rates are measured at Front Door, which this design does not have";
    return { scope: ref(`${FRONT_DOOR}.id`), namespace: "Microsoft.Cdn/profiles", metric: "Percentage5XX", aggregation: "Average" };
  }
  if (name.includes("latency")) {
    if (!hasFrontDoor(ctx)) return "request latency is measured at Front Door, which this design does not have";
    return {
      scope: ref(`${FRONT_DOOR}.id`),
      namespace: "Microsoft.Cdn/profiles",
      metric: "TotalLatency",
      aggregation: "Maximum",
      caveat: "Azure Monitor has no percentile aggregation: the maximum is watched, so it fires whenever the percentile would, and sometimes more.",
    };
  }
  if (name.startsWith("db_") || name.startsWith("database_")) {
    if (!db) return "the design has no database";
    const namespace = db.engine === "mysql" ? "Microsoft.DBforMySQL/flexibleServers" : "Microsoft.DBforPostgreSQL/flexibleServers";
    const scope = ref(`${serverAddress(db)}.id`);
    if (name.includes("cpu")) return { scope, namespace, metric: "cpu_percent", aggregation: "Average" };
    if (name.includes("memory")) return { scope, namespace, metric: "memory_percent", aggregation: "Average" };
    if (name.includes("storage")) return { scope, namespace, metric: "storage_percent", aggregation: "Maximum" };
    if (name.includes("connection")) return { scope, namespace, metric: "active_connections", aggregation: "Maximum" };
    return `no flexible-server metric matches "${alert.metric}"`;
  }
  if (name.startsWith("redis_") || name.startsWith("cache_")) {
    if (!cache) return "the design has no cache";
    const scope = ref(`${cacheAddress(cache)}.id`);
    if (name.includes("memory")) return { scope, namespace: "Microsoft.Cache/redis", metric: "usedmemorypercentage", aggregation: "Maximum" };
    if (name.includes("cpu") || name.includes("load")) return { scope, namespace: "Microsoft.Cache/redis", metric: "serverLoad", aggregation: "Maximum" };
    return `no Redis metric matches "${alert.metric}"`;
  }
  if (name.includes("dead") || name.includes("dlq") || name.includes("queue") || name.includes("backlog")) {
    if (!queue) return "the design has no queue";
    const dead = name.includes("dead") || name.includes("dlq");
    return {
      scope: ref("azurerm_servicebus_namespace.main.id"),
      namespace: "Microsoft.ServiceBus/namespaces",
      metric: dead ? "DeadletteredMessages" : "ActiveMessages",
      aggregation: "Maximum",
      dimension: { name: "EntityName", values: [ref(`azurerm_servicebus_queue.${tfName(queue.id)}.name`)] },
    };
  }
  if (name.includes("cpu") || name.includes("memory")) {
    const memory = name.includes("memory");
    if (ctx.platform === "aks") {
      return {
        scope: ref("azurerm_kubernetes_cluster.main.id"),
        namespace: "Microsoft.ContainerService/managedClusters",
        metric: memory ? "node_memory_working_set_percentage" : "node_cpu_usage_percentage",
        aggregation: "Average",
      };
    }
    if (!service) return "the design has no long-running container app to watch";
    return {
      scope: ref(`azurerm_container_app.${tfName(service.id)}.id`),
      namespace: "Microsoft.App/containerApps",
      metric: memory ? "MemoryPercentage" : "CpuPercentage",
      aggregation: "Average",
    };
  }
  if (name.includes("restart")) {
    if (!service) return "the design has no long-running container app to watch";
    return {
      scope: ref(`azurerm_container_app.${tfName(service.id)}.id`),
      namespace: "Microsoft.App/containerApps",
      metric: "RestartCount",
      aggregation: "Total",
    };
  }
  return `no Azure Monitor metric is known for "${alert.metric}"`;
}

/** Metrics counted rather than measured: watched at their maximum (queue lengths) or total (restarts). */
const COUNT_AGGREGATION: Readonly<Record<string, MetricTarget["aggregation"]>> = {
  ActiveMessages: "Maximum",
  DeadletteredMessages: "Maximum",
  RestartCount: "Total",
  Requests: "Total",
  active_connections: "Maximum",
};

/**
 * The target of an alert the architect names as `<namespace> <metric>[ <qualifier>]`, e.g.
 * `Microsoft.Cdn/profiles TotalLatency p95 (ms)`: the namespace says which resource of the design
 * it watches, the qualifier how (a percentile becomes the maximum; a share of requests cannot be
 * computed by a metric alert).
 */
function namedMetricTarget(ctx: AzureContext, namespace: string, metric: string, qualifier: string): MetricTarget | string {
  const { plan } = ctx;
  if (/share|ratio/i.test(qualifier)) return `"${metric} ${qualifier}" is a share of two series, which a single metric alert cannot compute`;
  const percentile = /\bp\d{2}\b/i.test(qualifier);
  const aggregation = percentile ? "Maximum" : (COUNT_AGGREGATION[metric] ?? "Average");
  const caveat = percentile
    ? "Azure Monitor has no percentile aggregation: the maximum is watched, so it fires whenever the percentile would, and sometimes more."
    : undefined;
  const target = (scope: string, dimension?: MetricTarget["dimension"]): MetricTarget => ({
    scope: ref(scope),
    namespace,
    metric,
    aggregation,
    ...(dimension ? { dimension } : {}),
    ...(caveat ? { caveat } : {}),
  });
  const service = ctx.components("azure-container-app").find((app) => appRole(ctx, app.id) !== "job");
  const db = (engine: "postgres" | "mysql") => plan.databases.find((d) => d.engine === engine);
  switch (namespace) {
    case "Microsoft.Cdn/profiles":
      return hasFrontDoor(ctx) ? target(`${FRONT_DOOR}.id`) : "the design has no Front Door";
    case "Microsoft.App/containerApps":
      return service ? target(`azurerm_container_app.${tfName(service.id)}.id`) : "the design has no long-running container app to watch";
    case "Microsoft.ContainerService/managedClusters":
      return ctx.platform === "aks" ? target("azurerm_kubernetes_cluster.main.id") : "the design has no AKS cluster";
    case "Microsoft.DBforPostgreSQL/flexibleServers": {
      const server = db("postgres");
      return server ? target(`${serverAddress(server)}.id`) : "the design has no PostgreSQL server";
    }
    case "Microsoft.DBforMySQL/flexibleServers": {
      const server = db("mysql");
      return server ? target(`${serverAddress(server)}.id`) : "the design has no MySQL server";
    }
    case "Microsoft.Cache/redis": {
      const cache = plan.caches[0];
      return cache ? target(`${cacheAddress(cache)}.id`) : "the design has no cache";
    }
    case "Microsoft.ServiceBus/namespaces": {
      const queue = plan.queues[0];
      if (!queue) return "the design has no queue";
      return target("azurerm_servicebus_namespace.main.id", { name: "EntityName", values: [ref(`azurerm_servicebus_queue.${tfName(queue.id)}.name`)] });
    }
    default:
      return `the builder does not watch ${namespace} resources`;
  }
}

function metricAlert(ctx: AzureContext, alert: Alert, target: MetricTarget, owner: string): HclBlock {
  const dimension: HclNested | undefined = target.dimension
    ? block({ name: target.dimension.name, operator: "Include", values: target.dimension.values })
    : undefined;
  const description = [`${alert.metric} ${alert.comparison} ${alert.threshold} (plan alert ${alert.name})`, target.caveat].filter(Boolean).join(". ");
  return ctx.resource("azurerm_monitor_metric_alert", tfName(alert.name), owner, {
    name: `${ctx.prefix}-${awsName(200, alert.name)}`,
    resource_group_name: PLACEMENT.resource_group_name,
    scopes: [target.scope],
    description,
    severity: SEVERITY[alert.severity],
    frequency: "PT1M",
    window_size: "PT5M",
    criteria: block({
      metric_namespace: target.namespace,
      metric_name: target.metric,
      aggregation: target.aggregation,
      operator: OPERATOR[alert.comparison],
      threshold: alert.threshold,
      dimension,
    }),
    action: block({ action_group_id: ref("azurerm_monitor_action_group.main.id") }),
  });
}

/**
 * monitoring.tf: the Log Analytics workspace (retention from the plan, within 30-730 days) every
 * diagnostic setting, Container Apps and Container Insights write to; an action group e-mailing
 * `var.alert_email_addresses`; one metric alert per plan alert whose metric Azure Monitor has.
 * Alerts without one are listed at the top of the file, not silently dropped.
 */
export function renderMonitoring(ctx: AzureContext): AzureSection[] {
  const { observability } = ctx.plan;
  const logs = ctx.component(["azure-log-analytics"]);
  const retention = workspaceRetention(observability.log_retention_days);
  const notes: string[] = [];
  if (retention !== observability.log_retention_days) {
    notes.push(`log_retention_days ${observability.log_retention_days} is outside what Log Analytics accepts: ${retention} days are kept.`);
  }
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_log_analytics_workspace", "main", logs, {
      name: `log-${ctx.prefix}`,
      ...PLACEMENT,
      sku: "PerGB2018",
      retention_in_days: retention,
    }),
  ];
  if (observability.alerts.length > 0) {
    const owner = ctx.component(["azure-monitor-alerts"]);
    blocks.push(
      ctx.resource("azurerm_monitor_action_group", "main", owner, {
        name: `ag-${ctx.prefix}`,
        resource_group_name: PLACEMENT.resource_group_name,
        short_name: awsName(12, ctx.plan.goal_name),
        'dynamic "email_receiver"': block({
          for_each: ref("var.alert_email_addresses"),
          content: block({
            name: ref('"email-${email_receiver.key}"'),
            email_address: ref("email_receiver.value"),
            use_common_alert_schema: true,
          }),
        }),
      }),
    );
    for (const alert of observability.alerts) {
      const target = metricTarget(ctx, alert);
      if (typeof target === "string") notes.push(`alert ${alert.name} not rendered: ${target}.`);
      else blocks.push(metricAlert(ctx, alert, target, owner));
    }
  }
  return [{ file: "monitoring.tf", blocks, notes }];
}
