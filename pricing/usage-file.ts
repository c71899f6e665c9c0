import { parse } from "yaml";
import { USAGE_KEYS } from "./component-spec.js";
import type { UsageValues } from "./types.js";

/** Every key some component reads: a non-number there is a mistake, anywhere else it is ignored. */
const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.values(USAGE_KEYS).flat());

/** Usage figures by address, or where in the input they went wrong. */
export type UsageParse = { ok: true; usage: Record<string, UsageValues> } | { ok: false; path: string; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads monthly usage per resource address, the `resource_usage` map of an Infracost usage file
 * (`{ "<address>": { "<key>": <number> } }`). Numbers are kept whatever the key (the estimator
 * reads only the keys it knows); other values are ignored for keys no component reads, since
 * Infracost files carry keys for resources Atlas does not price, and are errors for keys it does.
 * `path` in a failure is relative to the map, e.g. `aws_nat_gateway.main.monthly_data_processed_gb`.
 */
export function parseResourceUsage(value: unknown): UsageParse {
  if (!isRecord(value)) return { ok: false, path: "", message: "must be a map of resource addresses to usage figures" };
  const usage: Record<string, UsageValues> = {};
  for (const [address, figures] of Object.entries(value)) {
    if (figures === null || figures === undefined) continue;
    if (!isRecord(figures)) return { ok: false, path: address, message: "must be a map of usage keys to numbers" };
    const values: UsageValues = {};
    for (const [key, figure] of Object.entries(figures)) {
      if (typeof figure === "number") {
        if (!Number.isFinite(figure) || figure < 0) return { ok: false, path: `${address}.${key}`, message: "must be a non-negative number" };
        values[key] = figure;
      } else if (KNOWN_KEYS.has(key) && figure !== null) {
        return { ok: false, path: `${address}.${key}`, message: `must be a number, got ${JSON.stringify(figure)}` };
      }
    }
    usage[address] = values;
  }
  return { ok: true, usage };
}

/**
 * Reads an Infracost-format usage file (YAML: `version: 0.1`, `resource_usage: …`); other
 * top-level keys (e.g. `resource_type_default_usage`) are ignored. Paths in a failure start at
 * the document root (`resource_usage.<address>.<key>`); a YAML syntax error names its line.
 */
export function parseUsageFile(text: string): UsageParse {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, path: "", message: `not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
  if (!isRecord(document)) return { ok: false, path: "", message: "must be a YAML map with version and resource_usage" };
  if (String(document.version) !== "0.1") return { ok: false, path: "version", message: `must be 0.1, got ${JSON.stringify(document.version ?? null)}` };
  if (document.resource_usage === undefined || document.resource_usage === null) return { ok: true, usage: {} };
  const parsed = parseResourceUsage(document.resource_usage);
  if (parsed.ok) return parsed;
  return { ok: false, path: parsed.path === "" ? "resource_usage" : `resource_usage.${parsed.path}`, message: parsed.message };
}
