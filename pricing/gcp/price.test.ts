import { describe, expect, it } from "vitest";
import { HOURS_PER_MONTH } from "../catalogue.js";
import { toCents } from "../money.js";
import type { RateCard } from "../rate-card.js";
import type { RawComponent } from "../types.js";
import { getGcpRates } from "./catalogue.js";
import { cloudSqlShape, machineShape, NAT_PRICED_VMS, priceGcpComponent, priceGcpSpec, redisBand } from "./price.js";
import { GCP_USAGE_KEYS, type GcpSpec } from "./specs.js";

const card = getGcpRates("us-central1");
const rate = (key: string): number => {
  const value = card.rates[key];
  if (value === undefined) throw new Error(`test card lacks ${key}`);
  return value;
};
const SECONDS = HOURS_PER_MONTH * 3600;

function components(spec: GcpSpec, usage: Record<string, number> = {}, from: RateCard = card): RawComponent[] {
  const result = priceGcpSpec(spec, from, usage);
  if (!result.ok) throw new Error(result.reason);
  return result.components;
}
/** quantity × price of every line that has a quantity */
const total = (lines: RawComponent[]) => lines.reduce((sum, line) => sum + (line.monthlyQuantity ?? 0) * line.price, 0);

describe("priceGcpSpec: configuration-based lines", () => {
  it("Cloud Run, CPU always allocated: minimum instances all month per vCPU-second and GiB-second", () => {
    const lines = components({ kind: "cloud-run", vcpu: 2, memoryGb: 1, minInstances: 3 });
    expect(lines[0]).toMatchObject({ monthlyQuantity: 3 * 2 * SECONDS, price: rate("cloud-run.instance.vcpu-second"), usageBased: false });
    expect(lines[1]).toMatchObject({ monthlyQuantity: 3 * 1 * SECONDS, price: rate("cloud-run.instance.gib-second"), usageBased: false });
    expect(lines[2]).toMatchObject({ usageBased: true, monthlyQuantity: null });
  });

  it("Cloud Run, request-based: idle minimum instances at the idle rate, requests and serving time as usage", () => {
    const lines = components({ kind: "cloud-run-request-based", vcpu: 1, memoryGb: 0.5, minInstances: 1 });
    expect(lines[0]).toMatchObject({ monthlyQuantity: SECONDS, price: rate("cloud-run.request.min-instance.vcpu-second") });
    expect(lines[1]).toMatchObject({ monthlyQuantity: 0.5 * SECONDS, price: rate("cloud-run.request.min-instance.gib-second") });
    expect(lines.slice(2).every((line) => line.usageBased && line.monthlyQuantity === null)).toBe(true);
    const noMin = components({ kind: "cloud-run-request-based", vcpu: 1, memoryGb: 0.5, minInstances: 0 });
    expect(total(noMin)).toBe(0);
    const used = components(
      { kind: "cloud-run-request-based", vcpu: 1, memoryGb: 0.5, minInstances: 0 },
      { monthly_requests: 3e6, monthly_active_instance_seconds: 1000 },
    );
    const perInstanceSecond = 1 * rate("cloud-run.request.vcpu-second") + 0.5 * rate("cloud-run.request.gib-second");
    expect(total(used)).toBeCloseTo(3 * rate("cloud-run.requests.million") + 1000 * perInstanceSecond, 10);
  });

  it("Cloud Run job: runs × tasks × minutes of vCPU and memory", () => {
    const lines = components({ kind: "cloud-run-job", vcpu: 1, memoryGb: 2, tasksPerRun: 3, runsPerMonth: 30, runMinutes: 10 });
    const taskSeconds = 30 * 3 * 10 * 60;
    expect(lines).toHaveLength(2);
    expect(total(lines)).toBeCloseTo(taskSeconds * (rate("cloud-run.job.vcpu-second") + 2 * rate("cloud-run.job.gib-second")), 10);
  });

  it("GKE cluster management fee per cluster-hour", () => {
    expect(components({ kind: "gke-cluster", count: 2 })[0]).toMatchObject({
      hourlyQuantity: 2,
      monthlyQuantity: 2 * HOURS_PER_MONTH,
      price: rate("gke.cluster.hour"),
    });
  });

  it("Compute Engine machine types from per-vCPU and per-GB rates, on-demand and Spot", () => {
    const e2 = components({ kind: "compute-instance", machineType: "e2-standard-4", count: 3 })[0];
    expect(e2?.price).toBeCloseTo(4 * rate("compute.e2.vcpu-hour") + 16 * rate("compute.e2.ram-gb-hour"), 12);
    expect(e2).toMatchObject({ hourlyQuantity: 3, monthlyQuantity: 3 * HOURS_PER_MONTH });
    const medium = components({ kind: "compute-instance", machineType: "e2-medium" })[0];
    expect(medium?.price).toBeCloseTo(1 * rate("compute.e2.vcpu-hour") + 4 * rate("compute.e2.ram-gb-hour"), 12);
    const n2 = components({ kind: "compute-instance", machineType: "n2-standard-8", spot: true })[0];
    expect(n2?.price).toBeCloseTo(8 * rate("compute.n2.spot.vcpu-hour") + 32 * rate("compute.n2.spot.ram-gb-hour"), 12);
  });

  it("knows machine shapes from Google's tables and nothing else", () => {
    expect(machineShape("e2-highmem-4")).toEqual({ family: "e2", vcpu: 4, memoryGb: 32 });
    expect(machineShape("n2-highcpu-16")).toEqual({ family: "n2", vcpu: 16, memoryGb: 16 });
    expect(machineShape("e2-standard-3")).toBeUndefined();
    expect(machineShape("c3-standard-4")).toBeUndefined();
    const result = priceGcpSpec({ kind: "compute-instance", machineType: "c3-standard-4" }, card);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("c3-standard-4") });
  });

  it("persistent disk per GB-month", () => {
    expect(total(components({ kind: "persistent-disk", type: "pd-ssd", sizeGb: 50, count: 2 }))).toBeCloseTo(100 * rate("compute.pd-ssd.gb-month"), 10);
  });

  it("Cloud SQL db-custom: per vCPU and GB of RAM, regional rates with HA", () => {
    const zonal = components({ kind: "cloud-sql", engine: "postgres", tier: "db-custom-2-7680", highAvailability: false, storageGb: 100 });
    const computeHour = 2 * rate("cloud-sql.postgres.vcpu-hour") + 7.5 * rate("cloud-sql.postgres.ram-gb-hour");
    expect(total(zonal)).toBeCloseTo(computeHour * HOURS_PER_MONTH + 100 * rate("cloud-sql.ssd.gb-month"), 8);
    const ha = components({ kind: "cloud-sql", engine: "mysql", tier: "db-custom-2-7680", highAvailability: true, storageGb: 100, storageType: "HDD" });
    const haHour = 2 * rate("cloud-sql.mysql.ha.vcpu-hour") + 7.5 * rate("cloud-sql.mysql.ha.ram-gb-hour");
    expect(total(ha)).toBeCloseTo(haHour * HOURS_PER_MONTH + 100 * rate("cloud-sql.hdd.ha.gb-month"), 8);
    expect(ha.at(-1)).toMatchObject({ name: "Backup storage", usageBased: true, monthlyQuantity: null });
  });

  it("Cloud SQL shared-core tiers and read replicas (zonal copies of compute and storage)", () => {
    const micro = components(
      { kind: "cloud-sql", engine: "postgres", tier: "db-f1-micro", highAvailability: false, storageGb: 10, replicas: 2 },
      { backup_storage_gb: 20 },
    );
    const expected =
      3 * rate("cloud-sql.postgres.db-f1-micro.hour") * HOURS_PER_MONTH + 3 * 10 * rate("cloud-sql.ssd.gb-month") + 20 * rate("cloud-sql.backup.gb-month");
    expect(total(micro)).toBeCloseTo(expected, 8);
    expect(cloudSqlShape("db-n1-standard-4")).toEqual({ vcpu: 4, memoryGb: 15 });
    expect(priceGcpSpec({ kind: "cloud-sql", engine: "postgres", tier: "db-perf-optimized-N-2", highAvailability: false, storageGb: 10 }, card)).toMatchObject({
      ok: false,
    });
  });

  it("Memorystore per GB-hour at the capacity band's rate", () => {
    expect(redisBand(4)).toBe("M1");
    expect(redisBand(5)).toBe("M2");
    expect(redisBand(35)).toBe("M3");
    expect(redisBand(100)).toBe("M4");
    expect(redisBand(101)).toBe("M5");
    const line = components({ kind: "memorystore-redis", tier: "STANDARD_HA", memoryGb: 5 })[0];
    expect(line).toMatchObject({ hourlyQuantity: 5, monthlyQuantity: 5 * HOURS_PER_MONTH, price: rate("memorystore.STANDARD_HA.M2.gb-hour") });
  });

  it("Cloud Storage: stored GB by location type; operations as usage per 10k", () => {
    const fixed = components({ kind: "gcs-bucket", locationType: "multi-region", storageGb: 200 });
    expect(fixed[0]).toMatchObject({ monthlyQuantity: 200, price: rate("gcs.standard.multi-region.gb-month"), usageBased: false });
    const used = components(
      { kind: "gcs-bucket", locationType: "region" },
      { storage_gb: 10, monthly_class_a_operations: 50_000, monthly_class_b_operations: 1e6 },
    );
    const expected =
      10 * rate("gcs.standard.region.gb-month") + 5 * rate("gcs.class-a.region.10k-operations") + 100 * rate("gcs.class-b.region.10k-operations");
    expect(total(used)).toBeCloseTo(expected, 10);
  });

  it("load balancer: one charge for the first five forwarding rules, then per rule", () => {
    const five = components({ kind: "load-balancer", forwardingRules: 5 });
    expect(total(five)).toBeCloseTo(rate("lb.forwarding-rules.first-5.hour") * HOURS_PER_MONTH, 10);
    const seven = components({ kind: "load-balancer", forwardingRules: 7 }, { monthly_data_processed_gb: 100 });
    const expected =
      (rate("lb.forwarding-rules.first-5.hour") + 2 * rate("lb.forwarding-rule.additional.hour")) * HOURS_PER_MONTH + 100 * rate("lb.data-processed.gib");
    expect(total(seven)).toBeCloseTo(expected, 10);
  });

  it("Cloud Armor, Secret Manager, Scheduler: per policy, rule, version and job a month", () => {
    expect(total(components({ kind: "cloud-armor", rules: 4 }))).toBeCloseTo(rate("armor.policy.month") + 4 * rate("armor.rule.month"), 10);
    expect(total(components({ kind: "secret-manager", versions: 3 }))).toBeCloseTo(3 * rate("secret-manager.version.month"), 10);
    expect(total(components({ kind: "cloud-scheduler", jobs: 5 }))).toBeCloseTo(5 * rate("scheduler.job.month"), 10);
  });

  it("Cloud KMS: per active key version a month, operations per 10k as usage", () => {
    const lines = components({ kind: "kms-key", versions: 2, count: 3 }, { monthly_operations: 50_000 });
    expect(total(lines)).toBeCloseTo(6 * rate("kms.software-key-version.month") + 5 * rate("kms.operations.10k-operations"), 10);
  });

  it("Cloud NAT: gateway uptime for 32 VMs per gateway, data processed as usage", () => {
    const lines = components({ kind: "cloud-nat", count: 2 }, { monthly_data_processed_gb: 1000 });
    expect(lines[0]).toMatchObject({ hourlyQuantity: 2 });
    expect(lines[0]?.price).toBeCloseTo(NAT_PRICED_VMS * rate("nat.gateway.vm-hour"), 12);
    expect(total(lines)).toBeCloseTo(2 * HOURS_PER_MONTH * NAT_PRICED_VMS * rate("nat.gateway.vm-hour") + 1000 * rate("nat.data-processed.gib"), 8);
  });

  it("internet egress: a given figure is priced, no figure leaves a usage line", () => {
    expect(total(components({ kind: "data-transfer", monthlyGb: 500 }))).toBeCloseTo(500 * rate("egress.internet.premium.gib"), 10);
    expect(components({ kind: "data-transfer" })[0]).toMatchObject({ usageBased: true, monthlyQuantity: null });
  });

  it("Cloud Monitoring alerting: per condition a month from the card, and unpriced with a reason on a card without the rate", () => {
    const { "monitoring.alert-condition.month": rate, ...others } = card.rates;
    expect(rate).toBeGreaterThan(0);
    expect(total(components({ kind: "monitoring-alert", conditions: 3 }, {}, card))).toBeCloseTo(3 * (rate ?? 0), 10);
    const result = priceGcpSpec({ kind: "monitoring-alert", conditions: 3 }, { ...card, rates: others });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/alerting conditions.*unconfirmed/) });
  });
});

