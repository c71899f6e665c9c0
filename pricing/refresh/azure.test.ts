import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AZURE_RATE_KEYS } from "../azure/rates.js";
import { type RateCard, rateCardSchema } from "../rate-card.js";
import { refreshAzurePrices } from "./azure.js";

const FIXTURES = join(import.meta.dirname, "fixtures", "azure");
const SHIPPED = join(import.meta.dirname, "..", "data", "azure");
const TODAY = "2026-01-15";

interface FixtureItem {
  meterId: string;
  retailPrice: number;
  armRegionName: string;
  serviceName: string;
}

async function fixtureItems(region: string): Promise<FixtureItem[]> {
  const dir = join(FIXTURES, region);
  const items: FixtureItem[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const page = JSON.parse(await readFile(join(dir, name), "utf8")) as { Items: FixtureItem[] };
    items.push(...page.Items);
  }
  return items;
}

/**
 * Which recorded row each key must be read from, and the unit conversion the key states:
 * every key here is in the API's own unit (factor 1) except Redis Standard, which the API meters
 * per node while the key prices the whole two-node cache (factor 2).
 */
const EXPECTED_EASTUS: Record<string, { meterId: string; factor: number }> = {
  "vm.Standard_D2s_v5.hour": { meterId: "right-vm-d2s-v5", factor: 1 },
  "vm.Standard_D2s_v5.spot.hour": { meterId: "right-vm-d2s-v5-spot", factor: 1 },
  "vm.Standard_D4s_v5.hour": { meterId: "right-vm-d4s-v5", factor: 1 },
  "container-apps.vcpu-second": { meterId: "right-aca-vcpu", factor: 1 },
  "container-apps.gib-second": { meterId: "right-aca-memory", factor: 1 },
  "container-apps.million-requests": { meterId: "right-aca-requests", factor: 1 },
  "aks.standard.cluster-hour": { meterId: "right-aks-standard", factor: 1 },
  "postgres-flexible.GP_Standard_D2ds_v5.hour": { meterId: "right-pg-gp-d2ds-v5", factor: 1 },
  "postgres-flexible.GP_Standard_D4ds_v5.hour": { meterId: "right-pg-gp-d4ds-v5", factor: 1 },
  "postgres-flexible.GP_Standard_D2ds_v4.hour": { meterId: "right-pg-gp-d2ds-v4", factor: 1 },
  "postgres-flexible.B_Standard_B1ms.hour": { meterId: "right-pg-b1ms", factor: 1 },
  "postgres-flexible.storage.gb-month": { meterId: "right-pg-storage", factor: 1 },
  "redis.Standard.C1.hour": { meterId: "right-redis-standard-c1", factor: 2 },
  "redis.Basic.C1.hour": { meterId: "right-redis-basic-c1", factor: 1 },
  "storage.hot.LRS.gb-month": { meterId: "right-storage-hot-lrs", factor: 1 },
  "storage.hot.LRS.write-10k": { meterId: "right-storage-hot-lrs-write", factor: 1 },
  "storage.hot.RAGRS.gb-month": { meterId: "right-storage-hot-ragrs", factor: 1 },
  "log-analytics.ingestion.gb": { meterId: "right-la-ingestion", factor: 1 },
  "service-bus.Standard.hour": { meterId: "right-sb-standard-base", factor: 1 },
  "service-bus.Standard.million-operations": { meterId: "right-sb-standard-ops", factor: 1 },
  "front-door.Standard.month": { meterId: "right-afd-standard-base", factor: 1 },
  "front-door.Standard.10k-requests": { meterId: "right-afd-standard-requests", factor: 1 },
  "front-door.Premium.month": { meterId: "right-afd-premium-base", factor: 1 },
  "container-registry.Premium.day": { meterId: "right-acr-premium", factor: 1 },
  "nat-gateway.hour": { meterId: "right-nat-hour", factor: 1 },
  "nat-gateway.gb": { meterId: "right-nat-gb", factor: 1 },
};

let out: string;
let shippedEast: RateCard;

async function readCard(region: string): Promise<RateCard> {
  return rateCardSchema.parse(JSON.parse(await readFile(join(out, `${region}.json`), "utf8")));
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), "atlas-azure-refresh-"));
  await copyFile(join(SHIPPED, "eastus.json"), join(out, "eastus.json"));
  await copyFile(join(SHIPPED, "westeurope.json"), join(out, "westeurope.json"));
  shippedEast = rateCardSchema.parse(JSON.parse(await readFile(join(SHIPPED, "eastus.json"), "utf8")));
});

afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("refreshAzurePrices from recorded pages", () => {
  it("every right- row of the recording is expected by a key, so the table above is complete", async () => {
    const right = (await fixtureItems("eastus")).filter((i) => i.meterId.startsWith("right-")).map((i) => i.meterId);
    expect(new Set(right)).toEqual(new Set(Object.values(EXPECTED_EASTUS).map((e) => e.meterId)));
  });

  it("reads each key from its right row (never a decoy) and keeps the others from the current card", async () => {
    const items = await fixtureItems("eastus");
    const [result] = await refreshAzurePrices({ regions: ["eastus"], source: FIXTURES, out, today: TODAY });
    const card = await readCard("eastus");

    expect(result?.refreshed.sort()).toEqual(Object.keys(EXPECTED_EASTUS).sort());
    for (const [key, { meterId, factor }] of Object.entries(EXPECTED_EASTUS)) {
      const row = items.find((i) => i.meterId === meterId);
      expect(card.rates[key], key).toBeCloseTo((row?.retailPrice ?? Number.NaN) * factor, 12);
    }
    // every other key keeps the shipped value and is named in the card's source
    const keptKeys = result?.kept.map((k) => k.key) ?? [];
    expect(keptKeys.sort()).toEqual(AZURE_RATE_KEYS.filter((k) => !(k in EXPECTED_EASTUS)));
    for (const key of keptKeys) expect(card.rates[key], key).toBe(shippedEast.rates[key]);
    expect(card.source).toContain("Kept from the previous card");
    expect(card.source).toContain("key-vault.standard.10k-operations");
    expect(card.source).toContain("NOT deducted");
    expect(result?.missing).toEqual([]);
    expect(card).toMatchObject({ cloud: "azure", region: "eastus", asOf: TODAY, priceVersion: "azure-retail-2026-01", hoursPerMonth: 730 });
  });

  it("keeps a key whose first tier has two different prices rather than guessing", async () => {
    const [result] = await refreshAzurePrices({ regions: ["eastus"], source: FIXTURES, out, today: TODAY });
    const kept = result?.kept.find((k) => k.key === "key-vault.standard.10k-operations");
    expect(kept?.reason).toMatch(/ambiguous/);
    expect((await readCard("eastus")).rates["key-vault.standard.10k-operations"]).toBe(shippedEast.rates["key-vault.standard.10k-operations"]);
  });

  it("refreshes several regions, each from its own rows only", async () => {
    const items = await fixtureItems("westeurope");
    const results = await refreshAzurePrices({ regions: ["eastus", "westeurope"], source: FIXTURES, out, today: TODAY });
    expect(results.map((r) => r.region)).toEqual(["eastus", "westeurope"]);
    const west = await readCard("westeurope");
    expect(west.rates["vm.Standard_D2s_v5.hour"]).toBe(items.find((i) => i.meterId === "right-we-vm-d2s-v5")?.retailPrice);
    // the East US row recorded in the West Europe folder is not read for West Europe
    expect(results[1]?.refreshed).toEqual(["vm.Standard_D2s_v5.hour"]);
  });

  it("lists as missing (and leaves out) a key neither the price list nor the current card has", async () => {
    const current = JSON.parse(await readFile(join(out, "eastus.json"), "utf8")) as RateCard;
    delete current.rates["redis.Premium.P3.hour"];
    await writeFile(join(out, "eastus.json"), JSON.stringify(current));
    const [result] = await refreshAzurePrices({ regions: ["eastus"], source: FIXTURES, out, today: TODAY });
    expect(result?.missing).toEqual(["redis.Premium.P3.hour"]);
    expect(Object.hasOwn((await readCard("eastus")).rates, "redis.Premium.P3.hour")).toBe(false);
  });
});

