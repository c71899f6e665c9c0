// @cdktn/hcl2json is the community continuation of CDKTF's hcl2json (CDKTF was deprecated in
// December 2025): the same API, and the same JSON on every HCL input the tests and fixtures hold.
import { parse } from "@cdktn/hcl2json";
import type { HclParseCache } from "./hcl-cache.js";
import { locateHclBlocks, locateJsonKey } from "./terraform-locate.js";
import type { IacFile, ParseError, TerraformResource } from "./types.js";

/** Everything the validator needs from a folder of Terraform. */
export interface TerraformParseResult {
  /** `resource` blocks, sorted by file and line */
  resources: TerraformResource[];
  /** `data` blocks (address `data.<type>.<name>`) */
  dataSources: TerraformResource[];
  /** `provider` blocks (type = provider name, name = alias or `default`) */
  providers: TerraformResource[];
  /** `variable` blocks (type = `variable`, name = variable name) */
  variables: TerraformResource[];
  errors: ParseError[];
}

/** Options of {@link parseTerraform}. */
export interface TerraformParseOptions {
  /** HCL parse results by content, kept between calls */
  cache?: HclParseCache | undefined;
}

type Mode = NonNullable<TerraformResource["mode"]>;
type Located = (keys: string[], occurrence: number) => number | null;

/**
 * Parses every `.tf` (HCL, via hcl2json) and `.tf.json` file. Each folder is a module:
 * blocks in a subfolder get the address prefix `module.<folder>.`. A file that does not
 * parse becomes a {@link ParseError}; it never throws. With `options.cache`, an HCL file whose
 * content was parsed before is not parsed again (see {@link HclParseCache}).
 */
export async function parseTerraform(files: IacFile[], options: TerraformParseOptions = {}): Promise<TerraformParseResult> {
  const result: TerraformParseResult = { resources: [], dataSources: [], providers: [], variables: [], errors: [] };
  for (const file of files) {
    const isJson = /\.tf\.json$/i.test(file.path);
    if (!isJson && !/\.tf$/i.test(file.path)) continue;
    const parsed = isJson ? parseJson(file) : await parseHcl(file, options);
    if ("error" in parsed) {
      result.errors.push(parsed.error);
      continue;
    }
    collect(file.path, parsed.body, parsed.locate, result);
  }
  const byPosition = (a: TerraformResource, b: TerraformResource) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1);
  for (const list of [result.resources, result.dataSources, result.providers, result.variables]) list.sort(byPosition);
  return result;
}

type Parsed = { body: Record<string, unknown>; locate: Located } | { error: ParseError };

async function parseHcl(file: IacFile, { cache }: TerraformParseOptions): Promise<Parsed> {
  try {
    let parsed = cache?.get(file.content);
    if (!parsed) {
      parsed = { body: (await parse(file.path, file.content)) as Record<string, unknown>, blocks: locateHclBlocks(file.content) };
      cache?.set(file.content, parsed);
    }
    const { body, blocks } = parsed;
    const locate: Located = (keys, occurrence) => blocks.get(keys.length === 3 ? keys.join(".") : `${keys.join(".")}#${occurrence}`) ?? null;
    return { body, locate };
  } catch (error) {
    return { error: hclError(file.path, error) };
  }
}

/** hcl2json reports `parse config: [main.tf:2,7-3,1: Summary; Detail.]`; keep line and text. */
function hclError(path: string, error: unknown): ParseError {
  const text = error instanceof Error ? error.message : String(error);
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = text.match(new RegExp(`${escaped}:(\\d+),\\d+(?:-[\\d,]+)?:\\s*([^\\]]*)`));
  const message = (match?.[2] ?? text.replace(/^parse config:\s*/, "")).trim();
  return { file: path, line: match?.[1] ? Number(match[1]) : null, message: `HCL syntax error: ${message}` };
}

function parseJson(file: IacFile): Parsed {
  try {
    const body = JSON.parse(file.content) as unknown;
    if (!isRecord(body)) return { error: { file: file.path, line: 1, message: "Terraform JSON must be an object" } };
    return { body, locate: (keys) => locateJsonKey(file.content, keys) };
  } catch (error) {
    return { error: jsonError(file.path, file.content, error) };
  }
}

/** Node reports `... at position 42` (and, in newer versions, a line): turn it into a line. */
export function jsonError(path: string, content: string, error: unknown): ParseError {
  const text = error instanceof Error ? error.message : String(error);
  const lineMatch = text.match(/line (\d+)/);
  const posMatch = text.match(/position (\d+)/);
  let line: number | null = lineMatch?.[1] ? Number(lineMatch[1]) : null;
  if (line === null && posMatch?.[1]) line = content.slice(0, Number(posMatch[1])).split("\n").length;
  return { file: path, line, message: `JSON syntax error: ${text}` };
}

function collect(path: string, body: Record<string, unknown>, locate: Located, out: TerraformParseResult): void {
  const slash = path.lastIndexOf("/");
  const module = slash < 0 ? "" : path.slice(0, slash);
  const prefix = module ? `module.${module}.` : "";
  const make = (mode: Mode, type: string, name: string, address: string, line: number | null, attributes: Record<string, unknown>) =>
    ({ type, name, address: prefix + address, file: path, line, attributes, mode, module }) satisfies TerraformResource;

  for (const [blockType, mode, list] of [
    ["resource", "managed", out.resources],
    ["data", "data", out.dataSources],
  ] as const) {
    for (const block of asArray(body[blockType])) {
      for (const [type, byName] of entries(block)) {
        for (const named of asArray(byName)) {
          for (const [name, bodies] of entries(named)) {
            const line = locate([blockType, type, name], 0);
            const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
            for (const attrs of asArray(bodies).filter(isRecord)) list.push(make(mode, type, name, address, line, clean(attrs)));
          }
        }
      }
    }
  }
  for (const [blockType, mode, list] of [
    ["provider", "provider", out.providers],
    ["variable", "variable", out.variables],
  ] as const) {
    for (const block of asArray(body[blockType])) {
      for (const [label, bodies] of entries(block)) {
        asArray(bodies)
          .filter(isRecord)
          .forEach((attrs, index) => {
            const line = locate([blockType, label], index);
            const name = mode === "provider" ? (typeof attrs.alias === "string" ? attrs.alias : "default") : label;
            const type = mode === "provider" ? label : "variable";
            const address = mode === "provider" ? `provider.${label}${name === "default" ? "" : `.${name}`}` : `var.${label}`;
            list.push(make(mode, type, name, address, line, clean(attrs)));
          });
      }
    }
  }
}

/** `.tf.json` allows `"//"` comment keys; they are not attributes. */
function clean(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).filter(([key]) => key !== "//"));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value).filter(([key]) => key !== "//") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
