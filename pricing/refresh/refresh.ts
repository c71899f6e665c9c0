import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AtlasError } from "../../lib/errors.js";
import { type RegionPrices, regionPricesSchema } from "../catalogue.js";
import { type BuildResult, buildSheet, type OfferReading } from "./build-sheet.js";
import { Collector, OFFER_CODES } from "./extract.js";
import { readOffer } from "./offer-file.js";
import { isKnownRegion, KNOWN_REGIONS } from "./regions.js";
import type { OfferSource } from "./sources.js";

export interface RefreshOptions {
  region: string;
  source: OfferSource;
  /** Folder of the sheets: the current one is read from it and the new one written to it. */
  outDir: string;
  /** Offer codes to read (default: every one the rules know). */
  offers?: readonly string[];
  /** Progress lines (one per offer file read). */
  log?: (line: string) => void;
}

export interface RefreshResult extends BuildResult {
  path: string;
  offersRead: string[];
}

/**
 * Rebuilds `<outDir>/<region>.json` from the offer files `source` has for the region: reads the
 * current sheet (if any), every offer file found, builds the sheet, validates it against
 * `regionPricesSchema` and writes it through a temporary file renamed into place, so a failure at
 * any step leaves the old sheet untouched (and no temporary file behind).
 * @throws AtlasError `VALIDATION_FAILED` (unknown region, malformed file, missing section) or
 *   `UPSTREAM_FAILED` (source unreachable).
 */
export async function refreshRegion(options: RefreshOptions): Promise<RefreshResult> {
  const { region, source, outDir } = options;
  if (!isKnownRegion(region)) {
    throw new AtlasError("VALIDATION_FAILED", `unknown region code "${region}"; known: ${Object.keys(KNOWN_REGIONS).sort().join(", ")}`, {
      issues: [{ path: "region", message: `unknown region "${region}"` }],
    });
  }
  const wanted = options.offers ?? OFFER_CODES;
  const unknown = wanted.filter((code) => !OFFER_CODES.includes(code));
  if (unknown.length) {
    throw new AtlasError("VALIDATION_FAILED", `unknown offer code(s) ${unknown.join(", ")}; known: ${OFFER_CODES.join(", ")}`, {
      issues: [{ path: "offer", message: "unknown offer code" }],
    });
  }
  await requireFolder(outDir);
  const path = join(outDir, `${region}.json`);
  const current = await readCurrent(path);
  const readings = new Map<string, OfferReading>();
  for (const code of wanted) {
    const location = await source.locate(code, region);
    if (!location) continue;
    options.log?.(`reading ${location.location}`);
    const collector = new Collector(code, region);
    const meta = await readOffer(location, (row) => collector.add(row));
    if (meta.offerCode !== code) {
      throw new AtlasError("VALIDATION_FAILED", `malformed offer file ${location.location}: its offer code is "${meta.offerCode}", expected "${code}"`);
    }
    readings.set(code, { meta, location: location.location, collector });
  }
  if (!readings.size) {
    throw new AtlasError("VALIDATION_FAILED", `${source.describe} has no offer file for ${region} (expected <offerCode>/${region}.csv or .json)`, {
      issues: [{ path: "source", message: "no offer file for the region" }],
    });
  }
  const built = buildSheet(region, readings, current);
  await writeAtomically(path, built.sheet);
  return { ...built, path, offersRead: [...readings.keys()] };
}

async function requireFolder(dir: string): Promise<void> {
  const isFolder = await stat(dir).then(
    (found) => found.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new AtlasError("VALIDATION_FAILED", `the output folder ${dir} does not exist`, { issues: [{ path: "out", message: "not a folder" }] });
  }
}

async function readCurrent(path: string): Promise<RegionPrices | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = regionPricesSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new AtlasError("VALIDATION_FAILED", `the current sheet ${path} is not a valid price sheet: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes `sheet` to a temporary file beside `path`, checks it reads back valid, then renames it over `path`. */
async function writeAtomically(path: string, sheet: RegionPrices): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(sheet, null, 2)}\n`, "utf8");
    regionPricesSchema.parse(JSON.parse(await readFile(temporary, "utf8")));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
