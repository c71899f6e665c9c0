import { evaluateValue, type Scope, withNames } from "./hcl-expr-eval.js";
import { HclEvalError, hasUnknown, isRecord, isSetValue, toBool, toNumber, toSetValue, toStringValue, UNKNOWN } from "./hcl-values.js";
import type { TerraformResource } from "./types.js";

/** What a module instance sees besides its variables and locals. */
export interface ScopeContext {
  /** `path.module`, `path.root`, `path.cwd` */
  paths?: { module: string; root: string; cwd: string } | undefined;
  /** a file of the validated folder by the path `file()` is given; undefined when not read */
  readFile?: ((path: string) => string | undefined) | undefined;
}

/**
 * The scope of one module instance: its input variables (already resolved, {@link UNKNOWN}
 * where nothing gives a value) and its `locals`, resolved on first use. A local that refers to
 * itself through other locals is unknown (Terraform rejects the cycle; we only must not loop).
 */
export function makeScope(variables: ReadonlyMap<string, unknown>, locals: Readonly<Record<string, unknown>>, context: ScopeContext = {}): Scope {
  const resolved = new Map<string, unknown>();
  const resolving = new Set<string>();
  const scope: Scope = {
    ...(context.paths ? { extra: { path: context.paths } } : {}),
    readFile: context.readFile,
    variable(name) {
      if (!variables.has(name)) throw new HclEvalError(`undeclared variable ${name}`);
      return variables.get(name);
    },
    local(name) {
      if (!Object.hasOwn(locals, name)) throw new HclEvalError(`undeclared local ${name}`);
      if (resolved.has(name)) return resolved.get(name);
      if (resolving.has(name)) return UNKNOWN;
      resolving.add(name);
      const value = evaluateValue(locals[name], scope);
      resolving.delete(name);
      resolved.set(name, value);
      return value;
    },
  };
  return scope;
}

/** A scope with nothing in it, for literal values such as variable defaults. */
export const EMPTY_SCOPE: Scope = makeScope(new Map(), {});

/**
 * Each variable's value as Terraform picks it: `-var` values first (the CLI merges `-var` and
 * `-var-file` in command-line order into `given`), then the tfvars files (later files win, so
 * callers pass `terraform.tfvars` before `*.auto.tfvars`), then `default`; unknown when none
 * applies (Terraform would prompt for it).
 */
export function resolveVariables(
  declared: readonly TerraformResource[],
  tfvars: readonly Record<string, unknown>[],
  given: Readonly<Record<string, unknown>>,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const variable of declared) {
    const name = variable.name;
    const fromFiles = tfvars.filter((file) => Object.hasOwn(file, name)).at(-1);
    let value: unknown = UNKNOWN;
    if (Object.hasOwn(given, name)) value = given[name];
    else if (fromFiles) value = evaluateValue(fromFiles[name], EMPTY_SCOPE);
    else if (Object.hasOwn(variable.attributes, "default")) value = evaluateValue(variable.attributes.default, EMPTY_SCOPE);
    values.set(name, convertToType(value, variable.attributes.type));
  }
  return values;
}

/**
 * Terraform converts a value to the variable's declared primitive type: `-var public=true` is
 * the string "true" until `type = bool` makes it a bool; a list given to a `set(...)` variable
 * becomes a set. A value that does not convert is unknown (Terraform would stop with an error);
 * other types are left as given.
 */
function convertToType(value: unknown, type: unknown): unknown {
  if (value === UNKNOWN || value === null || typeof type !== "string") return value;
  const primitive = type.replace(/^\$\{\s*|\s*\}$/g, "");
  try {
    if (primitive === "bool") return toBool(value);
    if (primitive === "number") return toNumber(value);
    if (primitive === "string") return toStringValue(value);
    if (/^set\(/.test(primitive) && !hasUnknown(value)) return toSetValue(value);
  } catch {
    return UNKNOWN;
  }
  return value;
}

/** One instance of a resource or module: its key in the address and the names it binds. */
export interface Instance {
  /** `0` for `count`, `"a"` for `for_each`; null for a block with neither */
  key: number | string | null;
  /** `count.index` or `each.key` / `each.value` */
  names: Record<string, unknown>;
}

/**
 * The instances `count` / `for_each` make, as Terraform decides them: `count = N` gives keys
 * 0..N-1; `for_each` over a map gives its keys in lexical order (values may still be unknown),
 * over a set of strings its elements. Null when only plan time knows (or Terraform would
 * reject the value): the caller keeps one block carrying the expression.
 */
export function expandInstances(attributes: Record<string, unknown>, scope: Scope): Instance[] | null {
  if (Object.hasOwn(attributes, "count")) {
    const value = evaluateValue(attributes.count, scope);
    if (hasUnknown(value)) return null;
    let count: number;
    try {
      count = toNumber(value);
    } catch {
      return null;
    }
    if (!Number.isInteger(count) || count < 0) return null;
    return Array.from({ length: count }, (_, index) => ({ key: index, names: { count: { index } } }));
  }
  if (Object.hasOwn(attributes, "for_each")) {
    const value = evaluateValue(attributes.for_each, scope);
    if (isRecord(value)) {
      return Object.keys(value)
        .sort()
        .map((key) => ({ key, names: { each: { key, value: value[key] } } }));
    }
    // A set arrives as a list; Terraform takes only a set of strings (a list is its error).
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) return null;
    return [...new Set(value as string[])].sort().map((key) => ({ key, names: { each: { key, value: key } } }));
  }
  return [{ key: null, names: {} }];
}

