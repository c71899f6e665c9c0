import { mkdtemp, readdir, readFile as readFileAsync, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GCP_BILLING_SERVICES, GCP_RATE_KEYS, rateKeyDefinition } from "../gcp/rates.js";
import { type RateCard, rateCardSchema } from "../rate-card.js";
import { moneyValue, readRate, refreshGcpPrices } from "./gcp.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/gcp", import.meta.url));
const NOW = new Date("2026-03-15T12:00:00Z");
/** a value no fixture SKU has, so a kept rate is told from a refreshed one */
const OLD = 9.99;

let out: string;

function oldCard(region: string): RateCard {
  return {
    cloud: "gcp",
    region,
    currency: "USD",
    priceVersion: "gcp-catalog-2025-01",
    asOf: "2025-01-01",
    source: "test card",
    hoursPerMonth: 730,
    rates: Object.fromEntries(GCP_RATE_KEYS.map((entry) => [entry.key, OLD])),
  };
}

async function writeOld(region: string): Promise<string> {
  const path = join(out, `${region}.json`);
  await writeFile(path, `${JSON.stringify(oldCard(region), null, 2)}\n`);
  return path;
}

async function readCard(region: string): Promise<RateCard> {
  return rateCardSchema.parse(JSON.parse(await readFileAsync(join(out, `${region}.json`), "utf8")));
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), "atlas-gcp-refresh-"));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

/** USD per unit of a fixture tier, as the Catalog API writes it: units + nanos / 1e9. */
const usd = (units: number, nanos: number) => units + nanos / 1e9;

