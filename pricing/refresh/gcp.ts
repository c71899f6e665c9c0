import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { processEnv } from "../../lib/config.js";
import { AtlasError } from "../../lib/errors.js";
import { GCP_BILLING_SERVICES, GCP_RATE_KEYS, type GcpBillingService, type RateKeyDefinition, type SkuMatcher } from "../gcp/rates.js";
import { type RateCard, rateCardSchema } from "../rate-card.js";

/** The public Cloud Billing Catalog API. */
export const GCP_CATALOG_URL = "https://cloudbilling.googleapis.com/v1";

/** Options of `refreshGcpPrices`. */
export interface GcpRefreshOptions {
  /** Google Cloud regions to rebuild, e.g. `["us-central1", "europe-west1"]` */
  regions: readonly string[];
  /**
   * The Catalog API base URL (default `GCP_CATALOG_URL`), or a folder of recorded pages laid out
   * `<folder>/<serviceId or service slug>/*.json` (slugs: the keys of `GCP_BILLING_SERVICES`)
   */
  source?: string;
  /** API key for the Catalog API (default: the GOOGLE_API_KEY environment variable) */
  apiKey?: string;
  /** folder of the cards: `<out>/<region>.json` is read, then replaced */
  out: string;
  /** `fetch` to use (tests) */
  fetchImpl?: typeof fetch;
  /** the date the figures are read (default now) */
  now?: Date;
  /** progress lines */
  log?: (line: string) => void;
}

/** What happened to one region's card. */
export interface GcpRegionRefresh {
  region: string;
  path: string;
  priceVersion: string;
  /** keys read from the catalogue */
  updated: string[];
  /** keys no SKU matched (or matched ambiguously), whose value was kept from the previous card */
  kept: string[];
  /** keys neither matched nor in the previous card: absent from the new card */
  missing: string[];
  /** why each kept or missing key was not read */
  notes: Record<string, string>;
}

export interface GcpRefreshResult {
  source: string;
  regions: GcpRegionRefresh[];
}

// ---------------------------------------------------------------------------------------------
// The Catalog API's SKU format (fields Atlas reads; the rest is let through)

const moneySchema = z.object({
  currencyCode: z.string().optional(),
  units: z.union([z.string(), z.number()]).optional(),
  nanos: z.number().optional(),
});

const skuSchema = z.object({
  skuId: z.string(),
  description: z.string(),
  category: z.object({
    serviceDisplayName: z.string().optional(),
    resourceFamily: z.string().optional(),
    resourceGroup: z.string().optional(),
    usageType: z.string().optional(),
  }),
  serviceRegions: z.array(z.string()).default([]),
  pricingInfo: z
    .array(
      z.object({
        effectiveTime: z.string().optional(),
        pricingExpression: z.object({
          usageUnit: z.string(),
          baseUnit: z.string().optional(),
          baseUnitConversionFactor: z.number().optional(),
          tieredRates: z.array(z.object({ startUsageAmount: z.number().optional(), unitPrice: moneySchema })).default([]),
        }),
      }),
    )
    .default([]),
});

const pageSchema = z.object({ skus: z.array(skuSchema).default([]), nextPageToken: z.string().optional() });

export type CatalogSku = z.infer<typeof skuSchema>;

/** USD of a Catalog `Money`: units + nanos / 1e9. */
export function moneyValue(money: z.infer<typeof moneySchema>): number {
  const units = Number(money.units ?? 0);
  return Number((units + (money.nanos ?? 0) / 1e9).toPrecision(12));
}

// ---------------------------------------------------------------------------------------------
// Reading SKUs

/** Where SKUs come from: a function from a billing service to its SKUs. */
type SkuReader = (service: GcpBillingService) => Promise<CatalogSku[]>;

function parsePage(value: unknown, where: string): z.infer<typeof pageSchema> {
  const parsed = pageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AtlasError("VALIDATION_FAILED", `malformed Catalog page ${where}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`);
  }
  return parsed.data;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isDirectory(),
    () => false,
  );
}

