import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { scheduleRuns } from "../schedule.js";
import { block, blocks, optionalBool, optionalNumber, optionalString, Unpriceable } from "./attributes.js";
import { findRelated, type MapContext } from "./references.js";
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

function usesFargate(a: Record<string, unknown>): boolean {
  const launchType = optionalString(a, "launch_type");
  if (launchType !== undefined) return launchType === "FARGATE";
  const providers = blocks(a, "capacity_provider_strategy").map((s) => optionalString(s, "capacity_provider"));
  if (providers.includes("FARGATE_SPOT")) {
    throw new Unpriceable("Fargate Spot is priced by the market, not by the on-demand price sheet");
  }
  return providers.includes("FARGATE");
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
function taskSpec(task: TerraformResource, tasks: number): Extract<ComponentSpec, { kind: "fargate" }> {
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
 * `aws_ecs_service`: on Fargate, desired_count × the task definition's cpu and memory.
 * On EC2 the service itself is free; its container instances carry the cost.
 */
export function mapEcsService(resource: TerraformResource, ctx: MapContext): ComponentSpec[] | "free" {
  const a = resource.attributes;
  if (!usesFargate(a)) return "free";
  return [taskSpec(taskDefinition(ctx, resource, a.task_definition), optionalNumber(a, "desired_count") ?? 0)];
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
 * (see `usage-tags.ts`) × the task definition's cpu and memory. Other targets (Lambda, SNS,
 * SQS…) bill on the target's side, and a disabled rule starts nothing: both are free here.
 * A rule driven by an event pattern cannot be priced: how often it fires is not in the code.
 */
export function mapEventTarget(resource: TerraformResource, ctx: MapContext): ComponentSpec[] | "free" {
  const a = resource.attributes;
  const ecs = block(a, "ecs_target");
  if (!ecs || !usesFargate(ecs)) return "free";
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
  return [{ ...taskSpec(task, optionalNumber(ecs, "task_count") ?? 1), schedule: { runsPerMonth: runs.runsPerMonth, ...runMinutes(task) } }];
}