describe("refreshGcpPrices from recorded pages", () => {
  it("reads each key from the SKU of the region, skipping Spot, commitments, other regions and free tiers", async () => {
    await writeOld("us-central1");
    const result = await refreshGcpPrices({ regions: ["us-central1"], source: FIXTURES, out, now: NOW });
    const card = await readCard("us-central1");
    expect(card).toMatchObject({ priceVersion: "gcp-catalog-2026-03", asOf: "2026-03-15" });
    // E2 Instance Core running in Americas (OnDemand): units 0, nanos 21811300 — not the Spot (6543000) or 1-year (13741000) rows
    expect(card.rates["compute.e2.vcpu-hour"]).toBeCloseTo(usd(0, 21811300), 12);
    // the Spot row is read by the Spot key
    expect(card.rates["compute.e2.spot.vcpu-hour"]).toBeCloseTo(usd(0, 6543000), 12);
    // page 2 of Compute Engine: E2 RAM in Americas 2923000 nanos per GiB-hour
    expect(card.rates["compute.e2.ram-gb-hour"]).toBeCloseTo(usd(0, 2923000), 12);
    // zonal Balanced PD (100000000 nanos), not "Regional Balanced PD Capacity" (200000000)
    expect(card.rates["compute.pd-balanced.gb-month"]).toBeCloseTo(usd(0, 100000000), 12);
    // request-based CPU: tier 0 is free, the paid tier is 24000 nanos per vCPU-second (tier 2 row lists other regions)
    expect(card.rates["cloud-run.request.vcpu-second"]).toBeCloseTo(usd(0, 24000), 15);
    // requests: 400 nanos per request after the free 2M, priced per million
    expect(card.rates["cloud-run.requests.million"]).toBeCloseTo(usd(0, 400) * 1e6, 10);
    // Cloud SQL Enterprise zonal vCPU (41300000), not Enterprise Plus (53700000)
    expect(card.rates["cloud-sql.postgres.vcpu-hour"]).toBeCloseTo(usd(0, 41300000), 12);
    // Memorystore Basic M1, not the Redis Cluster node row
    expect(card.rates["memorystore.BASIC.M1.gb-hour"]).toBeCloseTo(usd(0, 49000000), 12);
    // GKE's zonal and regional SKUs agree (100000000 nanos, "global")
    expect(card.rates["gke.cluster.hour"]).toBeCloseTo(usd(0, 100000000), 12);
    // Cloud Storage pages sit under the slug folder: regional (after the 5 GB free tier) and the "us" multi-region
    expect(card.rates["gcs.standard.region.gb-month"]).toBeCloseTo(usd(0, 20000000), 12);
    expect(card.rates["gcs.standard.multi-region.gb-month"]).toBeCloseTo(usd(0, 26000000), 12);
    // NAT uptime per VM-hour was found in the Compute Engine service, data processing in Networking
    expect(card.rates["nat.gateway.vm-hour"]).toBeCloseTo(usd(0, 1400000), 12);
    expect(card.rates["nat.data-processed.gib"]).toBeCloseTo(usd(0, 45000000), 12);

    const [summary] = result.regions;
    expect(summary?.updated).toContain("compute.e2.vcpu-hour");
    // keys the fixtures do not hold keep the old card's value and are named in the source
    expect(summary?.kept).toContain("pubsub.throughput.gib");
    expect(card.rates["pubsub.throughput.gib"]).toBe(OLD);
    expect(card.source).toContain("pubsub.throughput.gib");
    expect(card.source).toContain("gcp-catalog-2025-01");
    expect(card.source).toMatch(/NOT deducted/);
    expect((summary?.updated.length ?? 0) + (summary?.kept.length ?? 0)).toBe(GCP_RATE_KEYS.length);
  });

  it("builds each region from its own SKUs", async () => {
    await writeOld("us-central1");
    await writeOld("europe-west1");
    await refreshGcpPrices({ regions: ["us-central1", "europe-west1"], source: FIXTURES, out, now: NOW });
    const eu = await readCard("europe-west1");
    // E2 Instance Core running in EMEA (23990000), not Frankfurt's row (26300000) nor the Americas one
    expect(eu.rates["compute.e2.vcpu-hour"]).toBeCloseTo(usd(0, 23990000), 12);
    expect(eu.rates["compute.pd-balanced.gb-month"]).toBeCloseTo(usd(0, 110000000), 12);
    expect(eu.rates["cloud-sql.postgres.vcpu-hour"]).toBeCloseTo(usd(0, 45400000), 12);
    // only us-central1 has an instance-based memory row in the fixtures
    expect(eu.rates["cloud-run.instance.gib-second"]).toBe(OLD);
    // the "us" multi-region row does not apply to Europe
    expect(eu.rates["gcs.standard.multi-region.gb-month"]).toBe(OLD);
  });

  it("without a previous card, keys not found are absent and listed", async () => {
    const result = await refreshGcpPrices({ regions: ["us-central1"], source: FIXTURES, out, now: NOW });
    const card = await readCard("us-central1");
    expect(Object.hasOwn(card.rates, "pubsub.throughput.gib")).toBe(false);
    expect(result.regions[0]?.missing).toContain("pubsub.throughput.gib");
    expect(card.source).toMatch(/Not found and absent from this card: .*pubsub\.throughput\.gib/);
  });

  it("a region no SKU applies to fails and leaves every old card untouched", async () => {
    const usPath = await writeOld("us-central1");
    const zaPath = await writeOld("africa-south1");
    const before = [await readFileAsync(usPath, "utf8"), await readFileAsync(zaPath, "utf8")];
    // the GKE SKUs are "global", so restrict the source to a folder without them
    const partial = await mkdtemp(join(tmpdir(), "atlas-gcp-partial-"));
    try {
      const { cp } = await import("node:fs/promises");
      await cp(join(FIXTURES, GCP_BILLING_SERVICES["compute-engine"].id), join(partial, "compute-engine"), { recursive: true });
      await expect(refreshGcpPrices({ regions: ["us-central1", "africa-south1"], source: partial, out, now: NOW })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        message: expect.stringContaining("africa-south1"),
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    expect([await readFileAsync(usPath, "utf8"), await readFileAsync(zaPath, "utf8")]).toEqual(before);
    expect((await readdir(out)).sort()).toEqual(["africa-south1.json", "us-central1.json"]);
  });

  it("rejects bad regions, a missing output folder and a missing source folder", async () => {
    await expect(refreshGcpPrices({ regions: ["US Central"], source: FIXTURES, out })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(refreshGcpPrices({ regions: ["us-central1"], source: FIXTURES, out: join(out, "nope") })).rejects.toThrow(/does not exist/);
    await expect(refreshGcpPrices({ regions: ["us-central1"], source: join(out, "nope"), out })).rejects.toThrow(/source folder/);
  });
});

describe("matching rules", () => {
  const definition = rateKeyDefinition("compute.e2.vcpu-hour");
  const sku = (id: string, nanos: number, regions: string[]) => ({
    skuId: id,
    description: "E2 Instance Core running in Americas",
    category: { resourceGroup: "CPU", usageType: "OnDemand" },
    serviceRegions: regions,
    pricingInfo: [{ pricingExpression: { usageUnit: "h", tieredRates: [{ startUsageAmount: 0, unitPrice: { units: "0", nanos } }] } }],
  });

  it("two SKUs with different prices for one region are ambiguous, not a guess", () => {
    if (!definition) throw new Error("missing definition");
    const reading = readRate(definition, "us-central1", [sku("A", 1000, ["us-central1"]), sku("B", 2000, ["us-central1"])]);
    expect(reading).toMatchObject({ ok: false, reason: expect.stringContaining("ambiguous") });
  });

  it("only the key's usage type counts: a Preemptible row never prices an on-demand key", () => {
    if (!definition) throw new Error("missing definition");
    const preemptible = { ...sku("P", 1000, ["us-central1"]), category: { resourceGroup: "CPU", usageType: "Preemptible" } };
    expect(readRate(definition, "us-central1", [preemptible])).toMatchObject({ ok: false });
    expect(readRate(definition, "us-central1", [preemptible, sku("A", 2000, ["us-central1"])])).toMatchObject({ ok: true, price: 0.000002 });
  });

  it("a region's own SKU wins over a global one", () => {
    if (!definition) throw new Error("missing definition");
    expect(readRate(definition, "us-central1", [sku("G", 5000, ["global"]), sku("A", 2000, ["us-central1"])])).toMatchObject({ ok: true, price: 0.000002 });
    expect(readRate(definition, "us-east1", [sku("G", 5000, ["global"]), sku("A", 2000, ["us-central1"])])).toMatchObject({ ok: true, price: 0.000005 });
  });

  it("a unit the key does not expect is refused", () => {
    if (!definition) throw new Error("missing definition");
    const wrong = {
      ...sku("A", 1000, ["us-central1"]),
      pricingInfo: [{ pricingExpression: { usageUnit: "mo", tieredRates: [{ unitPrice: { units: "1", nanos: 0 } }] } }],
    };
    expect(readRate(definition, "us-central1", [wrong])).toMatchObject({ ok: false, reason: expect.stringContaining('"mo"') });
  });

  it("money is units + nanos / 1e9", () => {
    expect(moneyValue({ units: "2", nanos: 500000000 })).toBe(2.5);
    expect(moneyValue({ nanos: 21811000 })).toBe(0.021811);
  });
});

describe("refreshGcpPrices over HTTP", () => {
  let server: Server;
  let base: string;
  const requests: URL[] = [];
  let failWith: number | undefined;

  beforeEach(async () => {
    requests.length = 0;
    failWith = undefined;
    // serves the recorded pages: /v1/services/<id>/skus, `pageToken` naming the next page's file
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      requests.push(url);
      const match = /^\/v1\/services\/([^/]+)\/skus$/.exec(url.pathname);
      const slug = Object.entries(GCP_BILLING_SERVICES).find(([, service]) => service.id === match?.[1])?.[0];
      if (failWith !== undefined) {
        response.writeHead(failWith).end("{}");
        return;
      }
      if (!match || url.searchParams.get("key") !== "test-key" || url.searchParams.get("currencyCode") !== "USD") {
        response.writeHead(403).end("{}");
        return;
      }
      const page = url.searchParams.get("pageToken") ?? "page-1";
      const candidates = [join(FIXTURES, match[1] ?? "", `${page}.json`), join(FIXTURES, slug ?? "", `${page}.json`)];
      Promise.any(candidates.map((path) => readFileAsync(path, "utf8"))).then(
        (text) => response.writeHead(200, { "content-type": "application/json" }).end(text),
        () => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ skus: [], nextPageToken: "" })),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("follows nextPageToken and reads the same figures as from the folder", async () => {
    await writeOld("us-central1");
    await refreshGcpPrices({ regions: ["us-central1"], source: base, apiKey: "test-key", out, now: NOW });
    const card = await readCard("us-central1");
    // on Compute Engine's second page only
    expect(card.rates["compute.e2.ram-gb-hour"]).toBeCloseTo(usd(0, 2923000), 12);
    // on Cloud Run's second page only
    expect(card.rates["cloud-run.job.vcpu-second"]).toBeCloseTo(usd(0, 18000), 15);
    const computeId = GCP_BILLING_SERVICES["compute-engine"].id;
    const computePages = requests.filter((url) => url.pathname.includes(computeId)).map((url) => url.searchParams.get("pageToken"));
    expect(computePages).toEqual([null, "page-2"]);
  });

  it("takes the API key from GOOGLE_API_KEY and refuses to run without one", async () => {
    const saved = process.env.GOOGLE_API_KEY;
    try {
      delete process.env.GOOGLE_API_KEY;
      await expect(refreshGcpPrices({ regions: ["us-central1"], source: base, out })).rejects.toThrow(/API key/);
      process.env.GOOGLE_API_KEY = "test-key";
      const result = await refreshGcpPrices({ regions: ["us-central1"], source: base, out, now: NOW });
      expect(result.regions[0]?.updated.length).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_API_KEY;
      else process.env.GOOGLE_API_KEY = saved;
    }
  });

  it("an upstream error fails with UPSTREAM_FAILED, hides the key and leaves the old card", async () => {
    const path = await writeOld("us-central1");
    const before = await readFileAsync(path, "utf8");
    failWith = 500;
    const failure = refreshGcpPrices({ regions: ["us-central1"], source: base, apiKey: "secret-key", out, now: NOW });
    await expect(failure).rejects.toMatchObject({ code: "UPSTREAM_FAILED", message: expect.stringContaining("500") });
    await expect(failure).rejects.toThrow(/key=\*\*\*/);
    expect(await readFileAsync(path, "utf8")).toBe(before);
    expect(await readdir(out)).toEqual(["us-central1.json"]);
  });
});