/** Recorded pages: every `*.json` in `<folder>/<serviceId>` or `<folder>/<slug>`, in name order. */
function folderReader(folder: string): SkuReader {
  return async (service) => {
    const candidates = [join(folder, GCP_BILLING_SERVICES[service].id), join(folder, service)];
    const skus: CatalogSku[] = [];
    for (const dir of candidates) {
      if (!(await isFolder(dir))) continue;
      const files = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
      for (const name of files) {
        const path = join(dir, name);
        let json: unknown;
        try {
          json = JSON.parse(await readFile(path, "utf8"));
        } catch (error) {
          throw new AtlasError("VALIDATION_FAILED", `malformed Catalog page ${path}: not JSON`, { cause: error });
        }
        skus.push(...parsePage(json, path).skus);
      }
    }
    return skus;
  };
}

const MAX_PAGES = 500;

/** The live API: `GET {base}/services/{id}/skus?currencyCode=USD&key=...`, following `nextPageToken`. */
function httpReader(base: string, apiKey: string, fetchImpl: typeof fetch): SkuReader {
  return async (service) => {
    const id = GCP_BILLING_SERVICES[service].id;
    const skus: CatalogSku[] = [];
    const seen = new Set<string>();
    let token = "";
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ currencyCode: "USD", key: apiKey });
      if (token) query.set("pageToken", token);
      const url = `${base.replace(/\/+$/, "")}/services/${id}/skus?${query.toString()}`;
      const shown = url.replace(/key=[^&]*/, "key=***");
      let response: Response;
      try {
        response = await fetchImpl(url);
      } catch (error) {
        throw new AtlasError("UPSTREAM_FAILED", `could not reach the Cloud Billing Catalog at ${shown}`, { cause: error });
      }
      if (!response.ok) throw new AtlasError("UPSTREAM_FAILED", `the Cloud Billing Catalog answered ${response.status} for ${shown}`);
      const body = parsePage(await response.json().catch(() => undefined), shown);
      skus.push(...body.skus);
      token = body.nextPageToken ?? "";
      if (!token) return skus;
      if (seen.has(token))
        throw new AtlasError("UPSTREAM_FAILED", `the Cloud Billing Catalog repeated page token "${token}" for ${GCP_BILLING_SERVICES[service].name}`);
      seen.add(token);
    }
    throw new AtlasError("UPSTREAM_FAILED", `the Cloud Billing Catalog gave more than ${MAX_PAGES} pages for ${GCP_BILLING_SERVICES[service].name}`);
  };
}

// ---------------------------------------------------------------------------------------------
// Matching

/** The Cloud Storage multi-region a region belongs to (`us`, `eu`, `asia`), if any. */
export function multiRegionOf(region: string): string | undefined {
  if (/^(?:us|northamerica|southamerica)-/.test(region)) return "us";
  if (region.startsWith("europe-")) return "eu";
  if (/^(?:asia|australia)-/.test(region)) return "asia";
  return undefined;
}

/** The price of `sku` per the key's unit: the first paid tier of its latest pricing, or why not. */
export function skuPrice(sku: CatalogSku, matcher: SkuMatcher): { ok: true; price: number } | { ok: false; reason: string } {
  const latest = sku.pricingInfo[sku.pricingInfo.length - 1];
  if (!latest) return { ok: false, reason: `SKU ${sku.skuId} has no pricing` };
  const expression = latest.pricingExpression;
  const factor = Object.hasOwn(matcher.units, expression.usageUnit) ? matcher.units[expression.usageUnit] : undefined;
  if (factor === undefined)
    return { ok: false, reason: `SKU ${sku.skuId} is priced per "${expression.usageUnit}", expected ${Object.keys(matcher.units).join(" or ")}` };
  // tier 0 is often a free allowance: the first tier with a price is the list price
  const paid = expression.tieredRates.map((tier) => moneyValue(tier.unitPrice)).find((price) => price > 0);
  if (paid === undefined) return { ok: false, reason: `SKU ${sku.skuId} has no paid tier` };
  return { ok: true, price: Number((paid * factor).toPrecision(12)) };
}

type Reading = { ok: true; price: number; skuIds: string[] } | { ok: false; reason: string };

