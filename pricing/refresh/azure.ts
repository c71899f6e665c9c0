import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { AtlasError } from "../../lib/errors.js";
import { AZURE_RATE_DEFINITIONS, convertPrice, listingRegion, matchesRate, type RateDefinition, type RetailPriceItem } from "../azure/rates.js";
import { HOURS_PER_MONTH } from "../catalogue.js";
import { type RateCard, rateCardSchema } from "../rate-card.js";

/** The Azure Retail Prices API, queried when no other source is given. */
export const AZURE_RETAIL_PRICES_URL = "https://prices.azure.com/api/retail/prices";

/** Pages followed at most per query: a guard against a `NextPageLink` that loops. */
const MAX_PAGES = 200;

export interface AzureRefreshOptions {
  /** ARM region names to rebuild (`eastus`, `westeurope`). */
  regions: readonly string[];
  /**
   * The API base URL (default {@link AZURE_RETAIL_PRICES_URL}), or a folder of recorded pages laid
   * out as `<folder>/<region>/<anything>.json`, each a page in the API's response format.
   */
  source?: string;
  /** Folder of the cards: `<out>/<region>.json` is read as the current card and replaced. */
  out: string;
  /** `fetch` to use for the API (tests pass a stub or point at a local server). */
  fetchImpl?: typeof fetch;
  /** Date the figures are read, `YYYY-MM-DD` (default: today, UTC). */
  today?: string;
  /** Progress lines (one per page read). */
  log?: (line: string) => void;
}

/** What one region's refresh did. */
export interface AzureRegionRefresh {
  region: string;
  /** The card written. */
  path: string;
  priceVersion: string;
  /** Keys read from the price list. */
  refreshed: string[];
  /** Keys not found (or ambiguous) in the price list, whose value was kept from the current card, each with why. */
  kept: { key: string; reason: string }[];
  /** Keys found neither in the price list nor in the current card: absent from the new card. */
  missing: string[];
}

const itemSchema = z
  .object({
    currencyCode: z.string(),
    tierMinimumUnits: z.number(),
    retailPrice: z.number(),
    armRegionName: z.string(),
    meterName: z.string(),
    productName: z.string(),
    skuName: z.string(),
    serviceName: z.string(),
    unitOfMeasure: z.string(),
    type: z.string(),
    armSkuName: z.string().optional(),
  })
  .passthrough();

const pageSchema = z.object({
  Items: z.array(itemSchema),
  NextPageLink: z.string().nullable().optional(),
});

function sourceError(message: string): AtlasError {
  return new AtlasError("VALIDATION_FAILED", message, { issues: [{ path: "source", message }] });
}

function parsePage(value: unknown, where: string): z.infer<typeof pageSchema> {
  const parsed = pageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw sourceError(`${where} is not a Retail Prices API page: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`);
  }
  return parsed.data;
}

function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The (service, listing region) pairs a region's keys are read from, one API query each. */
function queriesFor(region: string): { serviceName: string; armRegionName: string }[] {
  const seen = new Map<string, { serviceName: string; armRegionName: string }>();
  for (const definition of AZURE_RATE_DEFINITIONS) {
    const armRegionName = listingRegion(definition, region);
    seen.set(`${definition.match.serviceName}|${armRegionName}`, { serviceName: definition.match.serviceName, armRegionName });
  }
  return [...seen.values()];
}

/** Every item the API lists for the region's queries, following `NextPageLink`. */
async function fetchItems(base: string, region: string, fetchImpl: typeof fetch, log?: (line: string) => void): Promise<RetailPriceItem[]> {
  const items: RetailPriceItem[] = [];
  for (const query of queriesFor(region)) {
    const filter = `armRegionName eq '${query.armRegionName}' and serviceName eq '${query.serviceName}'`;
    let next: string | null | undefined = `${base}?currencyCode=USD&$filter=${encodeURIComponent(filter)}`;
    for (let page = 0; next; page += 1) {
      if (page >= MAX_PAGES) throw new AtlasError("UPSTREAM_FAILED", `more than ${MAX_PAGES} pages for ${filter}; stopped following NextPageLink`);
      log?.(`reading ${next}`);
      let response: Response;
      try {
        response = await fetchImpl(next);
      } catch (error) {
        throw new AtlasError("UPSTREAM_FAILED", `the Retail Prices API at ${base} is unreachable: ${(error as Error).message}`, { cause: error });
      }
      if (!response.ok) throw new AtlasError("UPSTREAM_FAILED", `the Retail Prices API answered ${response.status} for ${filter}`);
      const body = parsePage(await response.json().catch(() => undefined), `the answer for ${filter}`);
      items.push(...body.Items);
      next = body.NextPageLink;
    }
  }
  return items;
}

/** Every item of the recorded pages in `<folder>/<region>/`. */
async function readRecordedItems(folder: string, region: string, log?: (line: string) => void): Promise<RetailPriceItem[]> {
  const dir = join(folder, region);
  const names = await readdir(dir).catch(() => {
    throw sourceError(`${folder} has no recorded pages for ${region} (expected ${dir}/<page>.json)`);
  });
  const pages = names.filter((name) => name.endsWith(".json")).sort();
  if (!pages.length) throw sourceError(`${dir} holds no .json page`);
  const items: RetailPriceItem[] = [];
  for (const name of pages) {
    const path = join(dir, name);
    log?.(`reading ${path}`);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, "utf8"));
    } catch {
      throw sourceError(`${path} is not JSON`);
    }
    items.push(...parsePage(value, path).Items);
  }
  return items;
}

type Reading = { ok: true; price: number } | { ok: false; reason: string };

