import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclBody, type HclExpr, ref } from "../hcl.js";

/**
 * The tag that says which tier a subnet of an existing VPC belongs to (`Tier = "private"`,
 * `Tier = "public"`): the plan names the VPC and, at most, one list of subnet ids, so the
 * public tier (and the private one when no ids are given) is found by this tag.
 */
export const TIER_TAG = "Tier";

/** The VPC the plan reuses, or null when the builder creates one. */
export function existingVpc(ctx: BuildContext): NonNullable<BuildContext["plan"]["network"]["existing_vpc"]> | null {
  return ctx.plan.network.existing_vpc;
}

/** `data.aws_subnets.<tier>.ids`: the existing VPC's subnets of one tier. */
export function existingSubnetIds(tier: "public" | "private"): HclExpr {
  return ref(`data.aws_subnets.${tier}.ids`);
}

/**
 * One private subnet per availability zone (interface endpoints take at most one per zone):
 * the first id of each zone among the existing private subnets.
 */
export function existingSubnetPerZone(): HclExpr {
  return ref("[for zone, ids in { for s in data.aws_subnet.private : s.availability_zone => s.id... } : ids[0]]");
}

function data(type: string, name: string, body: HclBody, comment?: string[]): HclBlock {
  return { type: "data", labels: [type, name], body, ...(comment ? { comment } : {}) };
}

function subnetsOf(vpcId: string, tier: "public" | "private", ids: readonly string[]): HclBlock {
  const byIds = tier === "private" && ids.length > 0;
  const filters = [
    block({ name: "vpc-id", values: [vpcId] }),
    byIds ? block({ name: "subnet-id", values: [...ids] }) : block({ name: `tag:${TIER_TAG}`, values: [tier] }),
  ];
  const comment = byIds ? undefined : [`The ${tier} subnets of ${vpcId}: those tagged ${TIER_TAG} = "${tier}".`];
  return data("aws_subnets", tier, { filter: filters }, comment);
}

/**
 * Data sources for an existing VPC, in place of the VPC, subnets, gateways and route tables
 * the builder would otherwise create: the VPC itself, its private subnets (the plan's ids, or
 * the tier tag) and public subnets (tier tag), each private subnet's zone (for endpoints) and,
 * for an S3 gateway endpoint, the route tables the private subnets are associated with.
 * `terraform plan` reads these from the account, so offline checks stop at `terraform validate`.
 */
export function existingVpcData(ctx: BuildContext, needs: { routeTables: boolean; subnetZones: boolean }): HclBlock[] {
  const vpc = existingVpc(ctx);
  if (!vpc) return [];
  const blocks: HclBlock[] = [
    data("aws_vpc", "main", { id: vpc.vpc_id }),
    subnetsOf(vpc.vpc_id, "private", vpc.subnet_ids),
    subnetsOf(vpc.vpc_id, "public", []),
  ];
  if (needs.subnetZones) blocks.push(data("aws_subnet", "private", { for_each: ref("toset(data.aws_subnets.private.ids)"), id: ref("each.value") }));
  if (needs.routeTables) {
    blocks.push(
      data("aws_route_tables", "private", { vpc_id: vpc.vpc_id, filter: block({ name: "association.subnet-id", values: existingSubnetIds("private") }) }, [
        "Route tables explicitly associated with the private subnets (a subnet on the main route table is not listed).",
      ]),
    );
  }
  return blocks;
}
