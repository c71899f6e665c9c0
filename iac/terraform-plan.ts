import type { IacFile, ParseError, TerraformResource } from "./types.js";

/*
 * Terraform plan JSON (`terraform show -json plan.out`), read as the resources Terraform itself
 * resolved: variables, locals, count, for_each and every module (registry ones included) are
 * already evaluated, so nothing here evaluates anything. The format is Terraform's documented
 * "JSON Output Format" (format_version 1.x): `planned_values.root_module` with `resources[]` and
 * `child_modules[]`, `resource_changes[].change.after_unknown`, and `configuration` (what the
 * configuration wrote: constant values or the references of each expression).
 */

/** The value given to an attribute Terraform only knows after apply; rules read any `${...}` as unknown. */
export const UNKNOWN_AFTER_APPLY = "${unknown after apply}";

/** What a set of plan files adds to the validator's view of Terraform. */
export interface TerraformPlanResult {
  /** managed resources of `planned_values`, one per instance (`aws_instance.web[0]`) */
  resources: TerraformResource[];
  /** data sources of `planned_values` (address `data.<type>.<name>`) */
  dataSources: TerraformResource[];
  /** `configuration.provider_config`: type = provider name, name = alias or `default` */
  providers: TerraformResource[];
  errors: ParseError[];
}

type Json = Record<string, unknown>;

/** True for a file name a plan JSON may have: `.json`, but not Terraform's own `.tf.json` / `.tfvars.json`. */
export function isPlanJsonPath(path: string): boolean {
  return /\.json$/i.test(path) && !/\.tf(?:vars)?\.json$/i.test(path);
}

/** Cheap text test before parsing: a plan names `format_version` and `planned_values` or `resource_changes`. */
function mentionsPlanKeys(content: string): boolean {
  return content.includes('"format_version"') && (content.includes('"planned_values"') || content.includes('"resource_changes"'));
}

/** True for a parsed document that is a plan: `format_version` and `planned_values` (or `resource_changes`). */
export function isPlanDocument(value: unknown): value is Json {
  return isRecord(value) && typeof value.format_version === "string" && (isRecord(value.planned_values) || Array.isArray(value.resource_changes));
}

/** True when `file` is a Terraform plan JSON (decided by its content, not only its name). */
export function isTerraformPlanFile(file: IacFile): boolean {
  if (!isPlanJsonPath(file.path) || !mentionsPlanKeys(file.content)) return false;
  try {
    return isPlanDocument(JSON.parse(file.content));
  } catch {
    return false;
  }
}

/**
 * Reads every plan JSON among `files` (other files are left to the Terraform and Kubernetes
 * parsers). Each resource instance of `planned_values` becomes a {@link TerraformResource}
 * addressed as the plan addresses it, `module` being its module address (`module.db`), `file` the
 * plan's path and `line` the line of its address in that file. Attributes unknown until apply
 * that the configuration sets become {@link UNKNOWN_AFTER_APPLY} (naming the resources they wait
 * for) and are listed in `unevaluated`; those the configuration leaves to the provider are left
 * out, as they are in the `.tf` source. Null attributes (unset) are left out too. Never throws.
 */
export function parseTerraformPlans(files: readonly IacFile[]): TerraformPlanResult {
  const result: TerraformPlanResult = { resources: [], dataSources: [], providers: [], errors: [] };
  for (const file of files) {
    if (!isPlanJsonPath(file.path) || !mentionsPlanKeys(file.content)) continue;
    const one = parseTerraformPlan(file);
    result.resources.push(...one.resources);
    result.dataSources.push(...one.dataSources);
    result.providers.push(...one.providers);
    result.errors.push(...one.errors);
  }
  return result;
}

