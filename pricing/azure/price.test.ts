import { describe, expect, it } from "vitest";
import { toCents } from "../money.js";
import type { RawComponent } from "../types.js";
import { getAzureRates } from "./catalogue.js";
import { priceAzureComponent, priceAzureSpec } from "./price.js";
import { AZURE_USAGE_KEYS, type AzureSpec } from "./specs.js";

const card = getAzureRates("eastus");
const west = getAzureRates("westeurope");
const HOURS = 730;
const SECONDS = HOURS * 3600;

function rate(key: string, from = card): number {
  const value = from.rates[key];
  if (value === undefined) throw new Error(`test card lacks ${key}`);
  return value;
}

function lines(spec: AzureSpec, usage: Record<string, number> = {}, from = card): RawComponent[] {
  const result = priceAzureSpec(spec, from, usage);
  if (!result.ok) throw new Error(result.reason);
  return result.components;
}

/** [price, monthlyQuantity, usageBased] of each line, the part every expectation checks. */
const shape = (components: RawComponent[]) => components.map((c) => [c.price, c.monthlyQuantity, c.usageBased]);

describe("priceAzureSpec: each kind at the card's rate × quantity", () => {
  const covered = new Set<string>();
  const check = (spec: AzureSpec, usage: Record<string, number>, expected: [number, number | null, boolean][], from = card) => {
    covered.add(spec.kind);
    const got = shape(lines(spec, usage, from));
    expect(got.length).toBe(expected.length);
    expected.forEach(([price, quantity, usageBased], i) => {
      expect(got[i]?.[0]).toBeCloseTo(price, 12);
      if (quantity === null) expect(got[i]?.[1]).toBeNull();
      else expect(got[i]?.[1]).toBeCloseTo(quantity, 6);
      expect(got[i]?.[2]).toBe(usageBased);
    });
  };

  it("container apps: always-on replicas fixed, requests and peak replicas usage", () => {
    const spec: AzureSpec = { kind: "container-app", vcpu: 0.5, memoryGb: 1, replicas: 2 };
    const vcpu = rate("container-apps.vcpu-second");
    const gib = rate("container-apps.gib-second");
    const replicaHour = (0.5 * vcpu + 1 * gib) * 3600;
    check(spec, {}, [
      [vcpu, 0.5 * 2 * SECONDS, false],
      [gib, 1 * 2 * SECONDS, false],
      [rate("container-apps.million-requests"), null, true],
      [replicaHour, null, true],
    ]);
    check(spec, { monthly_requests: 5_000_000, monthly_extra_replica_hours: 100 }, [
      [vcpu, 0.5 * 2 * SECONDS, false],
      [gib, 1 * 2 * SECONDS, false],
      [rate("container-apps.million-requests"), 5, true],
      [replicaHour, 100, true],
    ]);
    const job: AzureSpec = { kind: "container-app-job", vcpu: 1, memoryGb: 2, replicasPerRun: 2, runsPerMonth: 30, runMinutes: 10 };
    const jobSeconds = 2 * 30 * 10 * 60;
    check(job, {}, [
      [vcpu, 1 * jobSeconds, false],
      [gib, 2 * jobSeconds, false],
    ]);
  });

  it("AKS control plane and VMs", () => {
    check({ kind: "aks-control-plane", tier: "standard", count: 2 }, {}, [[rate("aks.standard.cluster-hour"), 2 * HOURS, false]]);
    check({ kind: "aks-control-plane", tier: "free" }, {}, [[0, HOURS, false]]);
    check({ kind: "vm", size: "Standard_D4s_v5", count: 3 }, {}, [[rate("vm.Standard_D4s_v5.hour"), 3 * HOURS, false]]);
    check({ kind: "vm", size: "Standard_D4s_v5", count: 3, spot: true }, {}, [[rate("vm.Standard_D4s_v5.spot.hour"), 3 * HOURS, false]]);
    check({ kind: "vm", size: "Standard_E2s_v5" }, {}, [[rate("vm.Standard_E2s_v5.hour", west), HOURS, false]], west);
  });

  it("flexible servers: HA and replicas multiply compute and storage; backup is usage", () => {
    check({ kind: "postgres-flexible", sku: "GP_Standard_D2ds_v5", storageGb: 128, highAvailability: "ZoneRedundant" }, {}, [
      [rate("postgres-flexible.GP_Standard_D2ds_v5.hour"), 2 * HOURS, false],
      [rate("postgres-flexible.storage.gb-month"), 2 * 128, false],
      [rate("postgres-flexible.backup.gb-month"), null, true],
    ]);
    check({ kind: "postgres-flexible", sku: "GP_Standard_D4ds_v5", storageGb: 64, highAvailability: "SameZone", replicas: 1 }, { backup_storage_gb: 40 }, [
      [rate("postgres-flexible.GP_Standard_D4ds_v5.hour"), 4 * HOURS, false],
      [rate("postgres-flexible.storage.gb-month"), 4 * 64, false],
      [rate("postgres-flexible.backup.gb-month"), 40, true],
    ]);
    check({ kind: "mysql-flexible", sku: "B_Standard_B1ms", storageGb: 20, highAvailability: "none" }, {}, [
      [rate("mysql-flexible.B_Standard_B1ms.hour"), HOURS, false],
      [rate("mysql-flexible.storage.gb-month"), 20, false],
      [rate("mysql-flexible.backup.gb-month"), null, true],
    ]);
  });

  it("Redis by SKU and capacity, Premium shards multiply", () => {
    check({ kind: "redis", sku: "Standard", capacity: 1 }, {}, [[rate("redis.Standard.C1.hour"), HOURS, false]]);
    check({ kind: "redis", sku: "Premium", capacity: 1, shards: 3 }, {}, [[rate("redis.Premium.P1.hour"), 3 * HOURS, false]]);
  });

  it("storage account: stored data and operations are usage unless stored GB is given", () => {
    check({ kind: "storage-account", replication: "ZRS" }, {}, [
      [rate("storage.hot.ZRS.gb-month"), null, true],
      [rate("storage.hot.ZRS.write-10k"), null, true],
      [rate("storage.hot.ZRS.read-10k"), null, true],
    ]);
    check({ kind: "storage-account", replication: "RAGRS", storageGb: 500 }, { monthly_write_operations: 2_000_000, monthly_read_operations: 50_000 }, [
      [rate("storage.hot.RAGRS.gb-month"), 500, false],
      [rate("storage.hot.RAGRS.write-10k"), 200, true],
      [rate("storage.hot.RAGRS.read-10k"), 5, true],
    ]);
  });

  it("Service Bus per tier", () => {
    check({ kind: "service-bus", tier: "Basic" }, { monthly_operations: 3_000_000 }, [[rate("service-bus.Basic.million-operations"), 3, true]]);
    check({ kind: "service-bus", tier: "Standard" }, {}, [
      [rate("service-bus.Standard.hour"), HOURS, false],
      [rate("service-bus.Standard.million-operations"), null, true],
    ]);
    check({ kind: "service-bus", tier: "Premium", messagingUnits: 2 }, {}, [[rate("service-bus.Premium.messaging-unit-hour"), 2 * HOURS, false]]);
  });

  it("Front Door, Application Gateway and WAF policy", () => {
    check({ kind: "front-door", tier: "Premium" }, { monthly_requests: 1_000_000 }, [
      [rate("front-door.Premium.month"), 1, false],
      [rate("front-door.Premium.10k-requests"), 100, true],
      [rate("front-door.Premium.outbound-gb"), null, true],
    ]);
    check({ kind: "app-gateway", sku: "WAF_v2", minCapacity: 2 }, {}, [
      [rate("app-gateway.WAF_v2.hour"), HOURS, false],
      [rate("app-gateway.WAF_v2.capacity-unit-hour"), 2 * HOURS, false],
      [rate("app-gateway.WAF_v2.capacity-unit-hour"), null, true],
    ]);
    check({ kind: "waf-policy", customRules: 3 }, {}, [
      [rate("waf-policy.month"), 1, false],
      [rate("waf-policy.custom-rule-month"), 3, false],
      [rate("waf-policy.million-requests"), null, true],
    ]);
  });

  it("Key Vault, Log Analytics and metric alerts", () => {
    check({ kind: "key-vault", tier: "premium", hsmKeys: 2 }, { monthly_operations: 30_000 }, [
      [rate("key-vault.premium.10k-operations"), 3, true],
      [rate("key-vault.premium.hsm-key-month"), 2, false],
    ]);
    check({ kind: "key-vault", tier: "standard" }, {}, [[rate("key-vault.standard.10k-operations"), null, true]]);
    check({ kind: "log-analytics" }, {}, [[rate("log-analytics.ingestion.gb"), null, true]]);
    check({ kind: "log-analytics" }, { monthly_ingested_gb: 12 }, [[rate("log-analytics.ingestion.gb"), 12, true]]);
    check({ kind: "monitor-alert", count: 4 }, {}, [[rate("monitor.metric-alert.time-series-month"), 4, false]]);
  });

  it("network pieces, registry, DNS zone and data transfer", () => {
    check({ kind: "nat-gateway", count: 2 }, {}, [
      [rate("nat-gateway.hour"), 2 * HOURS, false],
      [rate("nat-gateway.gb"), null, true],
    ]);
    check({ kind: "public-ip", count: 3 }, {}, [[rate("public-ip.standard.hour"), 3 * HOURS, false]]);
    check({ kind: "private-endpoint" }, { monthly_data_processed_gb: 10 }, [
      [rate("private-endpoint.hour"), HOURS, false],
      [rate("private-endpoint.gb"), 10, true],
    ]);
    check({ kind: "container-registry", sku: "Premium" }, {}, [[rate("container-registry.Premium.day"), HOURS / 24, false]]);
    check({ kind: "private-dns-zone", count: 2 }, {}, [[rate("private-dns.zone-month"), 2, false]]);
    // 100 GiB fits the 128 GiB tier (P10); 129 GiB needs the 256 GiB tier (E15 for Standard SSD)
    check({ kind: "managed-disk", sku: "Premium_LRS", sizeGb: 100, count: 3 }, {}, [[rate("managed-disk.P10.month"), 3, false]]);
    check({ kind: "managed-disk", sku: "StandardSSD_LRS", sizeGb: 129 }, {}, [[rate("managed-disk.E15.month"), 1, false]]);
    check({ kind: "data-transfer" }, {}, [[rate("data-transfer.internet.gb"), null, true]]);
    check({ kind: "data-transfer", monthlyGb: 250 }, {}, [[rate("data-transfer.internet.gb"), 250, false]]);
  });

  it("covered every spec kind", () => {
    expect([...covered].sort()).toEqual(Object.keys(AZURE_USAGE_KEYS).sort());
  });
});

