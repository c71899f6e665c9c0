import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { AtlasError } from "../../lib/errors.js";

/**
 * One price dimension of one SKU of an AWS Price List offer file, the same whether it was read
 * from the CSV (one line per dimension) or the JSON (`products` joined to `terms`). Attribute
 * names are normalised (lower case, letters and digits only), so the CSV's `Instance Type` and
 * the JSON's `instanceType` are both `instancetype`.
 */
export interface OfferRow {
  sku: string;
  /** `OnDemand` or `Reserved`. */
  termType: string;
  productFamily: string;
  attributes: Readonly<Record<string, string>>;
  unit: string;
  /** USD per unit. */
  price: number;
  beginRange: number;
  /** `Infinity` for the open-ended last tier. */
  endRange: number;
}

/** What an offer file says about itself. */
export interface OfferMeta {
  offerCode: string;
  version: string;
  /** ISO timestamp, e.g. `2025-12-01T18:20:13Z`. */
  publicationDate: string;
}

/** Lower case, letters and digits only: the key both formats share for an attribute. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Splits one CSV record (RFC 4180 quoting: `""` is a quote inside a quoted field). Returns
 * `undefined` when a quoted field is still open at the end, so the caller can join the next line.
 */
export function parseCsvRecord(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else {
      field += char;
    }
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

function malformed(where: string, message: string): AtlasError {
  return new AtlasError("VALIDATION_FAILED", `malformed offer file ${where}: ${message}`, { issues: [{ path: where, message }] });
}

function parseRange(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  if (text === "Inf") return Number.POSITIVE_INFINITY;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

function parsePrice(text: string | undefined, where: string, sku: string): number {
  const value = Number(text);
  if (text === undefined || text === "" || !Number.isFinite(value) || value < 0) throw malformed(where, `SKU ${sku} has price "${text ?? ""}"`);
  return value;
}

// The columns every CSV offer file starts with; every other column is a product attribute.
const PRICE_COLUMNS = new Set([
  "sku",
  "offertermcode",
  "ratecode",
  "termtype",
  "pricedescription",
  "effectivedate",
  "startingrange",
  "endingrange",
  "unit",
  "priceperunit",
  "currency",
]);

const META_KEYS: Record<string, keyof OfferMeta> = { offercode: "offerCode", version: "version", publicationdate: "publicationDate" };

/**
 * Reads a CSV offer file line by line (the EC2 one is several GB): the metadata lines, the
 * header row (first cell `SKU`), then one row per price dimension, passed to `onRow`. Rows in
 * another currency than USD are skipped.
 * @throws AtlasError `VALIDATION_FAILED` when the header, metadata or a price is missing or wrong.
 */
export async function readCsvOffer(lines: AsyncIterable<string>, where: string, onRow: (row: OfferRow) => void): Promise<OfferMeta> {
  const meta: Partial<OfferMeta> = {};
  let header: string[] | undefined;
  let pending = "";
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const text = pending ? `${pending}\n${raw}` : raw;
    const fields = parseCsvRecord(text);
    if (!fields) {
      pending = text;
      continue;
    }
    pending = "";
    if (!header) {
      if (fields[0] === "SKU") {
        header = fields.map(normaliseName);
        continue;
      }
      const key = META_KEYS[normaliseName(fields[0] ?? "")];
      if (key) meta[key] = fields[1] ?? "";
      continue;
    }
    if (fields.length === 1 && fields[0] === "") continue;
    if (fields.length !== header.length) throw malformed(where, `line ${lineNumber} has ${fields.length} fields, the header ${header.length}`);
    const row = csvRow(header, fields, where);
    if (row) onRow(row);
  }
  if (pending) throw malformed(where, "a quoted field is never closed");
  if (!header) throw malformed(where, 'no header row (a first cell "SKU")');
  return completeMeta(meta, where);
}

function csvRow(header: string[], fields: string[], where: string): OfferRow | undefined {
  const attributes: Record<string, string> = {};
  const cell: Record<string, string> = {};
  header.forEach((name, i) => {
    const value = fields[i] ?? "";
    if (PRICE_COLUMNS.has(name)) cell[name] = value;
    else if (value !== "") attributes[name] = value;
  });
  if (cell.currency && cell.currency !== "USD") return undefined;
  const sku = cell.sku ?? "";
  const productFamily = attributes.productfamily ?? "";
  delete attributes.productfamily;
  return {
    sku,
    termType: cell.termtype ?? "",
    productFamily,
    attributes,
    unit: cell.unit ?? "",
    price: parsePrice(cell.priceperunit, where, sku),
    beginRange: parseRange(cell.startingrange, 0),
    endRange: parseRange(cell.endingrange, Number.POSITIVE_INFINITY),
  };
}

function completeMeta(meta: Partial<OfferMeta>, where: string): OfferMeta {
  const missing = (["offerCode", "version", "publicationDate"] as const).filter((key) => !meta[key]);
  if (missing.length) throw malformed(where, `no ${missing.join(", ")}`);
  const { offerCode = "", version = "", publicationDate = "" } = meta;
  if (!/^\d{4}-\d{2}-\d{2}/.test(publicationDate)) throw malformed(where, `publication date "${publicationDate}" is not ISO`);
  return { offerCode, version, publicationDate };
}

interface JsonDimension {
  unit?: string;
  beginRange?: string;
  endRange?: string;
  pricePerUnit?: Record<string, string>;
}
interface JsonTerm {
  priceDimensions?: Record<string, JsonDimension>;
}
interface JsonOffer {
  offerCode?: string;
  version?: string;
  publicationDate?: string;
  products?: Record<string, { productFamily?: string; attributes?: Record<string, string> }>;
  terms?: Record<string, Record<string, Record<string, JsonTerm>>>;
}

/**
 * Reads a JSON offer file already in memory: every USD price dimension of every term, joined to
 * its product.
 * @throws AtlasError `VALIDATION_FAILED` when it is not JSON or lacks `products`, `terms` or metadata.
 */
export function readJsonOffer(text: string, where: string, onRow: (row: OfferRow) => void): OfferMeta {
  let offer: JsonOffer;
  try {
    offer = JSON.parse(text) as JsonOffer;
  } catch (error) {
    throw malformed(where, `not JSON (${(error as Error).message})`);
  }
  if (!offer || typeof offer !== "object" || !offer.products || !offer.terms) throw malformed(where, "no products or terms");
  const meta = completeMeta({ offerCode: offer.offerCode, version: offer.version, publicationDate: offer.publicationDate }, where);
  for (const [termType, bySku] of Object.entries(offer.terms)) {
    for (const [sku, terms] of Object.entries(bySku ?? {})) {
      const product = offer.products[sku];
      if (!product) throw malformed(where, `term for SKU ${sku}, which is not among the products`);
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(product.attributes ?? {})) attributes[normaliseName(name)] = value;
      for (const term of Object.values(terms ?? {})) {
        for (const dimension of Object.values(term.priceDimensions ?? {})) {
          const usd = dimension.pricePerUnit?.USD;
          if (usd === undefined) continue;
          onRow({
            sku,
            termType,
            productFamily: product.productFamily ?? "",
            attributes,
            unit: dimension.unit ?? "",
            price: parsePrice(usd, where, sku),
            beginRange: parseRange(dimension.beginRange, 0),
            endRange: parseRange(dimension.endRange, Number.POSITIVE_INFINITY),
          });
        }
      }
    }
  }
  return meta;
}