/** One plan file; see {@link parseTerraformPlans}. A JSON file that is not a plan gives an empty result. */
export function parseTerraformPlan(file: IacFile): TerraformPlanResult {
  const result: TerraformPlanResult = { resources: [], dataSources: [], providers: [], errors: [] };
  let plan: unknown;
  try {
    plan = JSON.parse(file.content);
  } catch (error) {
    result.errors.push(syntaxError(file, error));
    return result;
  }
  if (!isPlanDocument(plan)) return result;
  const version = String(plan.format_version);
  // The format promises compatible additions within a major version and asks readers to reject others.
  if (!/^1\./.test(version)) {
    result.errors.push({ file: file.path, line: 1, message: `Terraform plan JSON format_version ${version} is not supported (1.x is)` });
    return result;
  }
  if (plan.errored === true) {
    result.errors.push({
      file: file.path,
      line: 1,
      message: "terraform plan stopped with an error: its planned values are incomplete, so resources may be missing from this report",
    });
  }
  const changes = changesByAddress(plan.resource_changes);
  const configuration = isRecord(plan.configuration) ? plan.configuration : {};
  const rootConfig = isRecord(configuration.root_module) ? configuration.root_module : {};
  const plannedValues = isRecord(plan.planned_values) ? plan.planned_values : {};
  const rootModule = isRecord(plannedValues.root_module) ? plannedValues.root_module : {};
  for (const instance of moduleResources(rootModule)) {
    const resource = toResource(file, instance, changes.get(instance.address), configFor(rootConfig, instance));
    (resource.mode === "data" ? result.dataSources : result.resources).push(resource);
  }
  result.providers.push(...providers(file, configuration.provider_config, plan.variables));
  return result;
}

/** A resource instance of `planned_values`, with its module's address. */
interface PlanInstance {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  module: string;
  values: Json;
}

/** Every resource of a `planned_values` module and, depth first, of its `child_modules`. */
function moduleResources(module: Json): PlanInstance[] {
  const out: PlanInstance[] = [];
  const moduleAddress = typeof module.address === "string" ? module.address : "";
  for (const item of asArray(module.resources)) {
    if (!isRecord(item) || typeof item.address !== "string" || typeof item.type !== "string" || typeof item.name !== "string") continue;
    out.push({
      address: item.address,
      mode: item.mode === "data" ? "data" : "managed",
      type: item.type,
      name: item.name,
      module: moduleAddress,
      values: isRecord(item.values) ? item.values : {},
    });
  }
  for (const child of asArray(module.child_modules)) if (isRecord(child)) out.push(...moduleResources(child));
  return out;
}

/** `resource_changes` by address: where the plan says which values stay unknown until apply. */
function changesByAddress(changes: unknown): Map<string, Json> {
  const byAddress = new Map<string, Json>();
  for (const change of asArray(changes)) {
    if (isRecord(change) && typeof change.address === "string" && isRecord(change.change)) byAddress.set(change.address, change.change);
  }
  return byAddress;
}

/**
 * The configuration block an instance comes from: module calls followed by name (instance keys
 * dropped: `module.db[0]` and `module.db[1]` share `module_calls.db`), then the resource by mode,
 * type and name. Undefined when the configuration does not hold it (an older or trimmed file).
 */
function configFor(rootConfig: Json, instance: PlanInstance): Json | undefined {
  let module: Json | undefined = rootConfig;
  for (const name of moduleCallNames(instance.module)) {
    const calls: unknown = module?.module_calls;
    const call = isRecord(calls) ? calls[name] : undefined;
    module = isRecord(call) && isRecord(call.module) ? call.module : undefined;
  }
  return asArray(module?.resources)
    .filter(isRecord)
    .find((block) => block.type === instance.type && block.name === instance.name && (block.mode === "data" ? "data" : "managed") === instance.mode);
}

/** `module.a[0].module.b["x"]` → `["a", "b"]`. */
export function moduleCallNames(moduleAddress: string): string[] {
  const names: string[] = [];
  const step = /module\.([A-Za-z0-9_-]+)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.?/y;
  let match = step.exec(moduleAddress);
  while (match) {
    names.push(match[1] as string);
    match = step.exec(moduleAddress);
  }
  return names;
}