/**
 * The key's price from the items: pay-as-you-go USD rows that match, at the first paid tier
 * (the lowest `tierMinimumUnits` with a price above zero, so free grants are skipped). Two
 * different prices there make the key ambiguous rather than a guess.
 */
function readKey(definition: RateDefinition, items: readonly RetailPriceItem[], region: string): Reading {
  const paid = items.filter((item) => item.currencyCode === "USD" && item.retailPrice > 0 && matchesRate(definition, item, region));
  if (!paid.length) return { ok: false, reason: "no matching pay-as-you-go row" };
  const firstTier = Math.min(...paid.map((item) => item.tierMinimumUnits));
  const prices = [...new Set(paid.filter((item) => item.tierMinimumUnits === firstTier).map((item) => convertPrice(definition, item)))];
  const [price] = prices;
  if (prices.length > 1 || price === undefined) return { ok: false, reason: `ambiguous: ${prices.length} different prices match (${prices.join(", ")})` };
  return { ok: true, price };
}

async function readCurrent(path: string): Promise<RateCard | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = rateCardSchema.safeParse(value);
  if (!parsed.success || parsed.data.cloud !== "azure") throw new AtlasError("VALIDATION_FAILED", `the current card ${path} is not a valid Azure rate card`);
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

function describeSource(source: string, today: string, region: string, kept: readonly string[]): string {
  const parts = [
    `Azure Retail Prices API (${source}), pay-as-you-go (type Consumption) list prices in USD for ${region}, read ${today}; Linux, first paid tier, no reservations, savings plans, Dev/Test or Spot except the .spot. keys.`,
    "Free grants are NOT deducted (Container Apps' monthly free vCPU-seconds, GiB-seconds and 2 million requests, Log Analytics' 5 GB, bandwidth's first 100 GB, Service Bus Standard's 13 million operations, metric alerts' first 10 time series).",
  ];
  if (kept.length) parts.push(`Kept from the previous card (not found in the price list): ${kept.join(", ")}.`);
  return parts.join(" ");
}

async function refreshRegion(region: string, options: AzureRefreshOptions, source: string, today: string): Promise<AzureRegionRefresh> {
  const path = join(options.out, `${region}.json`);
  const current = await readCurrent(path);
  const items = isUrl(source)
    ? await fetchItems(source.replace(/\/+$/, ""), region, options.fetchImpl ?? fetch, options.log)
    : await readRecordedItems(source, region, options.log);
  const rates: Record<string, number> = {};
  const refreshed: string[] = [];
  const kept: { key: string; reason: string }[] = [];
  const missing: string[] = [];
  for (const definition of AZURE_RATE_DEFINITIONS) {
    const reading = readKey(definition, items, region);
    if (reading.ok) {
      rates[definition.key] = reading.price;
      refreshed.push(definition.key);
      continue;
    }
    const previous = current && Object.hasOwn(current.rates, definition.key) ? current.rates[definition.key] : undefined;
    if (previous === undefined) missing.push(definition.key);
    else {
      rates[definition.key] = previous;
      kept.push({ key: definition.key, reason: reading.reason });
    }
  }
  if (!refreshed.length) {
    throw sourceError(`${source} lists no price Atlas reads for ${region}; the card ${path} is left as it was`);
  }
  const sortedRates = Object.fromEntries(Object.entries(rates).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const priceVersion = `azure-retail-${today.slice(0, 7)}`;
  const card = rateCardSchema.parse({
    cloud: "azure",
    region,
    currency: "USD",
    priceVersion,
    asOf: today,
    source: describeSource(
      source,
      today,
      region,
      kept.map((k) => k.key),
    ),
    hoursPerMonth: HOURS_PER_MONTH,
    rates: sortedRates,
  });
  await writeAtomically(path, card);
  return { region, path, priceVersion, refreshed, kept, missing };
}

/**
 * Rebuilds `<out>/<region>.json` for each region from the Azure Retail Prices API (or recorded
 * pages): every key of `pricing/azure/rates.ts` is read from matching pay-as-you-go rows of that
 * region (never Spot, Low Priority, Dev/Test, Reservation or Windows unless the key asks), at the
 * first paid tier; a key not found keeps the current card's value and the card's `source` lists
 * it. The card is zod-validated and written through a temporary file renamed into place, so a
 * failure at any step leaves the old card untouched. Regions are done one after the other; each
 * card is replaced only when its own refresh succeeds.
 *
 * @throws AtlasError `VALIDATION_FAILED` (bad region name, missing or malformed source, output
 *   folder absent, nothing found) or `UPSTREAM_FAILED` (API unreachable or failing)
 */
export async function refreshAzurePrices(options: AzureRefreshOptions): Promise<AzureRegionRefresh[]> {
  const source = options.source ?? AZURE_RETAIL_PRICES_URL;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new AtlasError("VALIDATION_FAILED", `today should be YYYY-MM-DD, found "${today}"`);
  if (!options.regions.length) throw new AtlasError("VALIDATION_FAILED", "no region to refresh", { issues: [{ path: "regions", message: "empty" }] });
  for (const region of options.regions) {
    if (!/^[a-z][a-z0-9]+$/.test(region)) {
      throw new AtlasError("VALIDATION_FAILED", `"${region}" is not an Azure region name (like eastus or westeurope)`, {
        issues: [{ path: "regions", message: "not a region name" }],
      });
    }
  }
  const isFolder = await stat(options.out).then(
    (found) => found.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new AtlasError("VALIDATION_FAILED", `the output folder ${options.out} does not exist`, { issues: [{ path: "out", message: "not a folder" }] });
  const results: AzureRegionRefresh[] = [];
  for (const region of options.regions) results.push(await refreshRegion(region, options, source, today));
  return results;
}
