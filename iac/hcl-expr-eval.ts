import { type Expr, ExprSyntaxError, parseTemplate, SPLAT_ITEM } from "./hcl-expr-parse.js";
import { applyFunction, callFunction } from "./hcl-functions.js";
import { HclEvalError, hasUnknown, isRecord, isSetValue, toBool, toNumber, toStringValue, UNKNOWN } from "./hcl-values.js";

export { hasUnknown, UNKNOWN } from "./hcl-values.js";

/**
 * Where references point. `variable` and `local` are looked up lazily (a local may name another
 * local); `extra` holds the other names that are known here: a dynamic block's iterator
 * (`ingress.value`), `count.index`, `each.key`/`each.value`, `path.module`, a `for` expression's
 * variables. Every other root (resources, data sources, `module`) is unknown. `readFile` gives
 * the text of a file of the validated folder (path as `file()` takes it), undefined when absent.
 */
export interface Scope {
  variable(name: string): unknown;
  local(name: string): unknown;
  extra?: Readonly<Record<string, unknown>>;
  readFile?: ((path: string) => string | undefined) | undefined;
}

/** `scope` with more names bound (iterators); variables and locals stay the module's own. */
export function withNames(scope: Scope, names: Readonly<Record<string, unknown>>): Scope {
  return { ...scope, extra: { ...scope.extra, ...names } };
}

/**
 * Evaluates an attribute value as hcl2json gives it: strings are templates (an exact `${x}`
 * yields x's own type), arrays and objects are walked. Unsupported syntax and evaluation errors
 * give {@link UNKNOWN}; never a guess.
 */
export function evaluateValue(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") {
    if (!value.includes("${") && !value.includes("%{")) return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
    try {
      return evaluate(parseTemplate(value), scope);
    } catch (error) {
      if (error instanceof ExprSyntaxError || error instanceof HclEvalError) return UNKNOWN;
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((item) => evaluateValue(item, scope));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluateValue(item, scope)]));
  return value;
}

/** Evaluates one parsed expression; throws {@link HclEvalError} where Terraform would report an error. */
export function evaluate(e: Expr, scope: Scope): unknown {
  switch (e.k) {
    case "lit":
      return e.v;
    case "tpl":
      return template(e.parts, scope);
    case "ref":
      return Object.hasOwn(scope.extra ?? {}, e.name) ? scope.extra?.[e.name] : UNKNOWN;
    case "get":
      return get(e, scope);
    case "call":
      return call(e, scope);
    case "cond": {
      const c = evaluate(e.c, scope);
      if (c === UNKNOWN) {
        const [a, b] = [evaluate(e.a, scope), evaluate(e.b, scope)];
        return !hasUnknown(a) && JSON.stringify(a) === JSON.stringify(b) ? a : UNKNOWN;
      }
      return toBool(c) ? evaluate(e.a, scope) : evaluate(e.b, scope);
    }
    case "un": {
      const v = evaluate(e.e, scope);
      if (v === UNKNOWN) return UNKNOWN;
      return e.op === "!" ? !toBool(v) : -toNumber(v);
    }
    case "bin":
      return binary(e.op, evaluate(e.l, scope), evaluate(e.r, scope));
    case "tuple":
      return e.items.map((item) => evaluate(item, scope));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of e.entries) {
        const key = evaluate(k, scope);
        if (key === UNKNOWN) return UNKNOWN;
        out[toStringValue(key)] = evaluate(v, scope);
      }
      return out;
    }
    case "splat":
      return splat(e, scope);
    case "for":
      return forExpression(e, scope);
  }
}

function call(e: Extract<Expr, { k: "call" }>, scope: Scope): unknown {
  const context = { readFile: scope.readFile, evaluateTemplate };
  if (!e.expand) return callFunction(e.fn, e.args, (arg) => evaluate(arg, scope), context);
  const values = e.args.map((arg) => evaluate(arg, scope));
  const last = values.pop();
  if (last === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(last)) throw new HclEvalError("only a list can be expanded into arguments");
  return applyFunction(e.fn, [...values, ...last], context);
}

/**
 * `templatefile`'s rendering: the file's text as a template whose only names are `vars`
 * (no `var.`, `local.` or resources, as in Terraform). Directives (`%{ for }`) are not
 * evaluated: unknown.
 */
function evaluateTemplate(text: string, vars: Readonly<Record<string, unknown>>): unknown {
  const isolated: Scope = {
    variable: () => {
      throw new HclEvalError("templates see only the variables passed to templatefile");
    },
    local: () => {
      throw new HclEvalError("templates see only the variables passed to templatefile");
    },
    extra: vars,
  };
  try {
    return evaluate(parseTemplate(text), isolated);
  } catch (error) {
    if (error instanceof ExprSyntaxError) return UNKNOWN;
    throw error;
  }
}