/** Reads one key for `region` from its service's SKUs: the region's own SKUs first, then "global" ones. */
export function readRate(definition: RateKeyDefinition, region: string, skus: readonly CatalogSku[]): Reading {
  const { matcher } = definition;
  const wanted = matcher.location === "multi-region" ? multiRegionOf(region) : region;
  if (wanted === undefined) return { ok: false, reason: `${region} belongs to no Cloud Storage multi-region` };
  const matching = skus.filter(
    (sku) =>
      matcher.description.test(sku.description) &&
      sku.category.usageType === matcher.usageType &&
      (matcher.resourceGroup === undefined || sku.category.resourceGroup === matcher.resourceGroup),
  );
  const own = matching.filter((sku) => sku.serviceRegions.includes(wanted));
  const candidates = own.length ? own : matching.filter((sku) => sku.serviceRegions.includes("global"));
  if (!candidates.length) return { ok: false, reason: `no ${matcher.usageType} SKU matching ${matcher.description} lists ${wanted}` };
  const prices = new Map<number, string[]>();
  const problems: string[] = [];
  for (const sku of candidates) {
    const priced = skuPrice(sku, matcher);
    if (!priced.ok) {
      problems.push(priced.reason);
      continue;
    }
    prices.set(priced.price, [...(prices.get(priced.price) ?? []), sku.skuId]);
  }
  if (prices.size === 0) return { ok: false, reason: problems.join("; ") };
  if (prices.size > 1) {
    const listed = [...prices.entries()].map(([price, ids]) => `${ids.join(",")}=${price}`).join(", ");
    return { ok: false, reason: `ambiguous: several SKUs with different prices match (${listed})` };
  }
  const [price, skuIds] = [...prices.entries()][0] ?? [0, []];
  return { ok: true, price, skuIds };
}

// ---------------------------------------------------------------------------------------------
// Cards

async function readCurrent(path: string): Promise<RateCard | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = rateCardSchema.safeParse(json);
  if (!parsed.success || parsed.data.cloud !== "gcp") {
    throw new AtlasError("VALIDATION_FAILED", `the current card ${path} is not a valid Google Cloud rate card`);
  }
  return parsed.data;
}

