import { type Expr, ExprSyntaxError, parseTemplate } from "./hcl-expr-parse.js";
import { callFunction } from "./hcl-functions.js";
import { HclEvalError, hasUnknown, isRecord, toBool, toNumber, toStringValue, UNKNOWN } from "./hcl-values.js";

export { hasUnknown, UNKNOWN } from "./hcl-values.js";

/**
 * Where references point. `variable` and `local` are looked up lazily (a local may name another
 * local); `extra` holds iterator names such as a dynamic block's `ingress.value`. Every other
 * root (resources, data sources, `count`, `each`, `module`, `path`) is unknown.
 */
export interface Scope {
  variable(name: string): unknown;
  local(name: string): unknown;
  extra?: Readonly<Record<string, unknown>>;
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
      return callFunction(e.fn, e.args, (arg) => evaluate(arg, scope));
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
  }
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