function toResource(file: IacFile, instance: PlanInstance, change: Json | undefined, config: Json | undefined): TerraformResource {
  const marks: Marks = { unevaluated: [] };
  const expressions: Expr = config === undefined ? UNMATCHED : isRecord(config.expressions) ? config.expressions : NOT_SET_BODY;
  const attributes = mergeObject(instance.values, change?.after_unknown, expressions, "", marks);
  const resource: TerraformResource = {
    type: instance.type,
    name: instance.name,
    address: instance.address,
    file: file.path,
    line: lineOf(file.content, instance.address),
    attributes,
    mode: instance.mode,
    module: instance.module,
  };
  if (marks.unevaluated.length > 0) resource.unevaluated = marks.unevaluated;
  return resource;
}

/** The line where the address first appears as a JSON string (all on line 1 in terraform's own output). */
function lineOf(content: string, address: string): number | null {
  const at = content.indexOf(JSON.stringify(address));
  return at < 0 ? null : content.slice(0, at).split("\n").length;
}

/*
 * What the configuration says about a value, walked alongside the planned values:
 * - a leaf expression (`{constant_value}` or `{references}`) covers the whole value below it;
 * - a block body (an object of expressions) or a list of bodies (nested blocks) goes on down;
 * - NOT_SET: the configuration does not set it, so an unknown value is the provider's to pick;
 * - UNMATCHED: the configuration cannot be matched (a dynamic block, no configuration section),
 *   so an unknown value is kept as unknown rather than assumed unset.
 */
const NOT_SET = Symbol("not set");
const UNMATCHED = Symbol("unmatched");
/** a resource with no `expressions` at all sets nothing */
const NOT_SET_BODY: Json = {};
type Expr = unknown;

interface Marks {
  unevaluated: string[];
}

function isLeafExpression(expr: Expr): expr is Json {
  return (
    isRecord(expr) && expr !== NOT_SET_BODY && (Object.hasOwn(expr, "constant_value") || Object.hasOwn(expr, "references") || Object.keys(expr).length === 0)
  );
}

function childExpression(expr: Expr, key: string, value: unknown): Expr {
  if (expr === UNMATCHED || expr === NOT_SET) return expr;
  if (isLeafExpression(expr)) return expr;
  if (!isRecord(expr)) return UNMATCHED;
  if (Object.hasOwn(expr, key)) return expr[key];
  // A block in the plan that the configuration does not list was written as a `dynamic` block.
  const isBlockList = Array.isArray(value) && value.length > 0 && value.every(isRecord);
  return isBlockList ? UNMATCHED : NOT_SET;
}

function elementExpression(expr: Expr, index: number): Expr {
  if (expr === UNMATCHED || expr === NOT_SET || isLeafExpression(expr)) return expr;
  // nested blocks: one body per block, in order (a count of blocks that differs means dynamic blocks)
  if (Array.isArray(expr)) return expr[index] ?? UNMATCHED;
  return UNMATCHED;
}

function mergeObject(values: Json, unknown: unknown, expr: Expr, path: string, marks: Marks): Json {
  const out: Json = {};
  const unknownKeys = isRecord(unknown) ? Object.keys(unknown) : [];
  for (const key of new Set([...Object.keys(values), ...unknownKeys])) {
    const childUnknown = isRecord(unknown) ? unknown[key] : undefined;
    const childExpr = childExpression(expr, key, values[key]);
    const merged = mergeValue(values[key], childUnknown, childExpr, path ? `${path}.${key}` : key, marks);
    // null is how the plan says "not set", which the `.tf` source says by leaving the attribute out;
    // an empty list or map nobody wrote (no `launch_template` blocks, `tags_all = {}`) is not set either
    if (merged === undefined || merged === null || (childExpr === NOT_SET && isEmpty(merged))) continue;
    out[key] = merged;
  }
  return out;
}

function mergeValue(value: unknown, unknown: unknown, expr: Expr, path: string, marks: Marks): unknown {
  if (unknown === true) {
    if (expr === NOT_SET) return undefined;
    marks.unevaluated.push(path);
    return unknownMarker(expr);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const merged = mergeValue(item, Array.isArray(unknown) ? unknown[index] : undefined, elementExpression(expr, index), `${path}[${index}]`, marks);
      return merged === undefined ? null : merged;
    });
  }
  if (isRecord(value)) return mergeObject(value, unknown, expr, path, marks);
  return value;
}

