import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { optionalNumber, optionalString, Unpriceable } from "./attributes.js";

/** `aws_lb` / `aws_alb`: application (default) or network load balancer. */
export function mapLoadBalancer(resource: TerraformResource): ComponentSpec[] {
  const type = optionalString(resource.attributes, "load_balancer_type") ?? "application";
  if (type === "application") return [{ kind: "alb" }];
  if (type === "network") return [{ kind: "nlb" }];
  throw new Unpriceable(`load balancer type "${type}" is not in the price sheet`);
}

/** `aws_vpc_endpoint`: gateway endpoints (S3, DynamoDB) are free; interface endpoints are not priced. */
export function mapVpcEndpoint(resource: TerraformResource): ComponentSpec[] | "free" {
  const type = optionalString(resource.attributes, "vpc_endpoint_type") ?? "Gateway";
  if (type === "Gateway") return "free";
  throw new Unpriceable(`${type} VPC endpoints are not in the price sheet`);
}

/** `aws_cloudwatch_metric_alarm`: one alarm; a period under 60 s makes it high resolution. */
export function mapMetricAlarm(resource: TerraformResource): ComponentSpec[] {
  const period = optionalNumber(resource.attributes, "period");
  return [{ kind: "cloudwatch-alarm", highResolution: period !== undefined && period < 60 }];
}
