import { stat } from "node:fs/promises";
import { join } from "node:path";
import { AtlasError } from "../../lib/errors.js";
import { fetchOk, type OfferLocation } from "./offer-file.js";

/** AWS's public Price List host: no credentials needed. */
export const DEFAULT_SOURCE = "https://pricing.us-east-1.amazonaws.com";

/** Where offer files come from: a folder of `<offerCode>/<region>.{csv,json}`, or a Price List host. */
export interface OfferSource {
  describe: string;
  /** The offer file of `offerCode` for `region`, or `undefined` when the source has none. */
  locate(offerCode: string, region: string): Promise<OfferLocation | undefined>;
}

// Offers priced by edge location rather than region: a folder may hold them as `global.*`.
const GLOBAL_OFFERS = new Set(["AmazonCloudFront"]);

/**
 * A local folder holding `<offerCode>/<region>.csv` or `.json` (CSV preferred), and for global
 * offers `<offerCode>/global.*`.
 * @throws AtlasError `UPSTREAM_FAILED` when the folder does not exist.
 */
export async function folderSource(dir: string): Promise<OfferSource> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error("not a folder");
  } catch (error) {
    throw new AtlasError("UPSTREAM_FAILED", `cannot read offer folder ${dir}: ${(error as Error).message}`, {
      issues: [{ path: "source", message: "unreachable" }],
    });
  }
  return {
    describe: dir,
    locate: async (offerCode, region) => {
      const names = GLOBAL_OFFERS.has(offerCode) ? [region, "global"] : [region];
      for (const name of names) {
        for (const format of ["csv", "json"] as const) {
          const path = join(dir, offerCode, `${name}.${format}`);
          if (await isFile(path)) return { offerCode, location: path, format };
        }
      }
      return undefined;
    },
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface OfferIndex {
  offers?: Record<string, { currentRegionIndexUrl?: string; currentVersionUrl?: string }>;
}
interface RegionIndex {
  regions?: Record<string, { currentVersionUrl?: string }>;
}

/**
 * A Price List host (`https://pricing.us-east-1.amazonaws.com` or a mirror): its offer index, each
 * offer's region index, then the region's offer file as CSV (streamed line by line). Global offers
 * with no regional file fall back to the offer's current file.
 */
export function hostSource(base: string): OfferSource {
  const root = base.replace(/\/+$/, "");
  let index: Promise<OfferIndex> | undefined;
  const getIndex = () => {
    index ??= fetchJson<OfferIndex>(`${root}/offers/v1.0/aws/index.json`);
    return index;
  };
  return {
    describe: root,
    locate: async (offerCode, region) => {
      const offer = (await getIndex()).offers?.[offerCode];
      if (!offer) return undefined;
      let versionUrl: string | undefined;
      if (offer.currentRegionIndexUrl) {
        const regions = await fetchJson<RegionIndex>(absolute(root, offer.currentRegionIndexUrl));
        versionUrl = regions.regions?.[region]?.currentVersionUrl;
      }
      if (!versionUrl && GLOBAL_OFFERS.has(offerCode)) versionUrl = offer.currentVersionUrl;
      if (!versionUrl) return undefined;
      return { offerCode, location: absolute(root, versionUrl).replace(/\.json$/, ".csv"), format: "csv" };
    },
  };
}

function absolute(root: string, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${root}${path.startsWith("/") ? "" : "/"}${path}`;
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetchOk(url);
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new AtlasError("VALIDATION_FAILED", `malformed index ${url}: ${(error as Error).message}`, { issues: [{ path: url, message: "not JSON" }] });
  }
}

/** `--source` as given: an http(s) URL is a Price List host, anything else a folder. */
export async function openSource(source: string | undefined): Promise<OfferSource> {
  if (!source || /^https?:\/\//.test(source)) return hostSource(source ?? DEFAULT_SOURCE);
  return folderSource(source);
}
