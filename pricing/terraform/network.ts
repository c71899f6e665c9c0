import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { blocks, optionalNumber, optionalString, Unpriceable } from "./attributes.js";

/** `aws_lb` / `aws_alb`: application (default), network or gateway load balancer. */
export function mapLoadBalancer(resource: TerraformResource): ComponentSpec[] {
  const type = optionalString(resource.attributes, "load_balancer_type") ?? "application";
  if (type === "application") return [{ kind: "alb" }];
  if (type === "network") return [{ kind: "nlb" }];
  if (type === "gateway") return [{ kind: "gwlb" }];
  throw new Unpriceable(`load balancer type "${type}" is not in the price sheet`);
}

/**
 * `aws_vpc_endpoint`: gateway endpoints (S3, DynamoDB) are free; an interface endpoint bills
 * per zone it has a network interface in, one per subnet in `subnet_ids` (AWS allows one subnet
 * per zone), and per GB processed (usage). A Gateway Load Balancer endpoint lives in exactly
 * one subnet and bills per endpoint-hour and per GB. Other types (Resource, Service network)
 * are not in the price sheet.
 */
export function mapVpcEndpoint(resource: TerraformResource): ComponentSpec[] | "free" {
  const a = resource.attributes;
  const type = optionalString(a, "vpc_endpoint_type") ?? "Gateway";
  if (type === "Gateway") return "free";
  if (type === "GatewayLoadBalancer") return [{ kind: "vpc-endpoint", type: "gateway-load-balancer" }];
  if (type !== "Interface") throw new Unpriceable(`${type} VPC endpoints are not in the price sheet`);
  const subnets = a.subnet_ids;
  if (subnets === undefined || subnets === null) throw new Unpriceable("subnet_ids is not set: how many zones the endpoint is in is unknown");
  if (!Array.isArray(subnets)) throw new Unpriceable(`subnet_ids is ${JSON.stringify(subnets)}; how many zones it spans is only known at plan time`);
  return [{ kind: "vpc-endpoint", type: "interface", azs: subnets.length }];
}

/**
 * `aws_wafv2_web_acl`: the ACL and each of its `rule` blocks (a managed rule group counts as
 * one) per month; requests inspected are usage-based.
 */
export function mapWebAcl(resource: TerraformResource): ComponentSpec[] {
  return [{ kind: "waf", rules: blocks(resource.attributes, "rule").length }];
}

/** Alarm metrics AWS bills for an anomaly detection alarm: the metric and its two band bounds. */
const ANOMALY_DETECTION_METRICS = 3;

/**
 * `aws_cloudwatch_metric_alarm`: one alarm metric, or with `metric_query` blocks one per metric
 * the expression reads (AWS bills metric-math alarms per metric), or 3 for an anomaly
 * detection band. A period under 60 s, on the alarm or a queried metric, makes it high resolution.
 */
export function mapMetricAlarm(resource: TerraformResource): ComponentSpec[] {
  const a = resource.attributes;
  const queries = blocks(a, "metric_query");
  const queried = queries.flatMap((q) => blocks(q, "metric"));
  const periods = [optionalNumber(a, "period"), ...queried.map((m) => optionalNumber(m, "period"))];
  const highResolution = periods.some((p) => p !== undefined && p < 60);
  if (queries.length === 0) return [{ kind: "cloudwatch-alarm", highResolution }];
  const anomaly = queries.some((q) => /ANOMALY_DETECTION_BAND/i.test(String(q.expression ?? "")));
  if (anomaly) return [{ kind: "cloudwatch-alarm", highResolution, metrics: ANOMALY_DETECTION_METRICS, note: "anomaly detection: 3 metrics" }];
  const metrics = Math.max(queried.length, 1);
  return [{ kind: "cloudwatch-alarm", highResolution, metrics, note: metrics === 1 ? undefined : `metric math over ${metrics} metrics` }];
}
