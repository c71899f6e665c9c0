import type { BuildContext } from "../context.js";
import { type HclBlock, type HclExpr, type HclValue, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { freeBlocks, prefixOf } from "./cidr.js";
import { existingSubnetIds, existingSubnetPerZone, existingVpc } from "./existing-vpc.js";

/*
 * Where things sit in the network, for every renderer: subnets, route tables and the VPC,
 * whether the builder creates them or reads an existing VPC's with data sources.
 */

/** One subnet the builder creates. */
export interface Subnet {
  name: string;
  cidr: string;
  /** a zone name, or an expression choosing one (a database subnet added in a zone the plan does not list) */
  az: string | HclExpr;
}

/** Public or private subnets: the plan's CIDRs in order, spread over its availability zones (none for an existing VPC). */
export function subnets(ctx: BuildContext, tier: "public" | "private"): Subnet[] {
  if (existingVpc(ctx)) return [];
  const { availability_zones: zones } = ctx.plan.network;
  const cidrs = tier === "public" ? ctx.plan.network.public_subnets : ctx.plan.network.private_subnets;
  return cidrs.map((cidr, index) => {
    const az = zones[index % zones.length] ?? "";
    const name = tfName(`${tier}-${az}`);
    // Two subnets of one tier in the same zone need distinct names.
    return { name: index < zones.length ? name : `${name}_${Math.floor(index / zones.length) + 1}`, cidr, az };
  });
}

/** References to the subnets' ids, for `subnet_ids`-style arguments: a list of references, or the existing VPC's data source. */
export function subnetIds(ctx: BuildContext, tier: "public" | "private"): HclValue {
  if (existingVpc(ctx)) return existingSubnetIds(tier);
  return subnets(ctx, tier).map((s) => ref(`aws_subnet.${s.name}.id`));
}

/** The VPC's id: the one the builder creates, or the existing one's data source. */
export function vpcId(ctx: BuildContext): HclExpr {
  return ref(existingVpc(ctx) ? "data.aws_vpc.main.id" : "aws_vpc.main.id");
}

/** The VPC's address range, for rules that admit the whole VPC. */
export function vpcCidr(ctx: BuildContext): HclValue {
  return existingVpc(ctx) ? ref("data.aws_vpc.main.cidr_block") : ctx.plan.network.vpc_cidr;
}

/** How many NAT gateways get built: the plan's count, bounded by the public subnets they live in; none in an existing VPC. */
export function natCount(ctx: BuildContext): number {
  return Math.min(ctx.plan.network.nat_gateways, subnets(ctx, "public").length);
}

/** How many private route tables get built: one per NAT gateway (zone-local egress), or one without a default route. */
export function privateTableCount(ctx: BuildContext): number {
  return Math.max(1, natCount(ctx));
}

/** The route tables of the private subnets (where an S3 gateway endpoint adds its route). */
export function privateRouteTableIds(ctx: BuildContext): HclValue {
  if (existingVpc(ctx)) return ref("data.aws_route_tables.private.ids");
  return Array.from({ length: privateTableCount(ctx) }, (_, i) => ref(`aws_route_table.private_${i + 1}.id`));
}

/** Where the service's tasks (or EKS nodes) run: private subnets behind NAT, or public ones with a public IP. */
export function taskTier(ctx: BuildContext): "public" | "private" {
  return ctx.plan.network.task_subnets;
}

/** AWS requires a DB (or cache) subnet group to span this many availability zones. */
const SUBNET_GROUP_MIN_ZONES = 2;

/** Zones available to the account (not Local or Wavelength Zones), for a database subnet in a zone the plan does not name. */
export function availabilityZonesData(): HclBlock {
  return {
    type: "data",
    labels: ["aws_availability_zones", "available"],
    body: { state: "available", filter: { nested: { name: "opt-in-status", values: ["opt-in-not-required"] } } },
  };
}

/**
 * Private subnets added for databases and caches when the plan's private subnets span fewer
 * than two zones (AWS rejects such subnet groups): in the plan's other zones first, else in
 * zones the region offers, each with a free block of the private subnets' size.
 */
export function databaseSpareSubnets(ctx: BuildContext): Subnet[] {
  const { plan } = ctx;
  if (existingVpc(ctx) || (plan.databases.length === 0 && plan.caches.length === 0)) return [];
  const privates = subnets(ctx, "private");
  const used = [...new Set(privates.map((s) => s.az as string))];
  const missing = SUBNET_GROUP_MIN_ZONES - used.length;
  if (missing <= 0) return [];
  const fromPlan = plan.network.availability_zones.filter((z) => !used.includes(z)).slice(0, missing);
  const excluded = JSON.stringify(used);
  const zones: (string | HclExpr)[] = [
    ...fromPlan,
    ...Array.from({ length: missing - fromPlan.length }, (_, i) =>
      ref(`[for z in data.aws_availability_zones.available.names : z if !contains(${excluded}, z)][${i}]`),
    ),
  ];
  const prefix = prefixOf(privates[0]?.cidr ?? "") ?? 24;
  const cidrs = freeBlocks(plan.network.vpc_cidr, [...plan.network.public_subnets, ...plan.network.private_subnets], prefix, missing);
  return zones.map((az, i) => ({ name: `database_${i + 1}`, cidr: cidrs[i] as string, az }));
}

/** Subnets of the DB and cache subnet groups: every private subnet, plus any added to reach two zones. */
export function databaseSubnetIds(ctx: BuildContext): HclValue {
  if (existingVpc(ctx)) return existingSubnetIds("private");
  return [...subnets(ctx, "private"), ...databaseSpareSubnets(ctx)].map((s) => ref(`aws_subnet.${s.name}.id`));
}

/** One private subnet per zone, for interface endpoints (AWS allows one subnet per zone per endpoint). */
export function endpointSubnetIds(ctx: BuildContext): HclValue {
  if (existingVpc(ctx)) return existingSubnetPerZone();
  const seen = new Set<string>();
  return subnets(ctx, "private")
    .filter((s) => !seen.has(s.az as string) && seen.add(s.az as string))
    .map((s) => ref(`aws_subnet.${s.name}.id`));
}
