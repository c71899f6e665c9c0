import { ec2HourlyRate, HOURS_PER_MONTH, type RegionPrices } from "../catalogue.js";
import type { ComponentSpec } from "../component-spec.js";
import type { PricingResult, UsageValues } from "../types.js";
import { fail, hourly, ok, usage } from "./build.js";

type Spec<K extends ComponentSpec["kind"]> = Extract<ComponentSpec, { kind: K }>;

/** Fargate bills ephemeral storage only above this many GB per task. */
const FARGATE_FREE_EPHEMERAL_GB = 20;

/** EC2 instances, Linux on-demand (listed types, or sizes of a family the sheet prices compactly). */
export function priceEc2(spec: Spec<"ec2">, prices: RegionPrices): PricingResult {
  const rate = ec2HourlyRate(prices, spec.instanceType);
  if (!rate.ok) return fail(rate.reason);
  return ok([hourly(`Instance usage (Linux/UNIX, on-demand, ${spec.instanceType})`, rate.hour, spec.count ?? 1)]);
}

/** What a scheduled spec's lines say about the runs they price. */
function scheduleLabel(schedule: NonNullable<Spec<"fargate">["schedule"]>): string {
  const runs = Number(schedule.runsPerMonth.toPrecision(4));
  return `, scheduled: ${runs} runs × ${schedule.runMinutes} min${schedule.note ? `; ${schedule.note}` : ""}`;
}

/**
 * Fargate tasks: vCPU-hours, GB-hours and extra ephemeral storage, at on-demand or Spot rates.
 * Tasks run all month, or, with a `schedule`, only for runs per month × minutes per run
 * (Fargate bills per second). Spot is a moving price: the line names the date it was read.
 */
export function priceFargate(spec: Spec<"fargate">, prices: RegionPrices): PricingResult {
  const arch = spec.architecture ?? "x86_64";
  const spot = spec.capacity === "spot";
  // "Fargate Spot only supports Linux tasks with the X86_64 architecture" (Amazon ECS developer guide).
  if (spot && arch !== "x86_64") return fail("Fargate Spot runs x86_64 tasks only; arm64 tasks cannot use it");
  const rates = spot ? prices.fargate.spot.x86_64 : prices.fargate[arch];
  const tasks = spec.tasks ?? 1;
  const schedule = spec.schedule;
  const hours = schedule ? (schedule.runsPerMonth * schedule.runMinutes) / 60 : HOURS_PER_MONTH;
  const label = schedule ? scheduleLabel(schedule) : "";
  const what = spot ? `Fargate Spot (price of ${prices.fargate.spot.asOf}, varies)` : "Fargate";
  const components = [
    hourly(`${what} vCPU (${arch}${label})`, rates.vcpuHour, tasks * spec.vcpu, "vCPU-hours", hours),
    hourly(`${what} memory (${arch}${label})`, rates.gbHour, tasks * spec.memoryGb, "GB-hours", hours),
  ];
  const extraGb = (spec.ephemeralStorageGb ?? 0) - FARGATE_FREE_EPHEMERAL_GB;
  if (extraGb > 0) {
    components.push(
      hourly(`Fargate ephemeral storage above 20 GB${label ? ` (${label.slice(2)})` : ""}`, prices.fargate.ephemeralGbHour, tasks * extraGb, "GB-hours", hours),
    );
  }
  return ok(components);
}

/** The EKS control plane (standard support). */
export function priceEksControlPlane(spec: Spec<"eks-control-plane">, prices: RegionPrices): PricingResult {
  return ok([hourly("EKS control plane", prices.eks.clusterHour, spec.count ?? 1)]);
}

/** Lambda: requests and duration, both usage-based (x86 rates, no free tier). */
export function priceLambda(prices: RegionPrices, values: UsageValues): PricingResult {
  return ok([
    usage("Requests", "1M requests", prices.lambda.perMillionRequests, values.monthly_requests, 1e6),
    usage("Duration", "GB-seconds", prices.lambda.gbSecond, values.monthly_gb_seconds),
  ]);
}
