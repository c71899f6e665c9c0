import type { BuildContext } from "../context.js";
import { type HclBlock, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import type { TfSection } from "./shared.js";
import { endpointSubnetIds, privateRouteTableIds, vpcId } from "./topology.js";

/** Services reached through a gateway endpoint (a route, no charge); every other service gets an interface endpoint. */
const GATEWAY_SERVICES: ReadonlySet<string> = new Set(["s3", "dynamodb"]);

/** The plan's interface endpoint services (`ecr.api`, `logs`…), each once, in the plan's order. */
export function interfaceEndpoints(ctx: BuildContext): string[] {
  if (!ctx.hasNetwork) return [];
  return [...new Set(ctx.plan.network.vpc_endpoints.filter((service) => !GATEWAY_SERVICES.has(service)))];
}

/** The plan's gateway endpoint services (`s3`, `dynamodb`), each once. */
export function gatewayEndpoints(ctx: BuildContext): string[] {
  if (!ctx.hasNetwork) return [];
  return [...new Set(ctx.plan.network.vpc_endpoints.filter((service) => GATEWAY_SERVICES.has(service)))];
}

/**
 * endpoints.tf: VPC endpoints so AWS APIs are reached without a NAT gateway. Gateway
 * endpoints (S3) add a route to the private route tables. Interface endpoints sit in one
 * private subnet per zone, with private DNS on (the service's usual host name resolves to
 * them) and a security group that admits HTTPS from the VPC only.
 */
export function renderEndpoints(ctx: BuildContext): TfSection[] {
  const owner = ctx.component(["vpc-endpoint", "vpc"]);
  const region = ctx.plan.region;
  const blocks: HclBlock[] = [
    ...gatewayEndpoints(ctx).map((service) =>
      ctx.resource("aws_vpc_endpoint", tfName(service), owner, {
        vpc_id: vpcId(ctx),
        service_name: `com.amazonaws.${region}.${service}`,
        vpc_endpoint_type: "Gateway",
        route_table_ids: privateRouteTableIds(ctx),
      }),
    ),
    ...interfaceEndpoints(ctx).map((service) =>
      ctx.resource("aws_vpc_endpoint", tfName(service), owner, {
        vpc_id: vpcId(ctx),
        service_name: `com.amazonaws.${region}.${service}`,
        vpc_endpoint_type: "Interface",
        subnet_ids: endpointSubnetIds(ctx),
        security_group_ids: [ref("aws_security_group.endpoints.id")],
        private_dns_enabled: true,
      }),
    ),
  ];
  return blocks.length > 0 ? [{ file: "endpoints.tf", blocks }] : [];
}