/** Where one offer file is: a local path or a URL, and its format. */
export interface OfferLocation {
  offerCode: string;
  /** Local path or https URL. */
  location: string;
  format: "csv" | "json";
}

// V8 cannot hold a string much above 512 MiB: a JSON offer that large must be read as CSV.
const MAX_JSON_BYTES = 400 * 1024 * 1024;

/**
 * Streams every row of the offer file at `offer` to `onRow` and returns its metadata. CSV is read
 * line by line from disk or from the response body; JSON is read whole, so it is refused above
 * 400 MiB (the CSV of the same offer streams).
 * @throws AtlasError `UPSTREAM_FAILED` when the file cannot be read, `VALIDATION_FAILED` when malformed.
 */
export async function readOffer(offer: OfferLocation, onRow: (row: OfferRow) => void): Promise<OfferMeta> {
  const remote = /^https?:\/\//.test(offer.location);
  if (offer.format === "csv") {
    const stream = remote ? await fetchStream(offer.location) : await fileStream(offer.location);
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      return await readCsvOffer(lines, offer.location, onRow);
    } finally {
      lines.close();
      stream.destroy();
    }
  }
  const text = remote ? await fetchText(offer.location, MAX_JSON_BYTES) : await fileText(offer.location);
  return readJsonOffer(text, offer.location, onRow);
}

function unreachable(where: string, error: unknown): AtlasError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AtlasError("UPSTREAM_FAILED", `cannot read ${where}: ${reason}`, { issues: [{ path: where, message: reason }] });
}

async function fileStream(path: string): Promise<Readable> {
  try {
    await stat(path);
  } catch (error) {
    throw unreachable(path, error);
  }
  return createReadStream(path, { encoding: "utf8" });
}

async function fileText(path: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  try {
    const size = (await stat(path)).size;
    if (size > MAX_JSON_BYTES) throw malformed(path, "too large to read as JSON: give the CSV offer file instead");
    return await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof AtlasError) throw error;
    throw unreachable(path, error);
  }
}

/** GETs `url`, failing with `UPSTREAM_FAILED` on a network error or a non-2xx status. */
export async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw unreachable(url, (error as { cause?: unknown }).cause ?? error);
  }
  if (!response.ok) throw unreachable(url, `HTTP ${response.status}`);
  return response;
}

async function fetchStream(url: string): Promise<Readable> {
  const response = await fetchOk(url);
  if (!response.body) throw unreachable(url, "empty response");
  return Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>).setEncoding("utf8");
}

async function fetchText(url: string, maxBytes: number): Promise<string> {
  const response = await fetchOk(url);
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw malformed(url, "too large to read as JSON: read the CSV offer file instead");
  return response.text();
}
