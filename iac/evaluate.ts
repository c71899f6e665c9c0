import { evaluateValue, type Scope } from "./hcl-expr-eval.js";
import { HclEvalError, hasUnknown, isRecord, toBool, toNumber, toStringValue, UNKNOWN } from "./hcl-values.js";
import type { TerraformResource } from "./types.js";

/**
 * The scope of one module instance: its input variables (already resolved, {@link UNKNOWN}
 * where nothing gives a value) and its `locals`, resolved on first use. A local that refers to
 * itself through other locals is unknown (Terraform rejects the cycle; we only must not loop).
 */
export function makeScope(variables: ReadonlyMap<string, unknown>, locals: Readonly<Record<string, unknown>>): Scope {
  const resolved = new Map<string, unknown>();
  const resolving = new Set<string>();
  const scope: Scope = {
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
 * Each variable's value as Terraform picks it: `-var` values first, then the tfvars files
 * (later files win, so callers pass `terraform.tfvars` before `*.auto.tfvars`), then `default`;
 * unknown when none applies (Terraform would prompt for it).
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
 * the string "true" until `type = bool` makes it a bool. A value that does not convert is unknown
 * (Terraform would stop with an error); other types are left as given.
 */
function convertToType(value: unknown, type: unknown): unknown {
  if (value === UNKNOWN || value === null || typeof type !== "string") return value;
  const primitive = type.replace(/^\$\{\s*|\s*\}$/g, "");
  try {
    if (primitive === "bool") return toBool(value);
    if (primitive === "number") return toNumber(value);
    if (primitive === "string") return toStringValue(value);
  } catch {
    return UNKNOWN;
  }
  return value;
}

/** How many instances `count` / `for_each` make: a number, or null when only plan time knows. */
export function instanceCount(attributes: Record<string, unknown>, scope: Scope): { count: number | null; count_value?: unknown; for_each?: unknown } {
  if (Object.hasOwn(attributes, "count")) {
    const value = evaluateValue(attributes.count, scope);
    if (hasUnknown(value)) return { count: null };
    try {
      return { count: toNumber(value), count_value: toNumber(value) };
    } catch {
      return { count: null };
    }
  }
  if (Object.hasOwn(attributes, "for_each")) {
    const value = evaluateValue(attributes.for_each, scope);
    if (hasUnknown(value) || value === null || typeof value !== "object") return { count: null };
    return { count: Array.isArray(value) ? value.length : Object.keys(value).length, for_each: value };
  }
  return { count: 1 };
}

/**
 * A resource block with Terraform's values: known references, locals, conditionals and functions
 * replaced by their value; `dynamic` blocks expanded into the blocks they make. Returns null when
 * a known `count` or `for_each` makes no instance. One resource stands for all its instances
 * (pricing multiplies by the evaluated `count` or the size of `for_each`). What stays unknown
 * keeps its raw `${...}` text and is listed in `unevaluated`.
 */
export function evaluateResource(resource: TerraformResource, scope: Scope): TerraformResource | null {
  const instances = instanceCount(resource.attributes, scope);
  if (instances.count === 0) return null;
  const unevaluated: string[] = [];
  const notes: string[] = [];
  const attributes = substituteObject(resource.attributes, scope, "", { unevaluated, notes });
  if (instances.count_value !== undefined) attributes.count = instances.count_value;
  if (instances.for_each !== undefined) attributes.for_each = instances.for_each;
  const out: TerraformResource = { ...resource, attributes };
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
 * `for_each`, one block per element (the iterator's `key` and `value` bound); with an unknown
 * one, the content once, as the shape every generated block would have.
 */
function expandDynamic(name: string, spec: Record<string, unknown>, scope: Scope, path: string, marks: Marks): Record<string, unknown>[] {
  const iterator = typeof spec.iterator === "string" ? spec.iterator.replace(/^\$\{\s*|\s*\}$/g, "") : name;
  const content = asArray(spec.content).find(isRecord) ?? {};
  const forEach = evaluateValue(spec.for_each, scope);
  const withIterator = (key: unknown, value: unknown): Scope => ({ ...scope, extra: { ...scope.extra, [iterator]: { key, value } } });
  if (hasUnknown(forEach) || forEach === null || typeof forEach !== "object") {
    marks.notes.push(`dynamic "${name}": for_each is not known before plan; its content was checked once as the blocks' shape`);
    return [substituteObject(content, withIterator(UNKNOWN, UNKNOWN), path, marks)];
  }
  const pairs: [unknown, unknown][] = Array.isArray(forEach) ? forEach.map((value, index) => [index, value]) : Object.entries(forEach);
  return pairs.map(([key, value], index) => substituteObject(content, withIterator(key, value), `${path}[${index}]`, marks));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
