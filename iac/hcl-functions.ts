import type { Expr } from "./hcl-expr-parse.js";
import { HclEvalError, hasUnknown, isRecord, toBool, toNumber, toStringValue, UNKNOWN } from "./hcl-values.js";

type Evaluate = (e: Expr) => unknown;
type Fn = (args: unknown[]) => unknown;

/**
 * The Terraform functions module code uses most in the values rules read, with Terraform's
 * semantics (https://developer.hashicorp.com/terraform/language/functions). An unknown argument
 * makes the result unknown; `try` is special (its arguments are evaluated one by one). Any other
 * function is an {@link HclEvalError}, i.e. unknown to the caller.
 */
export function callFunction(name: string, args: Expr[], evaluate: Evaluate): unknown {
  if (name === "try") return tryEach(args, evaluate);
  if (name === "can") return canEvaluate(args, evaluate);
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new HclEvalError(`function ${name} is not evaluated`);
  const values = args.map(evaluate);
  if (values.some(hasUnknown)) return UNKNOWN;
  return fn(values);
}

function tryEach(args: Expr[], evaluate: Evaluate): unknown {
  for (const arg of args) {
    try {
      const value = evaluate(arg);
      // An unknown first choice may still fail at plan time: the result is unknown.
      return hasUnknown(value) ? UNKNOWN : value;
    } catch (error) {
      if (!(error instanceof HclEvalError)) throw error;
    }
  }
  throw new HclEvalError("no argument of try succeeded");
}

function canEvaluate(args: Expr[], evaluate: Evaluate): unknown {
  const [arg] = args;
  if (!arg || args.length !== 1) throw new HclEvalError("can takes one argument");
  try {
    return hasUnknown(evaluate(arg)) ? UNKNOWN : true;
  } catch (error) {
    if (error instanceof HclEvalError) return false;
    throw error;
  }
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new HclEvalError("not a list");
}

function record(v: unknown): Record<string, unknown> {
  if (isRecord(v)) return v;
  throw new HclEvalError("not a map or object");
}

/** Terraform sorts the elements of a set of strings. */
function toSet(v: unknown): unknown[] {
  const unique: unknown[] = [];
  for (const item of list(v)) if (!unique.some((u) => JSON.stringify(u) === JSON.stringify(item))) unique.push(item);
  return unique.every((u) => typeof u === "string") ? (unique as string[]).sort() : unique;
}

/** `format` verbs %s %d %v %t and %%; other verbs and flags are not evaluated. */
function format(args: unknown[]): string {
  const [spec, ...rest] = args;
  let next = 0;
  return toStringValue(spec).replace(/%([%sdvt]|[^%sdvt])/g, (_whole, verb: string) => {
    if (verb === "%") return "%";
    if (!"sdvt".includes(verb)) throw new HclEvalError(`format verb %${verb}`);
    if (next >= rest.length) throw new HclEvalError("too few arguments to format");
    const value = rest[next++];
    if (verb === "d") return String(Math.trunc(toNumber(value)));
    if (verb === "t") return String(toBool(value));
    return verb === "v" && typeof value !== "string" ? JSON.stringify(value) : toStringValue(value);
  });
}

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  merge: (args) => Object.assign({}, ...args.filter((a) => a !== null).map(record)),
  concat: (args) => args.flatMap(list),
  lookup: ([map, key, fallback, ...extra]) => {
    if (extra.length > 0) throw new HclEvalError("lookup takes at most 3 arguments");
    const m = record(map);
    const k = toStringValue(key);
    if (Object.hasOwn(m, k)) return m[k];
    if (fallback === undefined) throw new HclEvalError(`lookup: no key ${k}`);
    return fallback;
  },
  coalesce: (args) => {
    const found = args.find((a) => a !== null && a !== "");
    if (found === undefined) throw new HclEvalError("coalesce: no non-null argument");
    return found;
  },
  length: ([v]) => (typeof v === "string" ? [...v].length : Array.isArray(v) ? v.length : Object.keys(record(v)).length),
  tolist: ([v]) => [...list(v)],
  toset: ([v]) => toSet(v),
  tostring: ([v]) => (v === null ? null : toStringValue(v)),
  tonumber: ([v]) => (v === null ? null : toNumber(v)),
  tobool: ([v]) => (v === null ? null : toBool(v)),
  tomap: ([v]) => ({ ...record(v) }),
  format: (args) => format(args),
  lower: ([v]) => toStringValue(v).toLowerCase(),
  upper: ([v]) => toStringValue(v).toUpperCase(),
  join: ([sep, ...lists]) => lists.flatMap(list).map(toStringValue).join(toStringValue(sep)),
  contains: ([l, v]) => list(l).some((item) => JSON.stringify(item) === JSON.stringify(v)),
  keys: ([m]) => Object.keys(record(m)).sort(),
  values: ([m]) => {
    const r = record(m);
    return Object.keys(r)
      .sort()
      .map((k) => r[k]);
  },
  compact: ([l]) => list(l).filter((item) => item !== null && item !== ""),
  distinct: ([l]) => list(l).filter((item, i, all) => all.findIndex((o) => JSON.stringify(o) === JSON.stringify(item)) === i),
  flatten: ([l]) => list(l).flat(Number.POSITIVE_INFINITY),
  element: ([l, i]) => {
    const items = list(l);
    if (items.length === 0) throw new HclEvalError("element of an empty list");
    return items[Math.trunc(toNumber(i)) % items.length];
  },
  max: (args) => Math.max(...args.map(toNumber)),
  min: (args) => Math.min(...args.map(toNumber)),
};