/** `[0]` or `["key"]`, as Terraform writes an instance key in an address. */
export function instanceSuffix(key: number | string | null): string {
  if (key === null) return "";
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/**
 * A resource block's instances with Terraform's values: known references, locals, conditionals
 * and functions replaced by their value; `dynamic` blocks expanded into the blocks they make.
 * A known `count` or `for_each` makes one resource per instance, addressed `type.name[0]` or
 * `type.name["key"]`, with `count.index` / `each.*` bound and the meta-argument removed (so
 * pricing does not multiply again); none when it makes no instance. An unknown one stays a
 * single resource carrying the expression. What stays unknown keeps its raw `${...}` text and is
 * listed in `unevaluated`.
 */
export function evaluateResource(resource: TerraformResource, scope: Scope): TerraformResource[] {
  const instances = expandInstances(resource.attributes, scope);
  if (instances === null) return [substituteResource(resource, resource.attributes, scope, resource.address)];
  const body = { ...resource.attributes };
  delete body.count;
  delete body.for_each;
  if (instances.length > MAX_INSTANCES) return [manyInstances(resource, body, scope, instances.length)];
  return instances.map(({ key, names }) => substituteResource(resource, body, withNames(scope, names), resource.address + instanceSuffix(key)));
}

/** More instances than this are not listed one by one (a typo such as `count = 100000` must not stall the report). */
const MAX_INSTANCES = 1000;

/** One resource standing for `count` instances (pricing multiplies by `count`), with a note saying so. */
function manyInstances(resource: TerraformResource, body: Record<string, unknown>, scope: Scope, count: number): TerraformResource {
  const out = substituteResource(resource, body, scope, resource.address);
  out.attributes.count = count;
  const note = `${count} instances were checked once, as one resource with count = ${count}; per-instance values (count.index, each.*) stay unknown`;
  out.notes = [...(out.notes ?? []), note];
  return out;
}

function substituteResource(resource: TerraformResource, body: Record<string, unknown>, scope: Scope, address: string): TerraformResource {
  const unevaluated: string[] = [];
  const notes: string[] = [];
  const attributes = substituteObject(body, scope, "", { unevaluated, notes });
  const out: TerraformResource = { ...resource, address, attributes };
  if (unevaluated.length > 0) out.unevaluated = unevaluated;
  if (notes.length > 0) out.notes = notes;
  return out;
}

interface Marks {
  unevaluated: string[];
  notes: string[];
}

function substitute(value: unknown, scope: Scope, path: string, marks: Marks): unknown {
  if (typeof value === "string") {
    const result = evaluateValue(value, scope);
    if (!hasUnknown(result)) return result;
    marks.unevaluated.push(path);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => substitute(item, scope, `${path}[${index}]`, marks));
  if (isRecord(value)) return substituteObject(value, scope, path, marks);
  return value;
}

function substituteObject(value: Record<string, unknown>, scope: Scope, path: string, marks: Marks): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "dynamic") continue;
    out[key] = substitute(item, scope, path ? `${path}.${key}` : key, marks);
  }
  for (const dynamic of asArray(value.dynamic).filter(isRecord)) {
    for (const [name, specs] of Object.entries(dynamic)) {
      for (const spec of asArray(specs).filter(isRecord)) {
        const blocks = expandDynamic(name, spec, scope, path ? `${path}.${name}` : name, marks);
        out[name] = [...asArray(out[name]), ...blocks];
      }
    }
  }
  return out;
}

/**
 * `dynamic "name" { for_each = ...; content { ... } }` as the blocks it makes. With a known
 * `for_each`, one block per element, maps in key order (the iterator's `key` and `value`
 * bound); with an unknown one, the content once, as the shape every generated block would have.
 */
function expandDynamic(name: string, spec: Record<string, unknown>, scope: Scope, path: string, marks: Marks): Record<string, unknown>[] {
  const iterator = typeof spec.iterator === "string" ? spec.iterator.replace(/^\$\{\s*|\s*\}$/g, "") : name;
  const content = asArray(spec.content).find(isRecord) ?? {};
  const forEach = evaluateValue(spec.for_each, scope);
  const withIterator = (key: unknown, value: unknown): Scope => withNames(scope, { [iterator]: { key, value } });
  if (hasUnknown(forEach) || forEach === null || typeof forEach !== "object") {
    marks.notes.push(`dynamic "${name}": for_each is not known before plan; its content was checked once as the blocks' shape`);
    return [substituteObject(content, withIterator(UNKNOWN, UNKNOWN), path, marks)];
  }
  // A set's iterator key is the element itself; a list's is its index.
  const pairs: [unknown, unknown][] = isSetValue(forEach)
    ? (forEach as unknown[]).map((value) => [value, value])
    : Array.isArray(forEach)
      ? forEach.map((value, index) => [index, value])
      : Object.keys(forEach)
          .sort()
          .map((key) => [key, (forEach as Record<string, unknown>)[key]]);
  return pairs.map(([key, value], index) => substituteObject(content, withIterator(key, value), `${path}[${index}]`, marks));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