describe("priceAzureSpec refusals", () => {
  it("names a size the card has no rate for", () => {
    const result = priceAzureSpec({ kind: "vm", size: "Standard_F72s_v2" }, card, {});
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("Standard_F72s_v2") });
  });

  it("refuses a disk larger than the largest tier", () => {
    expect(priceAzureSpec({ kind: "managed-disk", sku: "Premium_LRS", sizeGb: 4096 }, card, {})).toEqual({
      ok: false,
      reason: expect.stringContaining("4096"),
    });
  });

  it("refuses shards outside Premium and HSM keys in a standard vault", () => {
    expect(priceAzureSpec({ kind: "redis", sku: "Standard", capacity: 1, shards: 2 }, card, {}).ok).toBe(false);
    expect(priceAzureSpec({ kind: "key-vault", tier: "standard", hsmKeys: 1 }, card, {}).ok).toBe(false);
  });
});

describe("priceAzureComponent", () => {
  // money.ts's rule: half-up to cents after 12 significant digits
  const cents = toCents;

  it("rounds each line to cents and sums them", () => {
    const price = priceAzureComponent(
      { kind: "postgres-flexible", sku: "GP_Standard_D2ds_v5", storageGb: 128, highAvailability: "ZoneRedundant" },
      "westeurope",
    );
    const compute = 2 * HOURS * rate("postgres-flexible.GP_Standard_D2ds_v5.hour", west);
    const storage = 256 * rate("postgres-flexible.storage.gb-month", west);
    expect(price).toMatchObject({ kind: "postgres-flexible", region: "westeurope", priceVersion: west.priceVersion, unpricedUsageItems: 1 });
    expect(price.costComponents.map((c) => c.monthlyCost)).toEqual([cents(compute) / 100, cents(storage) / 100, null]);
    expect(price.monthlyCost).toBe((cents(compute) + cents(storage)) / 100);
  });

  it("prices usage lines when figures are given", () => {
    const price = priceAzureComponent({ kind: "nat-gateway" }, "eastus", { monthly_data_processed_gb: 1000 });
    expect(price.unpricedUsageItems).toBe(0);
    expect(price.monthlyCost).toBe((cents(HOURS * rate("nat-gateway.hour")) + cents(1000 * rate("nat-gateway.gb"))) / 100);
  });

  it("throws VALIDATION_FAILED with unpricedIn for a size the card lacks", () => {
    expect(() => priceAzureComponent({ kind: "redis", sku: "Premium", capacity: 5 }, "eastus")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", details: { unpricedIn: "eastus" }, message: expect.stringContaining("P5") }),
    );
  });

  it("throws VALIDATION_FAILED for a malformed spec, bad usage or an unknown region", () => {
    expect(() => priceAzureComponent({ kind: "vm", size: "" } as AzureSpec, "eastus")).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => priceAzureComponent({ kind: "log-analytics" }, "eastus", { monthly_ingested_gb: -1 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => priceAzureComponent({ kind: "log-analytics" }, "mars")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining("eastus") }),
    );
  });
});
