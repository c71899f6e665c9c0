// @cdktn/hcl2json is the community continuation of CDKTF's hcl2json (CDKTF was deprecated in
// December 2025): the same API, and the same JSON on every HCL input the tests and fixtures hold.
import { parse } from "@cdktn/hcl2json";
import type { HclParseCache } from "./hcl-cache.js";
import { compareStrings } from "./read-folder.js";
import { locateHclBlocks, locateJsonKey } from "./terraform-locate.js";
import { evaluateFolders, type FolderBlocks, type ModuleReport } from "./terraform-modules.js";
import { isTerraformPlanFile, parseTerraformPlans } from "./terraform-plan.js";
import type { IacFile, ParseError, SkippedFile, TerraformResource } from "./types.js";

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
  /** `module` calls: local ones evaluated (their blocks are in the lists above), others not */
  modules: ModuleReport[];
  errors: ParseError[];
  /** Terraform source not read because a plan JSON made from it is given (see {@link parseTerraform}) */
  skipped: SkippedFile[];
}

/** Options of {@link parseTerraform}. */
export interface TerraformParseOptions {
  /** HCL parse results by content, kept between calls */
  cache?: HclParseCache | undefined;
  /** root module variable values, as `-var k=v` gives them; they win over tfvars and defaults */
  vars?: Readonly<Record<string, unknown>> | undefined;
}

type Mode = NonNullable<TerraformResource["mode"]>;
type Located = (keys: string[], occurrence: number) => number | null;

/**
 * Parses every `.tf` (HCL, via hcl2json) and `.tf.json` file, then evaluates them as Terraform
 * would (iac/evaluate.ts): variables from defaults, `terraform.tfvars`, `*.auto.tfvars` and
 * `options.vars`; locals; `count`, `for_each` and `dynamic` blocks; local modules. Each folder is
 * a module: a folder no local module block calls is a root, its blocks addressed
 * `module.<folder>.` below the top. A file that does not parse becomes a {@link ParseError}; it
 * never throws. With `options.cache`, an HCL file whose content was parsed before is not parsed
 * again (see {@link HclParseCache}).
 */
export async function parseTerraform(files: IacFile[], options: TerraformParseOptions = {}): Promise<TerraformParseResult> {
  const errors: ParseError[] = [];
  const skipped: SkippedFile[] = [];
  const folders = new Map<string, FolderBlocks>();
  const tfvarsFiles: { folder: string; order: string; values: Record<string, unknown> }[] = [];
  // A plan JSON is what Terraform resolved from the source in its folder: reading both would
  // count every resource twice, so the plan wins there (and below it, where its modules live).
  const planFolders = files.filter(isTerraformPlanFile).map((file) => folderOf(file.path));
  const underPlan = (path: string) => planFolders.some((folder) => folder === "" || path.startsWith(`${folder}/`));
  for (const file of files) {
    const tfvars = tfvarsOrder(file.path);
    const isJson = /\.tf(?:vars)?\.json$/i.test(file.path);
    if (!tfvars && !isJson && !/\.tf$/i.test(file.path)) continue;
    if (!tfvars && /\.tfvars\.json$/i.test(file.path)) continue;
    if (underPlan(file.path)) {
      skipped.push({ file: file.path, reason: "Terraform source beside a plan JSON: the plan holds what Terraform resolved from it" });
      continue;
    }
    const parsed = isJson ? parseJson(file) : await parseHcl(file, options);
    if ("error" in parsed) {
      errors.push(parsed.error);
      continue;
    }
    if (tfvars) tfvarsFiles.push({ folder: folderOf(file.path), order: tfvars, values: parsed.body });
    else collect(file.path, parsed.body, parsed.locate, folderBlocks(folders, folderOf(file.path)));
  }
  tfvarsFiles.sort((a, b) => compareStrings(a.order, b.order));
  for (const { folder, values } of tfvarsFiles) folderBlocks(folders, folder).tfvars.push(values);
  const result: TerraformParseResult = { ...evaluateFolders(folders, options.vars ?? {}, files), errors, skipped };
  // Plan JSON (terraform show -json) holds what Terraform resolved: taken as it is, never evaluated again.
  const plans = parseTerraformPlans(files);
  result.resources.push(...plans.resources);
  result.dataSources.push(...plans.dataSources);
  result.providers.push(...plans.providers);
  result.errors.push(...plans.errors);
  const byPosition = (a: TerraformResource, b: TerraformResource) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1);
  for (const list of [result.resources, result.dataSources, result.providers, result.variables]) list.sort(byPosition);
  return result;
}

/**
 * Known regions of the default (unaliased) `aws` providers, once evaluated (a literal, a variable
 * with a value, a plan's provider config), in file order without repeats: where to price.
 */
export function providerRegions(providers: readonly TerraformResource[]): string[] {
  const regions: string[] = [];
  for (const provider of providers) {
    if (provider.type !== "aws" || provider.name !== "default") continue;
    const region = provider.attributes.region;
    if (typeof region === "string" && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) && !regions.includes(region)) regions.push(region);
  }
  return regions;
}

/**
 * The files Terraform loads by itself, with a key giving its load order: `terraform.tfvars`,
 * `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in lexical order. Null for any other file
 * (`prod.tfvars` is only read with `-var-file`).
 */
function tfvarsOrder(path: string): string | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name === "terraform.tfvars") return "0";
  if (name === "terraform.tfvars.json") return "1";
  if (/\.auto\.tfvars(?:\.json)?$/.test(name)) return `2${name}`;
  return null;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function folderBlocks(folders: Map<string, FolderBlocks>, folder: string): FolderBlocks {
  let blocks = folders.get(folder);
  if (!blocks) {
    blocks = { resources: [], dataSources: [], providers: [], variables: [], locals: {}, calls: [], tfvars: [] };
    folders.set(folder, blocks);
  }
  return blocks;
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

/** Adds one file's blocks to its folder's, addressed relative to the module (the folder). */
function collect(path: string, body: Record<string, unknown>, locate: Located, out: FolderBlocks): void {
  const module = folderOf(path);
  const make = (mode: Mode, type: string, name: string, address: string, line: number | null, attributes: Record<string, unknown>) =>
    ({ type, name, address, file: path, line, attributes, mode, module }) satisfies TerraformResource;

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
  for (const block of asArray(body.locals)) Object.assign(out.locals, Object.fromEntries(entries(block)));
  for (const block of asArray(body.module)) {
    for (const [name, bodies] of entries(block)) {
      for (const attrs of asArray(bodies).filter(isRecord)) out.calls.push({ name, file: path, line: locate(["module", name], 0), attributes: clean(attrs) });
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
