import { AtlasError } from "../../lib/errors.js";
import type { PlanSpec } from "../../schemas/plan.js";
import type { DeliveryEnvironment } from "./environments.js";

/** Path of the HTTP health endpoint the service must expose: ALB health check and Kubernetes probes. */
export const HEALTH_PATH = "/healthz";

/** UID and GID the container runs as, everywhere (ECS task and Kubernetes pod). */
export const RUN_AS_USER = 10001;

/** Kubernetes resource quantities for one pod. Requests equal limits: Guaranteed QoS, predictable cost. */
export interface PodResources {
  cpu: string;
  memory: string;
}

/** Replica and autoscaling settings for one environment. */
export interface EnvironmentSizing {
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  targetCpuPercent: number;
  resources: PodResources;
  /** spread pods across zones (prod only) */
  zoneSpread: boolean;
  /** a PodDisruptionBudget keeps one pod up (when there are two or more) */
  pdb: boolean;
  /** a CPU autoscaler between min and max replicas; off in dev, which runs a fixed single pod */
  autoscaling: boolean;
}

/** CPU in millicores and memory in MiB, never below what Kubernetes accepts as a sane minimum. */
export function podResources(cpu: number, memoryMb: number): PodResources {
  return { cpu: `${Math.max(10, Math.round(cpu * 1000))}m`, memory: `${Math.max(16, memoryMb)}Mi` };
}

/** Sizing of the plan's own environment, straight from `plan.compute`. */
export function planSizing(plan: PlanSpec): EnvironmentSizing {
  const c = plan.compute;
  const replicas = c.min_replicas;
  const minReplicas = Math.max(1, c.min_replicas);
  return {
    replicas,
    minReplicas,
    maxReplicas: Math.max(minReplicas, c.max_replicas),
    targetCpuPercent: c.target_cpu_percent,
    resources: podResources(c.cpu, c.memory_mb),
    zoneSpread: plan.environment === "prod",
    pdb: replicas >= 2,
    autoscaling: true,
  };
}

/**
 * Sizing for each delivery environment (Kustomize overlays and Helm values alike). The plan's
 * own environment keeps the plan's numbers, except that dev is never autoscaled; the others are
 * derived from them:
 * - dev: one pod at half the plan's CPU and memory, no autoscaler, no disruption budget;
 * - qa: two pods at the plan's size, CPU autoscaling up to half the plan's maximum (at least 2);
 * - staging: half the plan's minimum and maximum (at least one pod), the plan's size;
 * - prod: at least two pods (a zone or node can fail), the plan's maximum, zone spread and a budget.
 */
export function environmentSizing(plan: PlanSpec, environment: DeliveryEnvironment): EnvironmentSizing {
  const own = planSizing(plan);
  const c = plan.compute;
  if (environment === "dev") {
    const resources = environment === plan.environment ? own.resources : podResources(c.cpu / 2, Math.ceil(c.memory_mb / 2));
    return { ...own, replicas: 1, minReplicas: 1, maxReplicas: 1, zoneSpread: false, pdb: false, autoscaling: false, resources };
  }
  if (environment === plan.environment) return own;
  if (environment === "qa") {
    return { ...own, replicas: 2, minReplicas: 2, maxReplicas: Math.max(2, Math.ceil(own.maxReplicas / 2)), zoneSpread: false, pdb: true };
  }
  if (environment === "staging") {
    const min = Math.max(1, Math.ceil(own.minReplicas / 2));
    return { ...own, replicas: min, minReplicas: min, maxReplicas: Math.max(min, Math.ceil(own.maxReplicas / 2)), zoneSpread: false, pdb: min >= 2 };
  }
  const min = Math.max(2, own.minReplicas);
  return { ...own, replicas: min, minReplicas: min, maxReplicas: Math.max(min, own.maxReplicas), zoneSpread: true, pdb: true };
}

/** Valid Fargate task sizes: CPU units and the memory (MiB) each allows. */
const FARGATE_SIZES: readonly [number, number, number, number][] = [
  // cpu units, smallest memory, largest memory, memory step
  [256, 512, 2048, 512],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/**
 * The smallest valid Fargate task size that fits the plan's vCPU and memory. Fargate only
 * accepts fixed combinations, so `cpu = 0.3, memory_mb = 700` becomes 512 units and 1024 MiB.
 */
export function fargateSize(vcpu: number, memoryMb: number): { cpu: number; memory: number } {
  const units = Math.ceil(vcpu * 1024);
  for (const [cpu, low, high, step] of FARGATE_SIZES) {
    if (cpu < units || memoryMb > high) continue;
    const memory = Math.max(low, Math.ceil(memoryMb / step) * step);
    return { cpu, memory };
  }
  throw new AtlasError("VALIDATION_FAILED", `No Fargate task size fits ${vcpu} vCPU and ${memoryMb} MiB`, {
    issues: [{ path: "compute", message: "Fargate tasks go up to 16 vCPU and 120 GiB" }],
  });
}

/** The tag (or `@digest`) of an image reference; null when it has none. */
export function imageTag(image: string): string | null {
  if (image.includes("@sha256:")) return "@digest";
  const slash = image.lastIndexOf("/");
  const colon = image.indexOf(":", slash + 1);
  return colon < 0 ? null : image.slice(colon + 1);
}

/** A pinned image split for Helm values: `repository`, and a `tag` or a `digest` (or both). */
export interface PinnedImage {
  image: string;
  repository: string;
  tag: string;
  digest: string;
}

/**
 * The plan's image, which must be pinned: what runs must change only with a new plan.
 * @throws AtlasError `VALIDATION_FAILED` for an image without a tag or tagged `latest`
 */
export function pinnedImage(plan: PlanSpec): PinnedImage {
  const image = plan.compute.image;
  const tag = imageTag(image);
  if (tag === null || tag === "latest" || tag === "") {
    throw new AtlasError("VALIDATION_FAILED", `compute.image "${image}" is not pinned to a version tag or digest`, {
      issues: [{ path: "compute.image", message: "use an immutable tag (app:1.4.2) or a digest (app@sha256:...)" }],
    });
  }
  const at = image.indexOf("@sha256:");
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.indexOf(":", named.lastIndexOf("/") + 1);
  return {
    image,
    repository: colon < 0 ? named : named.slice(0, colon),
    tag: colon < 0 ? "" : named.slice(colon + 1),
    digest: at < 0 ? "" : image.slice(at + 1),
  };
}