describe("priceGcpSpec: usage lines", () => {
  const usageOnly: GcpSpec[] = [
    { kind: "pubsub" },
    { kind: "cloud-logging" },
    { kind: "artifact-registry" },
    { kind: "gcs-bucket", locationType: "dual-region" },
    { kind: "data-transfer" },
  ];

  it("every usage line has a null quantity without a figure, and the kinds with only usage cost nothing then", () => {
    for (const spec of usageOnly) {
      const lines = components(spec);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatchObject({ usageBased: true, monthlyQuantity: null });
    }
  });

  it("reads exactly the figures GCP_USAGE_KEYS lists", () => {
    const values = { monthly_throughput_gb: 10, monthly_ingested_gb: 20, storage_gb: 30, monthly_gb: 40 };
    expect(total(components({ kind: "pubsub" }, values))).toBeCloseTo(10 * rate("pubsub.throughput.gib"), 10);
    expect(total(components({ kind: "cloud-logging" }, values))).toBeCloseTo(20 * rate("logging.ingestion.gib"), 10);
    expect(total(components({ kind: "artifact-registry" }, values))).toBeCloseTo(30 * rate("artifact-registry.storage.gb-month"), 10);
    expect(GCP_USAGE_KEYS.pubsub).toEqual(["monthly_throughput_gb"]);
  });

  it("a card without a rate gives a reason, never a zero", () => {
    const { "pubsub.throughput.gib": _dropped, ...rates } = card.rates;
    const result = priceGcpSpec({ kind: "pubsub" }, { ...card, rates });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("pubsub.throughput.gib") });
  });
});

