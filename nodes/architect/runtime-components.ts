import type { ComponentRuntime } from "../../schemas/component.js";
import type { GoalStatement } from "../../schemas/goal.js";
import type { ConstraintReading } from "./constraints/wishes.js";

/**
 * What the user's own component runtime definitions (`goal.components`) decide in a design: they
 * are Kubernetes workloads, so the design runs on EKS; a hard constraint that rules Kubernetes
 * out, or a workload with no compute at all, stops the plan with a rationale naming both.
 */

/** Why a goal's components cannot be planned, or null when they can (or the goal has none). */
export function componentsBlocked(goal: GoalStatement, reading: readonly ConstraintReading[]): { reason: string; arithmetic: string[] } | null {
  const components = goal.components ?? [];
  if (components.length === 0) return null;
  const names = components.map((c) => c.name).join(", ");
  if (goal.workload.type === "static-site") {
    return {
      reason: `components (${names}) are container workloads, but a static-site design runs no containers`,
      arithmetic: [
        `components: ${components.length} (${names})`,
        "workload.type: static-site (S3 behind CloudFront, no cluster)",
        "to unblock: choose a workload type that runs containers, or drop components",
      ],
    };
  }
  const forbidding = reading.find((entry) => entry.wishes.some((wish) => wish.kind === "kubernetes" && wish.value === "forbidden" && wish.hard));
  if (!forbidding) return null;
  return {
    reason: `components (${names}) are Kubernetes workloads, but the constraint "${forbidding.text}" rules Kubernetes out`,
    arithmetic: [
      `components: ${components.length} Kubernetes workload(s): ${names}`,
      `constraint: "${forbidding.text}" (hard: Kubernetes forbidden)`,
      'to unblock: drop components (Atlas then sizes one ECS service from workload), or relax the constraint (say "prefer" to make it a preference)',
    ],
  };
}

/** CPU cores of a Kubernetes quantity: `250m` → 0.25, `"2"` or 2 → 2. */
export function cpuCores(quantity: string | number): number {
  if (typeof quantity === "number") return quantity;
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  k: 1e3 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
  T: 1e12 / 2 ** 20,
};

/** MiB of a Kubernetes memory quantity: `512Mi` → 512, `1Gi` → 1024, `1000000` (bytes) → 0.95. */
export function memoryMib(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = match[2];
  return unit ? Number(match[1]) * (MEMORY_UNITS[unit] as number) : Number(match[1]) / 2 ** 20;
}

/** The pods the components run in the goal's environment: each component's replicas (one when unset) at its requests. */
export function componentPods(components: readonly ComponentRuntime[]): { count: number; cpu: number; memoryMb: number }[] {
  return components.map((c) => ({ count: c.replicas ?? 1, cpu: cpuCores(c.resources.requests.cpu), memoryMb: memoryMib(c.resources.requests.memory) }));
}
