import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclBody, type HclValue, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { type MetricTarget, metricFor } from "./alarms.js";
import { clusterName } from "./eks.js";
import { GLOBAL_PROVIDER, kmsArn, logRetentionDays, type TfSection } from "./shared.js";

const COMPARISON = {
  ">": "GreaterThanThreshold",
  ">=": "GreaterThanOrEqualToThreshold",
  "<": "LessThanThreshold",
  "<=": "LessThanOrEqualToThreshold",
} as const;

/** True when some alarm watches a CloudFront metric from outside us-east-1 (providers.tf then adds the alias). */
export function alarmsNeedGlobalProvider(ctx: BuildContext): boolean {
  return ctx.plan.region !== "us-east-1" && ctx.plan.observability.alerts.some((a) => metricFor(ctx, a.metric)?.globalService === true);
}

/** Log groups the design writes to, by block name: the service's logs and, on EKS, the control plane's. */
function logGroups(ctx: BuildContext): [string, string][] {
  if (ctx.plan.compute.platform === "ecs-fargate") return [["app", `/atlas/${ctx.prefix}/app`]];
  if (ctx.plan.compute.platform !== "eks") return [];
  const cluster = clusterName(ctx);
  // Created here so EKS and Container Insights find them with retention and encryption set.
  return [
    ["eks_control_plane", `/aws/eks/${cluster}/cluster`],
    ["app", `/aws/containerinsights/${cluster}/application`],
    ["container_insights", `/aws/containerinsights/${cluster}/performance`],
  ];
}

type Alert = BuildContext["plan"]["observability"]["alerts"][number];

/** What an alarm watches: one metric, a sum over several dimension sets, or an error rate. */
function watched(target: MetricTarget): HclBody {
  const metric = (name: string, dimensions: HclValue, statistic: HclBody): HclBody => ({
    namespace: target.namespace,
    metric_name: name,
    period: 60,
    ...statistic,
    dimensions,
  });
  const [first = {}] = target.dimensions;
  if (target.denominator) {
    return {
      metric_query: [
        block({ id: "rate", expression: "IF(total > 0, 100 * part / total, 0)", label: `${target.metric} per 100 ${target.denominator}`, return_data: true }),
        block({ id: "part", metric: block(metric(target.metric, first, { stat: "Sum" })) }),
        block({ id: "total", metric: block(metric(target.denominator, first, { stat: "Sum" })) }),
      ],
    };
  }
  if (target.dimensions.length > 1) {
    return {
      metric_query: [
        block({ id: "combined", expression: "SUM(METRICS())", label: `${target.metric}, all ${target.dimensions.length}`, return_data: true }),
        ...target.dimensions.map((dimensions, i) => block({ id: `m${i + 1}`, metric: block(metric(target.metric, dimensions, { stat: target.statistic })) })),
      ],
    };
  }
  const percentile = /^p\d+(\.\d+)?$/.test(target.statistic);
  return metric(target.metric, first, percentile ? { extended_statistic: target.statistic } : { statistic: target.statistic });
}

/** One alarm for one planned alert. */
function alarm(ctx: BuildContext, alert: Alert, target: MetricTarget, name: string, owner: string): HclBlock {
  const urgent = alert.severity === "critical" || alert.severity === "high";
  // A scheduled run fails once, in one minute's datapoint: waiting for a second one would never alarm.
  const oncePerRun = target.namespace === "AWS/Events" && target.metric === "FailedInvocations";
  return ctx.resource("aws_cloudwatch_metric_alarm", name, owner, {
    provider: target.globalService && ctx.plan.region !== "us-east-1" ? ref(GLOBAL_PROVIDER) : undefined,
    alarm_name: awsName(255, ctx.prefix, alert.name),
    alarm_description: `${alert.severity}: ${alert.metric} ${alert.comparison} ${alert.threshold} (plan alert "${alert.name}")`,
    comparison_operator: COMPARISON[alert.comparison],
    threshold: Number((alert.threshold * target.scale).toPrecision(12)),
    evaluation_periods: oncePerRun ? 1 : urgent ? 3 : 5,
    datapoints_to_alarm: oncePerRun ? 1 : urgent ? 2 : 3,
    treat_missing_data: "notBreaching",
    ...watched(target),
    alarm_actions: ref("var.alarm_actions"),
    ok_actions: ref("var.alarm_actions"),
  });
}

/** Alerts of the plan that get no alarm, because what they watch is not built by Terraform here. */
export function alertsWithoutAlarm(ctx: BuildContext): Alert[] {
  return ctx.plan.observability.alerts.filter((alert) => metricFor(ctx, alert.metric) === null);
}

/** observability.tf: log groups with the plan's retention (encrypted with the plan's key) and one alarm per alert. */
export function renderObservability(ctx: BuildContext): TfSection[] {
  const { plan } = ctx;
  const retention = logRetentionDays(plan.observability.log_retention_days);
  const blocks: HclBlock[] = logGroups(ctx).map(([name, group]) =>
    ctx.resource("aws_cloudwatch_log_group", name, ctx.component([ctx.computeKind]), { name: group, retention_in_days: retention, kms_key_id: kmsArn(ctx) }),
  );
  const owner = ctx.component(["cloudwatch-alarms"]);
  const used = new Set<string>();
  for (const alert of plan.observability.alerts) {
    const target = metricFor(ctx, alert.metric);
    if (!target) continue;
    let name = tfName(alert.name);
    for (let n = 2; used.has(name); n++) name = `${tfName(alert.name)}_${n}`;
    used.add(name);
    blocks.push(alarm(ctx, alert, target, name, owner));
  }
  return blocks.length > 0 ? [{ file: "observability.tf", blocks }] : [];
}