describe("refreshAzurePrices failures leave the old card", () => {
  async function unchanged(run: () => Promise<unknown>, code: string): Promise<void> {
    const before = await readFile(join(out, "eastus.json"), "utf8");
    await expect(run()).rejects.toMatchObject({ code });
    expect(await readFile(join(out, "eastus.json"), "utf8")).toBe(before);
    expect((await readdir(out)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }

  it("a malformed recorded page", async () => {
    const source = await mkdtemp(join(tmpdir(), "atlas-azure-source-"));
    await mkdir(join(source, "eastus"));
    await writeFile(join(source, "eastus", "page.json"), JSON.stringify({ Items: "not a list" }));
    await unchanged(() => refreshAzurePrices({ regions: ["eastus"], source, out, today: TODAY }), "VALIDATION_FAILED");
    await rm(source, { recursive: true, force: true });
  });

  it("a source with no row Atlas reads", async () => {
    const source = await mkdtemp(join(tmpdir(), "atlas-azure-source-"));
    await mkdir(join(source, "eastus"));
    await writeFile(join(source, "eastus", "page.json"), JSON.stringify({ Items: [], NextPageLink: null }));
    await unchanged(() => refreshAzurePrices({ regions: ["eastus"], source, out, today: TODAY }), "VALIDATION_FAILED");
    await rm(source, { recursive: true, force: true });
  });

  it("a region without recorded pages, a bad region name, a missing output folder", async () => {
    await unchanged(() => refreshAzurePrices({ regions: ["uksouth"], source: FIXTURES, out, today: TODAY }), "VALIDATION_FAILED");
    await unchanged(() => refreshAzurePrices({ regions: ["East US"], source: FIXTURES, out, today: TODAY }), "VALIDATION_FAILED");
    await expect(refreshAzurePrices({ regions: ["eastus"], source: FIXTURES, out: join(out, "absent"), today: TODAY })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });
});

describe("refreshAzurePrices over HTTP", () => {
  let server: Server;
  let base: string;
  const requests: URL[] = [];
  let failService: string | undefined;

  beforeEach(async () => {
    requests.length = 0;
    failService = undefined;
    const items = await fixtureItems("eastus");
    // Answers like the Retail Prices API: filters on armRegionName and serviceName, two items a page.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(url);
      const filter = url.searchParams.get("$filter") ?? "";
      const match = /armRegionName eq '([^']*)' and serviceName eq '([^']*)'/.exec(filter);
      if (!match || failService === match[2]) {
        res.writeHead(500).end("{}");
        return;
      }
      const [, region = "", service = ""] = match;
      const selected = items.filter((i) => i.armRegionName.toLowerCase() === region && i.serviceName === service);
      const skip = Number(url.searchParams.get("$skip") ?? "0");
      const next = new URL(url);
      next.searchParams.set("$skip", String(skip + 2));
      const body = {
        BillingCurrency: "USD",
        CustomerEntityId: "Default",
        CustomerEntityType: "Retail",
        Items: selected.slice(skip, skip + 2),
        NextPageLink: skip + 2 < selected.length ? `${base}${next.pathname}${next.search}` : null,
        Count: Math.min(2, Math.max(0, selected.length - skip)),
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("follows NextPageLink and builds the same card as the recorded pages", async () => {
    const [overHttp] = await refreshAzurePrices({ regions: ["eastus"], source: `${base}/api/retail/prices`, out, today: TODAY });
    const httpCard = await readCard("eastus");
    expect(requests.some((url) => url.searchParams.has("$skip"))).toBe(true);
    expect(requests.every((url) => url.pathname === "/api/retail/prices")).toBe(true);

    const folderOut = await mkdtemp(join(tmpdir(), "atlas-azure-refresh-"));
    await copyFile(join(SHIPPED, "eastus.json"), join(folderOut, "eastus.json"));
    const [fromFolder] = await refreshAzurePrices({ regions: ["eastus"], source: FIXTURES, out: folderOut, today: TODAY });
    const folderCard = rateCardSchema.parse(JSON.parse(await readFile(join(folderOut, "eastus.json"), "utf8")));
    await rm(folderOut, { recursive: true, force: true });

    expect(httpCard.rates).toEqual(folderCard.rates);
    expect(overHttp?.refreshed).toEqual(fromFolder?.refreshed);
  });

  it("an API error leaves the old card", async () => {
    failService = "Service Bus";
    const before = await readFile(join(out, "eastus.json"), "utf8");
    await expect(refreshAzurePrices({ regions: ["eastus"], source: base, out, today: TODAY })).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
    expect(await readFile(join(out, "eastus.json"), "utf8")).toBe(before);
  });

  it("an unreachable API leaves the old card", async () => {
    const before = await readFile(join(out, "eastus.json"), "utf8");
    const refusing: typeof fetch = () => Promise.reject(new Error("connect ECONNREFUSED"));
    await expect(refreshAzurePrices({ regions: ["eastus"], out, today: TODAY, fetchImpl: refusing })).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
    expect(await readFile(join(out, "eastus.json"), "utf8")).toBe(before);
  });
});