/** Reference prefixes whose value the plan already resolved; naming them would not help link resources. */
const RESOLVED_REFERENCES = /^(var|local|count|each|path|terraform|self)\./;

/**
 * {@link UNKNOWN_AFTER_APPLY}, naming the resource attributes the expression refers to
 * (`${unknown after apply: aws_s3_bucket.data.id}`), so rules that link resources by reference
 * (a public access block to its bucket) see the same link as in the `.tf` source.
 */
function unknownMarker(expr: Expr): string {
  const references = isLeafExpression(expr) ? asArray(expr.references).filter((ref): ref is string => typeof ref === "string") : [];
  const useful = references.filter((ref) => !RESOLVED_REFERENCES.test(ref));
  // `aws_s3_bucket.data` is listed next to `aws_s3_bucket.data.id`: keep the most precise.
  const named = useful.filter((ref, index) => useful.indexOf(ref) === index && !useful.some((other) => other !== ref && other.startsWith(`${ref}.`)));
  return named.length === 0 ? UNKNOWN_AFTER_APPLY : `\${unknown after apply: ${named.join(", ")}}`;
}

/**
 * `configuration.provider_config` as provider blocks. A constant is its value. The plan keeps no
 * evaluated provider arguments, only each expression's references: a root provider's `region`
 * whose only reference is a root variable holding a region name (`region = var.region`) takes that
 * value from the plan's `variables` (a note says so). Anything else is {@link UNKNOWN_AFTER_APPLY}.
 */
function providers(file: IacFile, config: unknown, variables: unknown): TerraformResource[] {
  const out: TerraformResource[] = [];
  if (!isRecord(config)) return out;
  for (const [key, entry] of Object.entries(config)) {
    if (!isRecord(entry)) continue;
    const type = typeof entry.name === "string" ? entry.name : key.replace(/^.*:/, "").replace(/\..*$/, "");
    const alias = typeof entry.alias === "string" ? entry.alias : "default";
    const module = typeof entry.module_address === "string" ? entry.module_address : "";
    const attributes: Json = {};
    const notes: string[] = [];
    for (const [name, expr] of Object.entries(isRecord(entry.expressions) ? entry.expressions : {})) {
      if (isRecord(expr) && Object.hasOwn(expr, "constant_value")) {
        attributes[name] = expr.constant_value;
        continue;
      }
      const fromVariable = module === "" && name === "region" ? rootRegionVariable(expr, variables) : undefined;
      if (fromVariable) {
        attributes[name] = fromVariable.value;
        notes.push(`${name} is the value of ${fromVariable.reference}, the only thing its expression refers to`);
      } else attributes[name] = unknownMarker(expr);
    }
    const provider: TerraformResource = {
      type,
      name: alias,
      address: `${module ? `${module}.` : ""}provider.${type}${alias === "default" ? "" : `.${alias}`}`,
      file: file.path,
      line: null,
      attributes,
      mode: "provider",
      module,
    };
    if (notes.length > 0) provider.notes = notes;
    out.push(provider);
  }
  return out;
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function rootRegionVariable(expr: Expr, variables: unknown): { reference: string; value: string } | undefined {
  const references = isRecord(expr) ? asArray(expr.references) : [];
  const [reference] = references;
  if (references.length !== 1 || typeof reference !== "string") return undefined;
  const name = reference.match(/^var\.([A-Za-z0-9_-]+)$/)?.[1];
  const variable = name !== undefined && isRecord(variables) ? variables[name] : undefined;
  const value = isRecord(variable) ? variable.value : undefined;
  return typeof value === "string" && REGION_NAME.test(value) ? { reference, value } : undefined;
}

/** Node reports `... at position 42` (newer versions also a line): a ParseError with that line. */
function syntaxError(file: IacFile, error: unknown): ParseError {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.match(/line (\d+)/)?.[1];
  const position = text.match(/position (\d+)/)?.[1];
  const at = line ? Number(line) : position ? file.content.slice(0, Number(position)).split("\n").length : null;
  return { file: file.path, line: at, message: `JSON syntax error in Terraform plan: ${text}` };
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isRecord(value) && Object.keys(value).length === 0;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
