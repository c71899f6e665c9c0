/**
 * Capacity sizing from the workload figures, using the rules of thumb in
 * `compute/service-sizing-from-rps.md`: a typical JSON API serves about 200 rps per vCPU
 * (0.25 vCPU ≈ 50 rps) at the target utilisation, 30 % headroom on top, N+1 across AZs for
 * the highest availability tier. Pure functions; every figure is derived, nothing measured.
 */

/** Minimum spare capacity over the 12-month peak. */
export const HEADROOM = 0.3;
/** Growth compounding is capped at this multiple, so a 100 %/month guess cannot ask for 4,096×. */
export const GROWTH_CAP = 4;
/** Requests per vCPU at target utilisation for a typical JSON API (payload up to 16 KiB). */
export const RPS_PER_VCPU = 200;
/** Queue messages per vCPU per second for a typical worker (~10 ms CPU each, payload up to 16 KiB). */
export const MESSAGES_PER_VCPU = 100;
/** Batch throughput per vCPU, GB per hour, for a typical transform. */
export const PIPELINE_GB_PER_VCPU_HOUR = 20;
/** ECS's default quota of tasks per service. */
export const MAX_TASKS_PER_SERVICE = 5000;
/** Move to a bigger task size rather than run more than this many tasks of a small one. */
const MAX_TASKS_PER_SIZE = 12;
/** With one AZ lost, survivors may run at 85 % rather than the 70 % the per-task figures assume. */
const DEGRADED_GAIN = 85 / 70;

/** Fargate CPU sizes (vCPU) with their valid memory range (MiB). */
export const FARGATE_SIZES: readonly { cpu: number; minMb: number; maxMb: number }[] = [
  { cpu: 0.25, minMb: 512, maxMb: 2048 },
  { cpu: 0.5, minMb: 1024, maxMb: 4096 },
  { cpu: 1, minMb: 2048, maxMb: 8192 },
  { cpu: 2, minMb: 4096, maxMb: 16384 },
  { cpu: 4, minMb: 8192, maxMb: 30720 },
];

/** Rounds away binary noise before a ceiling, so 2.6 × 1.3 / 1.3 does not become 3. */
function ceil(value: number): number {
  return Math.ceil(Number(value.toPrecision(12)));
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** 12-month traffic and data multiplier from monthly growth, capped at `GROWTH_CAP`. */
export function growthFactor(growthPercentPerMonth: number): number {
  return round(Math.min((1 + growthPercentPerMonth / 100) ** 12, GROWTH_CAP), 4);
}

/** Throughput multiplier for payload size: 1 up to 16 KiB, then proportionally less (floor 0.1). */
export function payloadFactor(payloadKb: number | undefined): number {
  const kb = payloadKb ?? 0;
  return kb <= 16 ? 1 : Math.max(0.1, round(16 / kb, 4));
}

/** Memory for a task: 2 GiB per vCPU (the valid minimum for 0.25), doubled for heavy payloads. */
export function fargateMemoryMb(cpu: number, payloadKb: number | undefined): number {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu) ?? FARGATE_SIZES[0];
  if (!size) throw new Error("no Fargate sizes");
  const base = Math.max(size.minMb, cpu * 2048);
  return (payloadKb ?? 0) > 256 ? Math.min(base * 2, size.maxMb) : base;
}

/** A sized group of identical tasks or pods. */
export interface ServiceSizing {
  cpu: number;
  memoryMb: number;
  tasks: number;
  maxTasks: number;
  /** Requests (or messages) per second one task sustains at the target utilisation. */
  perTaskRate: number;
  targetRate: number;
  capacityRate: number;
  headroomPercent: number;
}

/** Inputs to `sizeService`. */
export interface ServiceInput {
  /** Peak requests per second after 12-month growth. */
  targetRps: number;
  payloadKb: number | undefined;
  azCount: number;
  minTasks: number;
  /** Keep peak capacity with one AZ lost (N+1). */
  nPlusOne: boolean;
  /** Smallest task size to consider (0.5 vCPU in prod). */
  minCpu: number;
}

function finish(cpu: number, tasks: number, perTask: number, target: number, payloadKb: number | undefined, scaleOut: number): ServiceSizing {
  const capacity = round(tasks * perTask, 1);
  return {
    cpu,
    memoryMb: fargateMemoryMb(cpu, payloadKb),
    tasks,
    maxTasks: Math.max(tasks * scaleOut, tasks + 2),
    perTaskRate: round(perTask, 2),
    targetRate: target,
    capacityRate: capacity,
    headroomPercent: target > 0 ? round((capacity / target - 1) * 100, 1) : 100,
  };
}

