import type { BuildContext } from "../context.js";
import { block, type HclBlock, ref, tpl } from "../hcl.js";
import { gatewayEndpoints, interfaceEndpoints } from "./endpoints.js";
import { existingVpc, existingVpcData } from "./existing-vpc.js";
import { assumeRolePolicy, kmsArn, logRetentionDays, policyDocument, type TfSection } from "./shared.js";
import { availabilityZonesData, databaseSpareSubnets, natCount, privateTableCount, type Subnet, subnets, taskTier, vpcId } from "./topology.js";

export { natCount, type Subnet, subnetIds, subnets, vpcId } from "./topology.js";

/** network.tf: the VPC with flow logs, subnets, internet and NAT gateways, route tables; or data sources for an existing VPC. */
export function renderNetwork(ctx: BuildContext): TfSection[] {
  if (!ctx.hasNetwork) return [];
  const vpc = ctx.component(["vpc"]);
  if (existingVpc(ctx)) {
    const needs = { routeTables: gatewayEndpoints(ctx).length > 0, subnetZones: interfaceEndpoints(ctx).length > 0 };
    return [{ file: "network.tf", blocks: [...existingVpcData(ctx, needs), ...flowLogs(ctx, vpc)] }];
  }
  const nat = ctx.component(["nat-gateway", "vpc"]);
  const eks = ctx.plan.compute.platform === "eks";
  // EKS managed nodes in public subnets need an address at launch; ECS tasks ask for theirs (assign_public_ip).
  const publicNodes = eks && taskTier(ctx) === "public";
  const r = ctx.resource;
  const publics = subnets(ctx, "public");
  const privates = subnets(ctx, "private");
  const spares = databaseSpareSubnets(ctx);
  const blocks: HclBlock[] = [
    r("aws_vpc", "main", vpc, { cidr_block: ctx.plan.network.vpc_cidr, enable_dns_support: true, enable_dns_hostnames: true }, { name: ctx.prefix }),
    // Adopting the default security group with no rules closes it: nothing can use it by accident.
    r("aws_default_security_group", "default", vpc, { vpc_id: ref("aws_vpc.main.id") }),
    ...flowLogs(ctx, vpc),
  ];
  if (spares.some((s) => typeof s.az !== "string")) blocks.push(availabilityZonesData());
  for (const s of publics) {
    blocks.push(
      r(
        "aws_subnet",
        s.name,
        vpc,
        { vpc_id: ref("aws_vpc.main.id"), cidr_block: s.cidr, availability_zone: s.az, map_public_ip_on_launch: publicNodes },
        eks ? { tags: { "kubernetes.io/role/elb": "1" } } : {},
      ),
    );
  }
  for (const s of [...privates, ...spares]) {
    blocks.push(
      r(
        "aws_subnet",
        s.name,
        vpc,
        { vpc_id: ref("aws_vpc.main.id"), cidr_block: s.cidr, availability_zone: s.az, map_public_ip_on_launch: false },
        eks && !spares.includes(s) ? { tags: { "kubernetes.io/role/internal-elb": "1" } } : {},
      ),
    );
  }
  if (publics.length > 0) {
    blocks.push(
      r("aws_internet_gateway", "main", vpc, { vpc_id: ref("aws_vpc.main.id") }),
      r("aws_route_table", "public", vpc, {
        vpc_id: ref("aws_vpc.main.id"),
        route: block({ cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway.main.id") }),
      }),
      ...publics.map((s) =>
        r("aws_route_table_association", s.name, vpc, { subnet_id: ref(`aws_subnet.${s.name}.id`), route_table_id: ref("aws_route_table.public.id") }),
      ),
    );
  }
  const nats = natCount(ctx);
  for (let i = 0; i < nats; i++) {
    const subnet = publics[i] as Subnet;
    blocks.push(
      r("aws_eip", `nat_${i + 1}`, nat, { domain: "vpc" }),
      r("aws_nat_gateway", `nat_${i + 1}`, nat, {
        allocation_id: ref(`aws_eip.nat_${i + 1}.id`),
        subnet_id: ref(`aws_subnet.${subnet.name}.id`),
        depends_on: [ref("aws_internet_gateway.main")],
      }),
    );
  }
  const tables = privateTableCount(ctx);
  for (let i = 0; i < tables; i++) {
    const route = nats > 0 ? block({ cidr_block: "0.0.0.0/0", nat_gateway_id: ref(`aws_nat_gateway.nat_${i + 1}.id`) }) : undefined;
    blocks.push(r("aws_route_table", `private_${i + 1}`, nats > 0 ? nat : vpc, { vpc_id: ref("aws_vpc.main.id"), route }));
  }
  // Database subnets added for the second zone share the first private table: they need no egress.
  [...privates, ...spares].forEach((s, index) => {
    blocks.push(
      r("aws_route_table_association", s.name, vpc, {
        subnet_id: ref(`aws_subnet.${s.name}.id`),
        route_table_id: ref(`aws_route_table.private_${spares.includes(s) ? 1 : (index % tables) + 1}.id`),
      }),
    );
  });
  return [{ file: "network.tf", blocks }];
}

/** VPC flow logs (all traffic) to an encrypted CloudWatch log group, with the role that writes them. */
function flowLogs(ctx: BuildContext, vpc: string): HclBlock[] {
  const r = ctx.resource;
  const group = `/atlas/${ctx.prefix}/vpc-flow-logs`;
  return [
    r("aws_cloudwatch_log_group", "flow_logs", vpc, {
      name: group,
      retention_in_days: logRetentionDays(ctx.plan.observability.log_retention_days),
      kms_key_id: kmsArn(ctx),
    }),
    r("aws_iam_role", "flow_logs", vpc, { name: `${ctx.prefix}-vpc-flow-logs`, assume_role_policy: assumeRolePolicy("vpc-flow-logs.amazonaws.com") }),
    r("aws_iam_role_policy", "flow_logs", vpc, {
      name: "write-flow-logs",
      role: ref("aws_iam_role.flow_logs.id"),
      policy: policyDocument([
        {
          Sid: "WriteFlowLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: [ref("aws_cloudwatch_log_group.flow_logs.arn"), tpl`${"aws_cloudwatch_log_group.flow_logs.arn"}:*`],
        },
      ]),
    }),
    r("aws_flow_log", "vpc", vpc, {
      vpc_id: vpcId(ctx),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group.flow_logs.arn"),
      iam_role_arn: ref("aws_iam_role.flow_logs.arn"),
      max_aggregation_interval: 60,
    }),
  ];
}
