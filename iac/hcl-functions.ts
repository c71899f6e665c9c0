import type { Expr } from "./hcl-expr-parse.js";
import { HclEvalError, hasUnknown, isRecord, toBool, toNumber, toSetValue, toStringValue, UNKNOWN } from "./hcl-values.js";

type Evaluate = (e: Expr) => unknown;

/** What functions that read files need from the evaluator. */
export interface FunctionContext {
  /** the text of a file of the validated folder; undefined when it is not among the files read */
  readFile?: ((path: string) => string | undefined) | undefined;
  /** renders a template's text with only `vars` in scope (for `templatefile`) */
  evaluateTemplate: (text: string, vars: Readonly<Record<string, unknown>>) => unknown;
}

type Fn = (args: unknown[], context: FunctionContext) => unknown;

/**
 * The Terraform functions module code uses most in the values rules read, with Terraform's
 * semantics (https://developer.hashicorp.com/terraform/language/functions). An unknown argument
 * makes the result unknown; `try` and `can` are special (their arguments are evaluated one by
 * one). Any other function is an {@link HclEvalError}, i.e. unknown to the caller.
 */
export function callFunction(name: string, args: Expr[], evaluate: Evaluate, context: FunctionContext): unknown {
  if (name === "try") return tryEach(args, evaluate);
  if (name === "can") return canEvaluate(args, evaluate);
  return applyFunction(name, args.map(evaluate), context);
}

/** Calls the function `name` on evaluated arguments (what `f(list...)` expansion needs). */
export function applyFunction(name: string, values: unknown[], context: FunctionContext): unknown {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new HclEvalError(`function ${name} is not evaluated`);
  if (values.some(hasUnknown)) return UNKNOWN;
  return fn(values, context);
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

function integer(v: unknown): number {
  const n = toNumber(v);
  if (!Number.isInteger(n)) throw new HclEvalError(`${n} is not a whole number`);
  return n;
}

function atLeastOne(args: unknown[]): unknown[] {
  if (args.length === 0) throw new HclEvalError("at least one argument is needed");
  return args;
}

/** `range(limit)`, `range(start, limit)`, `range(start, limit, step)`; Terraform refuses more than 1024 elements. */
function range(args: unknown[]): number[] {
  const nums = args.map(toNumber);
  if (nums.length < 1 || nums.length > 3) throw new HclEvalError("range takes one to three arguments");
  const [start, limit] = nums.length === 1 ? [0, nums[0] as number] : [nums[0] as number, nums[1] as number];
  const step = nums[2] ?? (start <= limit ? 1 : -1);
  if (step === 0 || (step > 0 && start > limit) || (step < 0 && start < limit)) {
    if (step === 0) throw new HclEvalError("range step must not be zero");
    return [];
  }
  const out: number[] = [];
  for (let value = start; step > 0 ? value < limit : value > limit; value += step) {
    if (out.length === 1024) throw new HclEvalError("range would make more than 1024 elements");
    out.push(value);
  }
  return out;
}

/**
 * `formatlist`: list arguments (all the same length) are iterated, other arguments repeat.
 * With no list argument at all the result is not computed (Terraform's answer is not certain here).
 */
function formatList([spec, ...args]: unknown[]): unknown {
  const lengths = args.filter(Array.isArray).map((a) => a.length);
  if (lengths.length === 0) return UNKNOWN;
  if (lengths.some((n) => n !== lengths[0])) throw new HclEvalError("formatlist lists differ in length");
  const rows = lengths[0] as number;
  return Array.from({ length: rows }, (_, row) => format([spec, ...args.map((a) => (Array.isArray(a) ? a[row] : a))]));
}

/** Terraform's `substr`: a negative offset counts from the end, length -1 is "the rest". */
function substr([text, offset, length]: unknown[]): unknown {
  const chars = [...toStringValue(text)];
  let start = integer(offset);
  const count = integer(length);
  if (start < 0) start += chars.length;
  // Out-of-range offsets and other negative lengths: not computed rather than risk Terraform's edge cases.
  if (start < 0 || count < -1) return UNKNOWN;
  return chars.slice(start, count === -1 ? undefined : start + count).join("");
}

const COLLECTION_FUNCTIONS: Readonly<Record<string, Fn>> = {
  slice: ([l, from, to]) => {
    const items = list(l);
    const [start, end] = [integer(from), integer(to)];
    if (start < 0 || end > items.length || start > end) throw new HclEvalError("slice indexes out of range");
    return items.slice(start, end);
  },
  zipmap: ([k, v]) => {
    const [names, values] = [list(k), list(v)];
    if (names.length !== values.length) throw new HclEvalError("zipmap lists differ in length");
    return Object.fromEntries(names.map((name, i) => [toStringValue(name), values[i]]));
  },
  coalescelist: (args) => {
    const found = args.map(list).find((l) => l.length > 0);
    if (!found) throw new HclEvalError("coalescelist: every list is empty");
    return found;
  },
  range: (args) => range(args),
  one: ([l]) => {
    const items = list(l);
    if (items.length > 1) throw new HclEvalError("one: more than one element");
    return items.length === 0 ? null : items[0];
  },
  sum: ([l]) => atLeastOne(list(l)).reduce((total: number, item) => total + toNumber(item), 0),
  reverse: ([l]) => [...list(l)].reverse(),
  sort: ([l]) => list(l).map(toStringValue).sort(),
  index: ([l, v]) => {
    const at = list(l).findIndex((item) => JSON.stringify(item) === JSON.stringify(v));
    if (at < 0) throw new HclEvalError("index: value not in the list");
    return at;
  },
  abs: ([v]) => Math.abs(toNumber(v)),
  ceil: ([v]) => Math.ceil(toNumber(v)),
  floor: ([v]) => Math.floor(toNumber(v)),
};

const STRING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  split: ([sep, text]) => toStringValue(text).split(toStringValue(sep)),
  replace: ([text, search, replacement]) => replace(toStringValue(text), toStringValue(search), toStringValue(replacement)),
  formatlist: (args) => formatList(args),
  trimspace: ([v]) => toStringValue(v).trim(),
  trimprefix: ([v, prefix]) => {
    const [text, start] = [toStringValue(v), toStringValue(prefix)];
    return text.startsWith(start) ? text.slice(start.length) : text;
  },
  trimsuffix: ([v, suffix]) => {
    const [text, end] = [toStringValue(v), toStringValue(suffix)];
    return end !== "" && text.endsWith(end) ? text.slice(0, -end.length) : text;
  },
  substr: (args) => substr(args),
  startswith: ([v, prefix]) => toStringValue(v).startsWith(toStringValue(prefix)),
  endswith: ([v, suffix]) => toStringValue(v).endsWith(toStringValue(suffix)),
  regex: ([pattern, text]) => {
    const re = compileRegex(toStringValue(pattern), "u");
    if (!re) return UNKNOWN;
    const match = re.exec(toStringValue(text));
    if (!match) throw new HclEvalError("regex: no match");
    return matchValue(match);
  },
  regexall: ([pattern, text]) => {
    const re = compileRegex(toStringValue(pattern), "gu");
    if (!re) return UNKNOWN;
    return [...toStringValue(text).matchAll(re)].map(matchValue);
  },
};

