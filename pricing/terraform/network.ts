import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { blocks, optionalNumber, optionalString, Unpriceable } from "./attributes.js";

/** `aws_lb` / `aws_alb`: application (default) or network load balancer. */
export function mapLoadBalancer(resource: TerraformResource): ComponentSpec[] {
  const type = optionalString(resource.attributes, "load_balancer_type") ?? "application";
  if (type === "application") return [{ kind: "alb" }];
  if (type === "network") return [{ kind: "nlb" }];
  throw new Unpriceable(`load balancer type "${type}" is not in the price sheet`);
}

/**
 * `aws_vpc_endpoint`: gateway endpoints (S3, DynamoDB) are free; an interface endpoint bills
 * per zone it has a network interface in, one per subnet in `subnet_ids` (AWS allows one subnet
 * per zone), and per GB processed (usage). Other types (Gateway Load Balancer, Resource,
 * Service network) are not in the price sheet.
 */
export function mapVpcEndpoint(resource: TerraformResource): ComponentSpec[] | "free" {
  const a = resource.attributes;
  const type = optionalString(a, "vpc_endpoint_type") ?? "Gateway";
  if (type === "Gateway") return "free";
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

/** `aws_cloudwatch_metric_alarm`: one alarm; a period under 60 s makes it high resolution. */
export function mapMetricAlarm(resource: TerraformResource): ComponentSpec[] {
  const period = optionalNumber(resource.attributes, "period");
  return [{ kind: "cloudwatch-alarm", highResolution: period !== undefined && period < 60 }];
}
