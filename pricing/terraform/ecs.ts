import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { scheduleRuns } from "../schedule.js";
import { block, blocks, optionalBool, optionalNumber, optionalString, Unpriceable } from "./attributes.js";
import { findRelated, type MapContext, referencedName } from "./references.js";
import { DEFAULT_RUN_MINUTES, RUN_MINUTES_TAG, usageTag } from "./usage-tags.js";

/**
 * Task-level cpu/memory: CPU units ("256", or "0.25 vCPU") to vCPU, MiB ("512", or
 * "0.5 GB") to GB.
 */
function taskSize(value: string | undefined, unitWord: RegExp, what: string, task: string): number {
  if (value === undefined) throw new Unpriceable(`task definition ${task} sets no task-level ${what}`);
  const worded = unitWord.exec(value.trim());
  if (worded?.[1]) return Number(worded[1]);
  const units = Number(value);
  if (!Number.isFinite(units) || units <= 0) throw new Unpriceable(`task ${what} "${value}" is not understood`);
  return units / 1024;
}

type FargateSpec = Extract<ComponentSpec, { kind: "fargate" }>;

/** One entry of a capacity provider strategy. */
interface StrategyEntry {
  provider: string;
  weight: number;
  base: number;
}

const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

function strategyOf(entries: Record<string, unknown>[]): StrategyEntry[] {
  return entries.map((e) => ({
    provider: optionalString(e, "capacity_provider") ?? "",
    weight: optionalNumber(e, "weight") ?? 0,
    base: optionalNumber(e, "base") ?? 0,
  }));
}

/**
 * How the tasks of a service (or a scheduled run) get capacity: `launch_type`, else their own
 * `capacity_provider_strategy`, else the default strategy of their cluster's
 * `aws_ecs_cluster_capacity_providers`, else the cluster's own (provider < 5.0). Null when they do not run on Fargate (EC2 launch
 * type or EC2 capacity providers: the instances carry the cost).
 * @throws Unpriceable for a strategy mixing Fargate with EC2 capacity providers
 */
function fargateStrategy(a: Record<string, unknown>, ctx: MapContext, from: TerraformResource, cluster: unknown): StrategyEntry[] | null {
  const launchType = optionalString(a, "launch_type");
  if (launchType !== undefined) return launchType === "FARGATE" ? [{ provider: "FARGATE", weight: 1, base: 0 }] : null;
  let strategy = strategyOf(blocks(a, "capacity_provider_strategy"));
  if (strategy.length === 0) {
    const clusterName = referencedName(cluster, "aws_ecs_cluster");
    const providers = findRelated(ctx, from, "aws_ecs_cluster_capacity_providers", undefined, (c) =>
      clusterName !== undefined ? referencedName(c.attributes.cluster_name, "aws_ecs_cluster") === clusterName : false,
    );
    strategy = providers ? strategyOf(blocks(providers.attributes, "default_capacity_provider_strategy")) : [];
  }
  if (strategy.length === 0) {
    // Provider versions before 5.0 set the default strategy on the cluster itself.
    const clusterResource = findRelated(ctx, from, "aws_ecs_cluster", cluster);
    strategy = clusterResource ? strategyOf(blocks(clusterResource.attributes, "default_capacity_provider_strategy")) : [];
  }
  const fargate = strategy.filter((s) => FARGATE_PROVIDERS.has(s.provider));
  if (fargate.length === 0) return null;
  if (fargate.length < strategy.length) throw new Unpriceable("its capacity provider strategy mixes Fargate with EC2 capacity providers");
  return fargate;
}

/**
 * Tasks per provider, the way ECS places them: the provider with a `base` runs that many
 * first, the rest are shared by `weight` (rounded to whole tasks). A strategy that gives no
 * weights (they default to 0) is read as equal shares.
 */
function splitTasks(tasks: number, strategy: StrategyEntry[]): { onDemand: number; spot: number } {
  const sum = (entries: StrategyEntry[], pick: (s: StrategyEntry) => number) => entries.reduce((total, s) => total + pick(s), 0);
  const spotEntries = strategy.filter((s) => s.provider === "FARGATE_SPOT");
  const first = Math.min(
    tasks,
    sum(strategy, (s) => s.base),
  );
  const spotBase = Math.min(
    first,
    sum(spotEntries, (s) => s.base),
  );
  const unweighted = sum(strategy, (s) => s.weight) === 0;
  const weight = (s: StrategyEntry) => (unweighted ? 1 : s.weight);
  const rest = tasks - first;
  const spot = spotBase + (rest > 0 ? Math.round((rest * sum(spotEntries, weight)) / sum(strategy, weight)) : 0);
  return { onDemand: tasks - spot, spot };
}

/** Fargate specs for `tasks` tasks placed by `strategy`: on-demand and Spot lines, as many as have tasks. */
function placedTasks(task: TerraformResource, tasks: number, strategy: StrategyEntry[]): FargateSpec[] {
  const { onDemand, spot } = splitTasks(tasks, strategy);
  const specs: FargateSpec[] = [];
  if (onDemand > 0 || spot === 0) specs.push(taskSpec(task, onDemand));
  if (spot > 0) specs.push({ ...taskSpec(task, spot), capacity: "spot" });
  return specs;
}

