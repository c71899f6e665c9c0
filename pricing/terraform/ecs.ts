import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { block, blocks, optionalNumber, optionalString, Unpriceable } from "./attributes.js";
import { findRelated, type MapContext } from "./references.js";

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

/**
 * `aws_ecs_service`: on Fargate, desired_count × the task definition's cpu and memory.
 * On EC2 the service itself is free; its container instances carry the cost.
 */
export function mapEcsService(resource: TerraformResource, ctx: MapContext): ComponentSpec[] | "free" {
  const a = resource.attributes;
  if (!usesFargate(a)) return "free";
  const family = typeof a.task_definition === "string" ? a.task_definition.split(":")[0] : undefined;
  const task = findRelated(
    ctx,
    resource,
    "aws_ecs_task_definition",
    a.task_definition,
    (candidate) => family !== undefined && candidate.attributes.family === family,
  );
  if (!task) throw new Unpriceable("its task definition is not among the resources given");
  const t = task.attributes;
  const platform = block(t, "runtime_platform");
  const arch = platform ? optionalString(platform, "cpu_architecture") : undefined;
  const storage = block(t, "ephemeral_storage");
  return [
    {
      kind: "fargate",
      vcpu: taskSize(optionalString(t, "cpu"), /^([\d.]+)\s*vcpu$/i, "cpu", task.address),
      memoryGb: taskSize(optionalString(t, "memory"), /^([\d.]+)\s*gb$/i, "memory", task.address),
      tasks: optionalNumber(a, "desired_count") ?? 0,
      architecture: arch === "ARM64" ? "arm64" : "x86_64",
      ephemeralStorageGb: storage ? optionalNumber(storage, "size_in_gib") : undefined,
    },
  ];
}