/**
 * A Terraform (RE2) pattern as a JavaScript regex, or null where the two may differ. Unicode
 * mode makes JavaScript reject escapes RE2 reads differently (`\A`, `\z`); inline flags and
 * POSIX classes are RE2 only. Null means "not evaluated", never a different match.
 */
function compileRegex(pattern: string, flags: string): RegExp | null {
  if (/\(\?(?!P<)[a-zA-Z]|\[\[:/.test(pattern)) return null;
  try {
    return new RegExp(pattern.replace(/\(\?P</g, "(?<"), flags);
  } catch {
    return null;
  }
}

/** What Terraform's `regex` gives for a match: the text, the list of groups, or the map of named groups. */
function matchValue(match: RegExpExecArray | RegExpMatchArray): unknown {
  const groups = match.groups ? Object.entries(match.groups) : [];
  const values = groups.length > 0 ? groups.map(([, v]) => v) : match.slice(1);
  // An optional group that did not take part: Terraform's value for it is not certain here.
  if (values.some((v) => v === undefined)) return UNKNOWN;
  if (groups.length > 0) return Object.fromEntries(groups);
  return match.length === 1 ? match[0] : match.slice(1);
}

/** `replace`: a search wrapped in `/.../` is a regex. Regex replacements using `$` are not evaluated (RE2 and JavaScript expand them differently). */
function replace(text: string, search: string, replacement: string): unknown {
  if (search.length > 1 && search.startsWith("/") && search.endsWith("/")) {
    const re = compileRegex(search.slice(1, -1), "gu");
    if (!re || replacement.includes("$")) return UNKNOWN;
    return text.replace(re, () => replacement);
  }
  if (search === "") return UNKNOWN;
  return text.split(search).join(replacement);
}

/**
 * `jsonencode` as Terraform writes it: object keys in lexical order, no spaces, and `<`, `>`,
 * `&`, U+2028, U+2029 escaped as \u003c etc. (documented on the function's page).
 */
function jsonEncode(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return escapeJson(JSON.stringify(value));
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) >= 1e21) throw new HclEvalError("number not encodable here");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonEncode).join(",")}]`;
  const r = record(value);
  return `{${Object.keys(r)
    .sort()
    .map((k) => `${escapeJson(JSON.stringify(k))}:${jsonEncode(r[k])}`)
    .join(",")}}`;
}

function escapeJson(text: string): string {
  const escapes: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };
  return text.replace(/[<>&\u2028\u2029]/g, (ch) => escapes[ch] as string);
}

const ENCODING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  jsonencode: ([v]) => jsonEncode(v),
  jsondecode: ([v]) => {
    try {
      return JSON.parse(toStringValue(v)) as unknown;
    } catch {
      throw new HclEvalError("jsondecode: not JSON");
    }
  },
  base64encode: ([v]) => Buffer.from(toStringValue(v), "utf8").toString("base64"),
  base64decode: ([v]) => {
    const text = toStringValue(v);
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) throw new HclEvalError("base64decode: not base64");
    const decoded = Buffer.from(text, "base64");
    if (!Buffer.from(decoded.toString("utf8"), "utf8").equals(decoded)) throw new HclEvalError("base64decode: not UTF-8");
    return decoded.toString("utf8");
  },
};

/** An IPv4 network: its first address as a number and its prefix length. */
interface Network {
  base: number;
  bits: number;
}

/** Parses an IPv4 CIDR (the address is masked to its network, as Go's ParseCIDR does); null for IPv6. */
function ipv4Network(text: unknown): Network | null {
  const cidr = toStringValue(text);
  if (cidr.includes(":")) return null;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5) : [];
  const bits = Number(m?.[5]);
  if (!m || bits > 32 || octets.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith("0")))) {
    throw new HclEvalError(`invalid CIDR ${cidr}`);
  }
  const address = octets.reduce((total, octet) => total * 256 + Number(octet), 0);
  const size = 2 ** (32 - bits);
  return { base: address - (address % size), bits };
}

function ipv4Text(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** `cidrsubnet(prefix, newbits, netnum)`: the netnum-th subnet `newbits` longer than prefix. */
function cidrSubnet([prefix, newbits, netnum]: unknown[]): unknown {
  const net = ipv4Network(prefix);
  if (!net) return UNKNOWN;
  const [extra, num] = [integer(newbits), integer(netnum)];
  const bits = net.bits + extra;
  if (extra < 0 || bits > 32) throw new HclEvalError("cidrsubnet: prefix would exceed 32 bits");
  if (num < 0 || num >= 2 ** extra) throw new HclEvalError(`cidrsubnet: ${num} does not fit in ${extra} bits`);
  return `${ipv4Text(net.base + num * 2 ** (32 - bits))}/${bits}`;
}

/** `cidrhost(prefix, hostnum)`: a negative hostnum counts back from the last address. */
function cidrHost([prefix, hostnum]: unknown[]): unknown {
  const net = ipv4Network(prefix);
  if (!net) return UNKNOWN;
  const size = 2 ** (32 - net.bits);
  let host = integer(hostnum);
  if (host < 0) host += size;
  if (host < 0 || host >= size) throw new HclEvalError(`cidrhost: host ${hostnum} is outside the prefix`);
  return ipv4Text(net.base + host);
}

/**
 * `cidrsubnets(prefix, newbits...)`: consecutive subnets, each starting after the previous one
 * at the next boundary of its own size (go-cidr's NextSubnet, which Terraform uses).
 */
function cidrSubnets([prefix, ...newbits]: unknown[]): unknown {
  const net = ipv4Network(prefix);
  if (!net) return UNKNOWN;
  const end = net.base + 2 ** (32 - net.bits);
  const out: string[] = [];
  let next = net.base;
  for (const value of newbits) {
    const bits = net.bits + integer(value);
    if (bits < net.bits || bits > 32) throw new HclEvalError("cidrsubnets: prefix would exceed 32 bits");
    const size = 2 ** (32 - bits);
    const start = Math.ceil(next / size) * size;
    if (start + size > end) throw new HclEvalError("cidrsubnets: not enough address space");
    out.push(`${ipv4Text(start)}/${bits}`);
    next = start + size;
  }
  return out;
}

const NETWORK_FUNCTIONS: Readonly<Record<string, Fn>> = {
  cidrsubnet: (args) => cidrSubnet(args),
  cidrhost: (args) => cidrHost(args),
  cidrnetmask: ([prefix]) => {
    const net = ipv4Network(prefix);
    return net ? ipv4Text(2 ** 32 - 2 ** (32 - net.bits)) : UNKNOWN;
  },
  cidrsubnets: (args) => cidrSubnets(args),
};

/**
 * `file` and `templatefile` read the validated folder's files. A file that is not among them
 * (the validator reads only infrastructure files) is unknown, not an error: `try(file(...), "")`
 * must not pick the fallback for a file that may well exist.
 */
const FILE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  file: ([path], context) => context.readFile?.(toStringValue(path)) ?? UNKNOWN,
  templatefile: ([path, vars], context) => {
    const text = context.readFile?.(toStringValue(path));
    if (text === undefined) return UNKNOWN;
    return context.evaluateTemplate(text, record(vars));
  },
};

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
  toset: ([v]) => toSetValue(v),
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
    const index = integer(i);
    if (items.length === 0 || index < 0) throw new HclEvalError("element of an empty list or at a negative index");
    return items[index % items.length];
  },
  max: (args) => Math.max(...atLeastOne(args).map(toNumber)),
  min: (args) => Math.min(...atLeastOne(args).map(toNumber)),
  ...COLLECTION_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...NETWORK_FUNCTIONS,
  ...FILE_FUNCTIONS,
};