/** Writes `card` to a temporary file beside `path`, checks it reads back valid, then renames it over `path`. */
async function writeAtomically(path: string, card: RateCard): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(card, null, 2)}\n`, "utf8");
    rateCardSchema.parse(JSON.parse(await readFile(temporary, "utf8")));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const FREE_TIERS_NOTE =
  "Free tiers are NOT deducted (Cloud Run's monthly free vCPU-seconds, GiB-seconds and requests; Cloud Logging's 50 GiB; Cloud Scheduler's 3 jobs; GKE's free-tier credit for one zonal or Autopilot cluster; Artifact Registry's 0.5 GB); Cloud NAT gateway uptime is priced for 32 VMs per gateway, an upper bound.";

function describeSource(source: string, isHttp: boolean): string {
  return isHttp ? `Google Cloud Billing Catalog API (${source})` : `recorded Google Cloud Billing Catalog pages (${source})`;
}

/** A card for `region` from the readings, keeping the previous card's value where a key was not read. */
function buildCard(
  region: string,
  readings: ReadonlyMap<string, Reading>,
  current: RateCard | undefined,
  sourceText: string,
  date: string,
): { card: RateCard; summary: Omit<GcpRegionRefresh, "path"> } {
  const rates: Record<string, number> = {};
  const updated: string[] = [];
  const kept: string[] = [];
  const missing: string[] = [];
  const notes: Record<string, string> = {};
  for (const definition of GCP_RATE_KEYS) {
    const reading = readings.get(definition.key);
    if (reading?.ok) {
      rates[definition.key] = reading.price;
      updated.push(definition.key);
      continue;
    }
    notes[definition.key] = reading?.reason ?? "not read";
    const previous = current && Object.hasOwn(current.rates, definition.key) ? current.rates[definition.key] : undefined;
    if (previous === undefined) {
      missing.push(definition.key);
    } else {
      rates[definition.key] = previous;
      kept.push(definition.key);
    }
  }
  // rates the previous card holds that no matcher knows (e.g. added by hand) stay as they were
  for (const [key, value] of Object.entries(current?.rates ?? {})) {
    if (!Object.hasOwn(rates, key) && !missing.includes(key)) {
      rates[key] = value;
      kept.push(key);
      notes[key] = "no matcher for this key";
    }
  }
  const priceVersion = `gcp-catalog-${date.slice(0, 7)}`;
  const keptText = kept.length ? ` Kept from the previous card (${current?.priceVersion ?? "none"}): ${kept.join(", ")}.` : "";
  const missingText = missing.length ? ` Not found and absent from this card: ${missing.join(", ")}.` : "";
  const card: RateCard = {
    cloud: "gcp",
    region,
    currency: "USD",
    priceVersion,
    asOf: date,
    source: `${sourceText} read ${date}: ${updated.length} of ${GCP_RATE_KEYS.length} rates (on-demand list prices in USD, first paid tier).${keptText}${missingText} ${FREE_TIERS_NOTE} Refresh before quoting.`,
    hoursPerMonth: 730,
    rates,
  };
  return { card: rateCardSchema.parse(card), summary: { region, priceVersion, updated, kept, missing, notes } };
}

// ---------------------------------------------------------------------------------------------

const REGION_PATTERN = /^[a-z]+-[a-z]+\d+$/;

/**
 * Rebuilds `<out>/<region>.json` for each region from the Cloud Billing Catalog (or recorded
 * pages): every key of `GCP_RATE_KEYS` is matched to one SKU that lists the region (or "global");
 * a key not found keeps the current card's value and the card's `source` names it. Nothing is
 * written until every region is built and validated; each card is written through a temporary
 * file renamed into place, so a failure leaves the old cards untouched.
 * @throws AtlasError `VALIDATION_FAILED` (bad region, missing folder or API key, malformed page, no
 *   SKU for a region) or `UPSTREAM_FAILED` (catalogue unreachable or answering an error)
 */
export async function refreshGcpPrices(options: GcpRefreshOptions): Promise<GcpRefreshResult> {
  const bad = options.regions.filter((region) => !REGION_PATTERN.test(region));
  if (!options.regions.length || bad.length) {
    throw new AtlasError("VALIDATION_FAILED", bad.length ? `not Google Cloud region names: ${bad.join(", ")}` : "no region to refresh", {
      issues: [{ path: "regions", message: "expected region names such as us-central1" }],
    });
  }
  if (!(await isFolder(options.out))) {
    throw new AtlasError("VALIDATION_FAILED", `the output folder ${options.out} does not exist`, { issues: [{ path: "out", message: "not a folder" }] });
  }
  const source = options.source ?? GCP_CATALOG_URL;
  const isHttp = /^https?:\/\//.test(source);
  let reader: SkuReader;
  if (isHttp) {
    const apiKey = options.apiKey ?? processEnv().GOOGLE_API_KEY;
    if (!apiKey) {
      throw new AtlasError("VALIDATION_FAILED", "the Cloud Billing Catalog API needs an API key: pass apiKey or set GOOGLE_API_KEY", {
        issues: [{ path: "apiKey", message: "missing" }],
      });
    }
    reader = httpReader(source, apiKey, options.fetchImpl ?? fetch);
  } else {
    if (!(await isFolder(source))) {
      throw new AtlasError("VALIDATION_FAILED", `the source folder ${source} does not exist`, { issues: [{ path: "source", message: "not a folder" }] });
    }
    reader = folderReader(source);
  }

  // every service is read once, for all regions
  const skusByService = new Map<GcpBillingService, CatalogSku[]>();
  for (const service of new Set(GCP_RATE_KEYS.flatMap((definition) => definition.matcher.services))) {
    options.log?.(`reading ${GCP_BILLING_SERVICES[service].name} (${GCP_BILLING_SERVICES[service].id})`);
    skusByService.set(service, await reader(service));
  }

  const date = (options.now ?? new Date()).toISOString().slice(0, 10);
  const built: { path: string; card: RateCard; summary: Omit<GcpRegionRefresh, "path"> }[] = [];
  for (const region of options.regions) {
    const path = join(options.out, `${region}.json`);
    const current = await readCurrent(path);
    const readings = new Map<string, Reading>();
    for (const definition of GCP_RATE_KEYS) {
      const skus = definition.matcher.services.flatMap((service) => skusByService.get(service) ?? []);
      readings.set(definition.key, readRate(definition, region, skus));
    }
    const { card, summary } = buildCard(region, readings, current, describeSource(source, isHttp), date);
    if (!summary.updated.length) {
      throw new AtlasError("VALIDATION_FAILED", `${describeSource(source, isHttp)} has no SKU that applies to ${region}; no card was written`, {
        issues: [{ path: "regions", message: `nothing found for ${region}` }],
      });
    }
    built.push({ path, card, summary });
  }
  for (const { path, card } of built) await writeAtomically(path, card);
  return { source, regions: built.map(({ path, summary }) => ({ path, ...summary })) };
}
