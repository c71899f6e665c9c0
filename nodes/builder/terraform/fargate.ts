import { AtlasError } from "../../../lib/errors.js";
import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclBody, type HclNested, ref } from "../hcl.js";
import { subnetIds, taskTier } from "./topology.js";

/**
 * Fargate Spot runs Linux tasks on X86_64 only ("Linux tasks with the ARM64 architecture don't
 * support the Fargate Spot capacity provider": Amazon ECS developer guide, Fargate capacity
 * providers). A plan asking for both cannot start a task, so the builder refuses it.
 * @throws AtlasError `VALIDATION_FAILED` naming both fields
 */
function rejectArmSpot(ctx: BuildContext): void {
  const { compute } = ctx.plan;
  if (compute.capacity !== "spot" || compute.architecture !== "arm64") return;
  throw new AtlasError("VALIDATION_FAILED", "Fargate Spot runs X86_64 tasks only; this plan asks for Spot and arm64", {
    issues: [
      { path: "compute.capacity", message: "use on-demand capacity for arm64 tasks" },
      { path: "compute.architecture", message: "use x86_64 for Fargate Spot" },
    ],
  });
}

/**
 * The cluster's capacity providers, when the plan runs on Spot: FARGATE and FARGATE_SPOT
 * associated with the cluster, Spot as the default strategy. On-demand plans keep the
 * implicit FARGATE launch type and need none of this.
 */
export function capacityProviders(ctx: BuildContext, owner: string): HclBlock[] {
  rejectArmSpot(ctx);
  if (ctx.plan.compute.capacity !== "spot") return [];
  return [
    ctx.resource("aws_ecs_cluster_capacity_providers", "main", owner, {
      cluster_name: ref("aws_ecs_cluster.main.name"),
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: block({ capacity_provider: "FARGATE_SPOT", weight: 1 }),
    }),
  ];
}

/**
 * How a service or a scheduled run asks for capacity: `launch_type = "FARGATE"` on demand, or a
 * capacity provider strategy placing every task on FARGATE_SPOT (the two are exclusive). Spot
 * tasks get two minutes' notice before AWS reclaims them; the plan chose Spot for work that
 * can be interrupted and retried.
 */
export function fargateCapacity(ctx: BuildContext): HclBody {
  rejectArmSpot(ctx);
  if (ctx.plan.compute.capacity !== "spot") return { launch_type: "FARGATE" };
  return { capacity_provider_strategy: block({ capacity_provider: "FARGATE_SPOT", weight: 1, base: 0 }) };
}

/**
 * Where tasks run: the private subnets (egress through NAT or VPC endpoints), or the public
 * subnets with a public IP when the plan has no NAT gateway. Either way they sit in the service
 * security group, which admits nothing but the load balancer.
 * @throws AtlasError `VALIDATION_FAILED` when the plan puts tasks in public subnets it does not have
 */
export function taskNetwork(ctx: BuildContext): HclNested {
  const tier = taskTier(ctx);
  if (tier === "public" && !ctx.plan.network.existing_vpc && ctx.plan.network.public_subnets.length === 0) {
    throw new AtlasError("VALIDATION_FAILED", "network.task_subnets is public but the plan has no public subnets", {
      issues: [{ path: "network.public_subnets", message: "give public subnets for the tasks, or run them in private subnets" }],
    });
  }
  return block({
    subnets: subnetIds(ctx, tier),
    security_groups: [ref("aws_security_group.service.id")],
    assign_public_ip: tier === "public",
  });
}