/** True when tasks get a public IPv4 address (billed per hour like any other). */
function assignsPublicIp(a: Record<string, unknown>): boolean {
  const network = block(a, "network_configuration");
  return network !== undefined && optionalBool(network, "assign_public_ip") === true;
}

/** The task definition a service or event target runs: by reference, by a literal family (`app:3`), or the only one. */
function taskDefinition(ctx: MapContext, resource: TerraformResource, value: unknown): TerraformResource {
  // A literal ARN (`arn:aws:ecs:...:task-definition/app:3`) or `app:3` names the family before the revision.
  const family = typeof value === "string" ? value.split("/").pop()?.split(":")[0] : undefined;
  const task = findRelated(ctx, resource, "aws_ecs_task_definition", value, (c) => family !== undefined && c.attributes.family === family);
  if (!task) throw new Unpriceable("its task definition is not among the resources given");
  return task;
}

/** One Fargate task of a definition: its cpu, memory, architecture and ephemeral storage. */
function taskSpec(task: TerraformResource, tasks: number): FargateSpec {
  const t = task.attributes;
  const platform = block(t, "runtime_platform");
  const arch = platform ? optionalString(platform, "cpu_architecture") : undefined;
  const storage = block(t, "ephemeral_storage");
  return {
    kind: "fargate",
    vcpu: taskSize(optionalString(t, "cpu"), /^([\d.]+)\s*vcpu$/i, "cpu", task.address),
    memoryGb: taskSize(optionalString(t, "memory"), /^([\d.]+)\s*gb$/i, "memory", task.address),
    tasks,
    architecture: arch === "ARM64" ? "arm64" : "x86_64",
    ephemeralStorageGb: storage ? optionalNumber(storage, "size_in_gib") : undefined,
  };
}

/**
 * `aws_ecs_service`: on Fargate, desired_count × the task definition's cpu and memory, at
 * on-demand or Spot rates as its capacity provider strategy places them, plus a public IPv4
 * address per task when they get one. On EC2 the service itself is free; its container
 * instances carry the cost.
 */
export function mapEcsService(resource: TerraformResource, ctx: MapContext): ComponentSpec[] | "free" {
  const a = resource.attributes;
  const strategy = fargateStrategy(a, ctx, resource, a.cluster);
  if (!strategy) return "free";
  const tasks = optionalNumber(a, "desired_count") ?? 0;
  const specs: ComponentSpec[] = placedTasks(taskDefinition(ctx, resource, a.task_definition), tasks, strategy);
  if (assignsPublicIp(a) && tasks > 0) specs.push({ kind: "public-ipv4", count: tasks });
  return specs;
}

/** Minutes one run lasts: the task definition's run-minutes tag, else the default, said in the cost line. */
function runMinutes(task: TerraformResource): { runMinutes: number; note?: string } {
  const tagged = usageTag(task, RUN_MINUTES_TAG);
  if (typeof tagged === "number") return { runMinutes: tagged };
  const why = tagged === "unknown" ? "tags only known at plan time" : `no ${RUN_MINUTES_TAG} tag`;
  return { runMinutes: DEFAULT_RUN_MINUTES, note: `run length assumed ${DEFAULT_RUN_MINUTES} min (${why} on ${task.address})` };
}

/**
 * `aws_cloudwatch_event_target` with an `ecs_target` on Fargate: a scheduled task, billed
 * for runs per month (from the rule's `schedule_expression`) × `task_count` × minutes per run
 * (see `usage-tags.ts`) × the task definition's cpu and memory, on-demand or Spot as its
 * strategy says, and each task's public IPv4 address for as long as it runs. Other targets (Lambda, SNS,
 * SQS…) bill on the target's side, and a disabled rule starts nothing: both are free here.
 * A rule driven by an event pattern cannot be priced: how often it fires is not in the code.
 */
export function mapEventTarget(resource: TerraformResource, ctx: MapContext): ComponentSpec[] | "free" {
  const a = resource.attributes;
  const ecs = block(a, "ecs_target");
  const strategy = ecs ? fargateStrategy(ecs, ctx, resource, a.arn) : null;
  if (!ecs || !strategy) return "free";
  const rule = findRelated(ctx, resource, "aws_cloudwatch_event_rule", a.rule, (c) => c.attributes.name === a.rule);
  if (!rule) throw new Unpriceable("its rule is not among the resources given");
  const r = rule.attributes;
  if (optionalString(r, "state") === "DISABLED" || optionalBool(r, "is_enabled") === false) return "free";
  const expression = optionalString(r, "schedule_expression");
  if (expression === undefined)
    throw new Unpriceable(`${rule.address} has no schedule_expression: it fires on matching events, and how often is not in the Terraform`);
  const runs = scheduleRuns(expression);
  if (!runs.ok) throw new Unpriceable(`schedule_expression "${expression}" of ${rule.address} cannot be counted: ${runs.reason}`);
  const task = taskDefinition(ctx, resource, ecs.task_definition_arn);
  const tasks = optionalNumber(ecs, "task_count") ?? 1;
  const schedule = { runsPerMonth: runs.runsPerMonth, ...runMinutes(task) };
  const specs: ComponentSpec[] = placedTasks(task, tasks, strategy).map((spec) => ({ ...spec, schedule }));
  if (assignsPublicIp(ecs)) specs.push({ kind: "public-ipv4", count: tasks, hours: (schedule.runsPerMonth * schedule.runMinutes) / 60 });
  return specs;
}
