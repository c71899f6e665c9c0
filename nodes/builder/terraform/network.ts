import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclExpr, ref, tpl } from "../hcl.js";
import { tfName } from "../labels.js";
import { assumeRolePolicy, kmsArn, logRetentionDays, policyDocument, type TfSection } from "./shared.js";

/** One subnet the plan asks for. */
export interface Subnet {
  name: string;
  cidr: string;
  az: string;
}

/** Public or private subnets: the plan's CIDRs in order, spread over its availability zones. */
export function subnets(ctx: BuildContext, tier: "public" | "private"): Subnet[] {
  const { availability_zones: zones } = ctx.plan.network;
  const cidrs = tier === "public" ? ctx.plan.network.public_subnets : ctx.plan.network.private_subnets;
  return cidrs.map((cidr, index) => {
    const az = zones[index % zones.length] ?? "";
    const name = tfName(`${tier}-${az}`);
    // Two subnets of one tier in the same zone need distinct names.
    return { name: index < zones.length ? name : `${name}_${Math.floor(index / zones.length) + 1}`, cidr, az };
  });
}

/** References to the subnets' ids, for `subnet_ids`-style arguments. */
export function subnetIds(ctx: BuildContext, tier: "public" | "private"): HclExpr[] {
  return subnets(ctx, tier).map((s) => ref(`aws_subnet.${s.name}.id`));
}

/** How many NAT gateways get built: the plan's count, bounded by the public subnets they live in. */
export function natCount(ctx: BuildContext): number {
  return Math.min(ctx.plan.network.nat_gateways, subnets(ctx, "public").length);
}

/** network.tf: VPC with flow logs, subnets, internet and NAT gateways, route tables. */
export function renderNetwork(ctx: BuildContext): TfSection[] {
  if (!ctx.hasNetwork) return [];
  const vpc = ctx.component(["vpc"]);
  const nat = ctx.component(["nat-gateway", "vpc"]);
  const eks = ctx.plan.compute.platform === "eks";
  const r = ctx.resource;
  const publics = subnets(ctx, "public");
  const privates = subnets(ctx, "private");
  const blocks: HclBlock[] = [
    r("aws_vpc", "main", vpc, { cidr_block: ctx.plan.network.vpc_cidr, enable_dns_support: true, enable_dns_hostnames: true }, { name: ctx.prefix }),
    // Adopting the default security group with no rules closes it: nothing can use it by accident.
    r("aws_default_security_group", "default", vpc, { vpc_id: ref("aws_vpc.main.id") }),
    ...flowLogs(ctx, vpc),
  ];
  for (const s of publics) {
    blocks.push(
      r(
        "aws_subnet",
        s.name,
        vpc,
        { vpc_id: ref("aws_vpc.main.id"), cidr_block: s.cidr, availability_zone: s.az, map_public_ip_on_launch: false },
        eks ? { tags: { "kubernetes.io/role/elb": "1" } } : {},
      ),
    );
  }
  for (const s of privates) {
    blocks.push(
      r(
        "aws_subnet",
        s.name,
        vpc,
        { vpc_id: ref("aws_vpc.main.id"), cidr_block: s.cidr, availability_zone: s.az, map_public_ip_on_launch: false },
        eks ? { tags: { "kubernetes.io/role/internal-elb": "1" } } : {},
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
  // One private route table per NAT gateway (zone-local egress), or one without a default route.
  const tables = Math.max(1, nats);
  for (let i = 0; i < tables; i++) {
    const route = nats > 0 ? block({ cidr_block: "0.0.0.0/0", nat_gateway_id: ref(`aws_nat_gateway.nat_${i + 1}.id`) }) : undefined;
    blocks.push(r("aws_route_table", `private_${i + 1}`, nats > 0 ? nat : vpc, { vpc_id: ref("aws_vpc.main.id"), route }));
  }
  privates.forEach((s, index) => {
    blocks.push(
      r("aws_route_table_association", s.name, vpc, {
        subnet_id: ref(`aws_subnet.${s.name}.id`),
        route_table_id: ref(`aws_route_table.private_${(index % tables) + 1}.id`),
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
      vpc_id: ref("aws_vpc.main.id"),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group.flow_logs.arn"),
      iam_role_arn: ref("aws_iam_role.flow_logs.arn"),
      max_aggregation_interval: 60,
    }),
  ];
}