/**
 * Tasks for a request-serving service: ceil(peak / per-task × (1 + headroom)), at least the
 * N+1 figure when asked, at least `minTasks`, rounded up to a multiple of the AZ count when
 * spread over several. Picks the smallest task size that needs at most 12 tasks.
 */
export function sizeService(input: ServiceInput): ServiceSizing {
  const sizes = FARGATE_SIZES.filter((s) => s.cpu >= input.minCpu);
  const perVcpu = RPS_PER_VCPU * payloadFactor(input.payloadKb);
  let chosen: { cpu: number; tasks: number; perTask: number } | undefined;
  for (const { cpu } of sizes) {
    const perTask = cpu * perVcpu;
    const normal = ceil((input.targetRps * (1 + HEADROOM)) / perTask);
    const az = input.azCount;
    const degraded = input.nPlusOne && az >= 2 ? ceil((input.targetRps / (perTask * DEGRADED_GAIN)) * (az / (az - 1))) : 0;
    let tasks = Math.max(normal, degraded, input.minTasks);
    if (az >= 2 && input.minTasks >= 2) tasks = Math.ceil(tasks / az) * az;
    chosen = { cpu, tasks, perTask };
    if (tasks <= MAX_TASKS_PER_SIZE) break;
  }
  if (!chosen) throw new Error(`no Fargate size of at least ${input.minCpu} vCPU`);
  return finish(chosen.cpu, chosen.tasks, chosen.perTask, input.targetRps, input.payloadKb, 2);
}

/** Workers for a queue: peak messages per second with headroom; scaled out on backlog up to 4×. */
export function sizeWorkers(targetMps: number, payloadKb: number | undefined, minTasks: number, minCpu: number): ServiceSizing {
  const perVcpu = MESSAGES_PER_VCPU * payloadFactor(payloadKb);
  const sizes = FARGATE_SIZES.filter((s) => s.cpu >= Math.max(0.5, minCpu));
  let chosen: { cpu: number; tasks: number; perTask: number } | undefined;
  for (const { cpu } of sizes) {
    const perTask = cpu * perVcpu;
    const tasks = Math.max(minTasks, ceil((targetMps * (1 + HEADROOM)) / perTask));
    chosen = { cpu, tasks, perTask };
    if (tasks <= MAX_TASKS_PER_SIZE) break;
  }
  if (!chosen) throw new Error("no Fargate size for workers");
  return finish(chosen.cpu, chosen.tasks, chosen.perTask, targetMps, payloadKb, 4);
}

/** A scheduled batch job: parallel tasks per run and how long each run takes. */
export interface PipelineSizing {
  cpu: number;
  memoryMb: number;
  tasks: number;
  runsPerDay: number;
  gbPerRun: number;
  /** Wall-clock hours per run, with headroom, in 0.05 h steps, at least 0.25 h. */
  runHours: number;
  /** Fraction of the month the tasks run: runs × hours / 24, at most 1. */
  duty: number;
}

/**
 * Sizes a batch run so it finishes within half its interval (at most 4 h): the smallest task
 * size, then the fewest parallel tasks (up to 10), at 20 GB per vCPU-hour plus headroom.
 */
export function sizePipeline(dataGb: number, runsPerDay: number, growth: number): PipelineSizing {
  const runs = Math.max(1, runsPerDay);
  const gbPerRun = round(Math.max(1, (dataGb * growth) / runs), 2);
  const window = Math.min(4, (24 / runs) * 0.5);
  let pick = { cpu: 4, tasks: 10 };
  outer: for (const cpu of [1, 2, 4]) {
    for (let tasks = 1; tasks <= 10; tasks++) {
      if ((gbPerRun / (tasks * cpu * PIPELINE_GB_PER_VCPU_HOUR)) * (1 + HEADROOM) <= window) {
        pick = { cpu, tasks };
        break outer;
      }
    }
  }
  const raw = (gbPerRun / (pick.tasks * pick.cpu * PIPELINE_GB_PER_VCPU_HOUR)) * (1 + HEADROOM);
  const runHours = Math.max(0.25, ceil(raw * 20) / 20);
  return {
    cpu: pick.cpu,
    memoryMb: pick.cpu * 4096,
    tasks: pick.tasks,
    runsPerDay: runs,
    gbPerRun,
    runHours,
    duty: round(Math.min(1, (runs * runHours) / 24), 4),
  };
}