/** HCL splat: a list maps each element; null is an empty list; any other value is a one-element list. */
function splat(e: Extract<Expr, { k: "splat" }>, scope: Scope): unknown {
  const obj = evaluate(e.obj, scope);
  if (obj === UNKNOWN) return UNKNOWN;
  if (obj === null) return [];
  const items = Array.isArray(obj) ? obj : [obj];
  return items.map((item) => evaluate(e.each, withNames(scope, { [SPLAT_ITEM]: item })));
}

/**
 * A `for` expression. Lists go by index, sets by element (key and value are the same), maps
 * and objects by key in lexical order (Terraform's order). An unknown collection, condition or key makes the whole result unknown; a duplicate
 * key without the `...` grouping mode is Terraform's error.
 */
function forExpression(e: Extract<Expr, { k: "for" }>, scope: Scope): unknown {
  const coll = evaluate(e.coll, scope);
  if (coll === UNKNOWN) return UNKNOWN;
  let pairs: [unknown, unknown][];
  if (isSetValue(coll)) pairs = (coll as unknown[]).map((item) => [item, item]);
  else if (Array.isArray(coll)) pairs = coll.map((item, index) => [index, item]);
  else if (isRecord(coll))
    pairs = Object.keys(coll)
      .sort()
      .map((key) => [key, coll[key]]);
  else throw new HclEvalError("for expression over a value that is not a collection");
  const list: unknown[] = [];
  const object: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const inner = withNames(scope, e.keyVar ? { [e.keyVar]: key, [e.valVar]: value } : { [e.valVar]: value });
    if (e.cond) {
      const keep = evaluate(e.cond, inner);
      if (keep === UNKNOWN) return UNKNOWN;
      if (!toBool(keep)) continue;
    }
    if (!e.key) {
      list.push(evaluate(e.value, inner));
      continue;
    }
    const name = evaluate(e.key, inner);
    if (name === UNKNOWN) return UNKNOWN;
    const text = toStringValue(name);
    const item = evaluate(e.value, inner);
    if (e.group) object[text] = [...((object[text] as unknown[] | undefined) ?? []), item];
    else if (Object.hasOwn(object, text)) throw new HclEvalError(`duplicate key ${text} in a for expression`);
    else object[text] = item;
  }
  return e.key ? object : list;
}

function get(e: Extract<Expr, { k: "get" }>, scope: Scope): unknown {
  if (e.obj.k === "ref" && (e.obj.name === "var" || e.obj.name === "local") && e.key.k === "lit") {
    const name = String(e.key.v);
    return e.obj.name === "var" ? scope.variable(name) : scope.local(name);
  }
  const obj = evaluate(e.obj, scope);
  const key = evaluate(e.key, scope);
  if (obj === UNKNOWN || key === UNKNOWN) return UNKNOWN;
  if (Array.isArray(obj)) {
    const index = toNumber(key);
    if (!Number.isInteger(index) || index < 0 || index >= obj.length) throw new HclEvalError(`index ${index} out of range`);
    return obj[index];
  }
  if (isRecord(obj)) {
    const name = toStringValue(key);
    if (!Object.hasOwn(obj, name)) throw new HclEvalError(`no attribute ${name}`);
    return obj[name];
  }
  throw new HclEvalError("attribute of a primitive value");
}

function template(parts: (string | Expr)[], scope: Scope): unknown {
  const only = parts[0];
  if (parts.length === 1 && typeof only !== "string" && only !== undefined) return evaluate(only, scope);
  let out = "";
  for (const part of parts) {
    const value = typeof part === "string" ? part : evaluate(part, scope);
    if (value === UNKNOWN) return UNKNOWN;
    out += toStringValue(value);
  }
  return out;
}

function binary(op: string, l: unknown, r: unknown): unknown {
  if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
  switch (op) {
    case "==":
      return JSON.stringify(l) === JSON.stringify(r);
    case "!=":
      return JSON.stringify(l) !== JSON.stringify(r);
    case "&&":
      return toBool(l) && toBool(r);
    case "||":
      return toBool(l) || toBool(r);
  }
  const [a, b] = [toNumber(l), toNumber(r)];
  const results: Record<string, () => unknown> = {
    "<": () => a < b,
    ">": () => a > b,
    "<=": () => a <= b,
    ">=": () => a >= b,
    "+": () => a + b,
    "-": () => a - b,
    "*": () => a * b,
    "/": () => a / b,
    "%": () => a % b,
  };
  const result = results[op];
  if (!result) throw new HclEvalError(`operator ${op}`);
  return result();
}