describe("priceGcpComponent", () => {
  it("rounds each line to cents once and sums the cents", () => {
    const priced = priceGcpComponent({ kind: "compute-instance", machineType: "e2-standard-4", count: 2 }, "europe-west1");
    const eu = getGcpRates("europe-west1");
    const hourPrice = 4 * (eu.rates["compute.e2.vcpu-hour"] ?? Number.NaN) + 16 * (eu.rates["compute.e2.ram-gb-hour"] ?? Number.NaN);
    expect(priced).toMatchObject({ kind: "compute-instance", region: "europe-west1", priceVersion: eu.priceVersion, unpricedUsageItems: 0 });
    expect(priced.monthlyCost).toBe(toCents(2 * HOURS_PER_MONTH * hourPrice) / 100);
  });

  it("counts usage lines left without figures", () => {
    const priced = priceGcpComponent({ kind: "cloud-nat" }, "us-central1");
    expect(priced.unpricedUsageItems).toBe(1);
    expect(priced.monthlyCost).toBe(toCents(HOURS_PER_MONTH * NAT_PRICED_VMS * rate("nat.gateway.vm-hour")) / 100);
  });

  it("throws VALIDATION_FAILED naming the region for a rate the card lacks", () => {
    expect(() => priceGcpComponent({ kind: "compute-instance", machineType: "c3-standard-4" }, "us-central1")).toThrow(/c3-standard-4/);
    try {
      priceGcpComponent({ kind: "cloud-sql", engine: "postgres", tier: "db-perf-optimized-N-2", highAvailability: true, storageGb: 20 }, "us-central1");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "VALIDATION_FAILED", details: { unpricedIn: "us-central1" } });
    }
  });

  it("rejects a malformed spec, malformed usage and an unknown region", () => {
    expect(() => priceGcpComponent({ kind: "gke-cluster", count: -1 }, "us-central1")).toThrow(/Invalid Google Cloud spec/);
    expect(() => priceGcpComponent({ kind: "pubsub" }, "us-central1", { monthly_throughput_gb: -5 })).toThrow(/Invalid usage/);
    expect(() => priceGcpComponent({ kind: "pubsub" }, "mars-north1")).toThrow(/supported regions/);
  });
});
