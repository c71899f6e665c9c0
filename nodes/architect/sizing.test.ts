import { describe, expect, it } from "vitest";
import { FARGATE_SIZES, GROWTH_CAP, growthFactor, sizePipeline, sizeService, sizeWorkers } from "./sizing.js";
import { DB_LADDER, dbStorage, minimumDbRung, requiredReplicas } from "./sizing-db.js";
import { sizeNodes } from "./sizing-nodes.js";

const RATES = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000];

function service(targetRps: number, azCount = 3, nPlusOne = true) {
  return sizeService({ targetRps, payloadKb: 4, azCount, minTasks: nPlusOne ? azCount : 1, nPlusOne, minCpu: 0.5 });
}

describe("sizeService", () => {
  it("is monotonic in rps: capacity and total vCPU never shrink as traffic grows", () => {
    let previous = service(RATES[0] ?? 1);
    for (const rps of RATES.slice(1)) {
      const next = service(rps);
      expect(next.capacityRate).toBeGreaterThanOrEqual(previous.capacityRate);
      expect(next.tasks * next.cpu).toBeGreaterThanOrEqual(previous.tasks * previous.cpu);
      previous = next;
    }
  });

  it("keeps at least 30 % headroom and the N+1 figure", () => {
    for (const rps of RATES) {
      const s = service(rps);
      expect(s.capacityRate).toBeGreaterThanOrEqual(rps * 1.3);
      expect(s.headroomPercent).toBeGreaterThanOrEqual(30);
      // With one of three AZs lost, the survivors still carry peak at the degraded rating.
      expect(((s.tasks * 2) / 3) * s.perTaskRate * (85 / 70)).toBeGreaterThanOrEqual(rps);
      expect(s.tasks % 3).toBe(0);
    }
  });

  it("uses the 0.25 vCPU ≈ 50 rps rule and valid Fargate cpu/memory pairs", () => {
    const dev = sizeService({ targetRps: 40, payloadKb: 2, azCount: 1, minTasks: 1, nPlusOne: false, minCpu: 0.25 });
    expect(dev).toMatchObject({ cpu: 0.25, memoryMb: 512, tasks: 2, perTaskRate: 50 });
    for (const rps of RATES) {
      const s = service(rps);
      const size = FARGATE_SIZES.find((f) => f.cpu === s.cpu);
      expect(size).toBeDefined();
      expect(s.memoryMb).toBeGreaterThanOrEqual(size?.minMb ?? Number.POSITIVE_INFINITY);
      expect(s.memoryMb).toBeLessThanOrEqual(size?.maxMb ?? 0);
    }
  });

  it("needs more tasks for heavier payloads", () => {
    const light = sizeService({ targetRps: 500, payloadKb: 4, azCount: 2, minTasks: 2, nPlusOne: false, minCpu: 0.5 });
    const heavy = sizeService({ targetRps: 500, payloadKb: 256, azCount: 2, minTasks: 2, nPlusOne: false, minCpu: 0.5 });
    expect(heavy.tasks * heavy.cpu).toBeGreaterThan(light.tasks * light.cpu);
  });
});

describe("growth, workers, pipelines", () => {
  it("compounds monthly growth over 12 months and caps it", () => {
    expect(growthFactor(0)).toBe(1);
    expect(growthFactor(5)).toBeCloseTo(1.7959, 4);
    expect(growthFactor(50)).toBe(GROWTH_CAP);
  });

  it("sizes workers from messages per second, monotonically", () => {
    let last = 0;
    for (const mps of [1, 10, 100, 1000, 5000]) {
      const w = sizeWorkers(mps, 4, 2, 0.5);
      expect(w.capacityRate).toBeGreaterThanOrEqual(mps * 1.3);
      expect(w.capacityRate).toBeGreaterThanOrEqual(last);
      last = w.capacityRate;
    }
  });

  it("finishes a pipeline run within half its interval and bills only the duty cycle", () => {
    const hourly = sizePipeline(2000, 24, 1);
    expect(hourly.runHours).toBeLessThanOrEqual(0.5);
    expect(hourly.duty).toBeCloseTo((24 * hourly.runHours) / 24, 4);
    const daily = sizePipeline(100, 1, 1);
    expect(daily.runHours).toBeLessThanOrEqual(4);
    expect(daily.duty).toBeCloseTo(daily.runHours / 24, 4);
  });
});

describe("data stores and nodes", () => {
  it("picks a bigger database class for more load or data, and replicas beyond the top class", () => {
    expect(DB_LADDER[minimumDbRung(20, 5)]?.instanceClass).toBe("db.t4g.micro");
    expect(minimumDbRung(1000, 50)).toBeGreaterThan(minimumDbRung(100, 50));
    expect(minimumDbRung(100, 2000)).toBeGreaterThan(minimumDbRung(100, 50));
    expect(requiredReplicas(20000)).toBe(0);
    expect(requiredReplicas(60000)).toBe(2);
  });

  it("allocates storage with 30 % headroom and a 2-4× autoscaling ceiling", () => {
    expect(dbStorage(5, 1, "dev")).toEqual({ storageGb: 20, maxStorageGb: 100 });
    const prod = dbStorage(200, 1.5, "prod");
    expect(prod.storageGb).toBe(390);
    expect(prod.maxStorageGb / prod.storageGb).toBeGreaterThanOrEqual(2);
    expect(prod.maxStorageGb / prod.storageGb).toBeLessThanOrEqual(4);
  });

  it("packs whole pods on EKS nodes with a spare node in prod", () => {
    const prod = sizeNodes({ pods: 12, podCpu: 1, podMemoryMb: 2048, arch: "x86_64", environment: "prod", azCount: 3 });
    expect(prod.instanceType).toBe("m6i.xlarge");
    expect(prod.nodes).toBe(5);
    const dev = sizeNodes({ pods: 2, podCpu: 0.25, podMemoryMb: 512, arch: "arm64", environment: "dev", azCount: 1 });
    expect(dev).toMatchObject({ instanceType: "t4g.medium", nodes: 1 });
  });
});
