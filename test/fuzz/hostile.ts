import fc from "fast-check";

/** JSON text written as is where a value goes: what `JSON.stringify` cannot write (10,000 levels, `1e400`, duplicate keys). */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * JSON text of `value`, with each `RawJson` inside written verbatim. Own `__proto__` keys (made
 * by `JSON.parse`) are written like any other key, as a hostile client sends them.
 */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : jsonText(item))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, child]) => child !== undefined);
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${jsonText(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `{"a":{"a":...1...}}` or `[[...]]`, `depth` levels deep, as JSON text. */
export const nestedText = (depth: number, kind: "object" | "array" = "object") =>
  kind === "object" ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}1${"]".repeat(depth)}`;

/** Strings that have broken servers: control characters, odd Unicode, injections, number-like text, sheer length. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\u000b\f\u000e\u001f\u007f",
    "name\r\nAtlas-Action: rollback",
    "\ud800",
    "\udfff",
    "a\udc00b\ud800",
    "\ufeff",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\u2060",
    "e\u0301".repeat(500),
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "𝕏𝔸𝕄",
    "\uffff\ufffe",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-0",
    "0x10",
    "null",
    "true",
    "[]",
    "{}",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%00",
    "%2e%2e%2f",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'; drop table atlas_runs; --",
    "$(reboot)",
    "`id`",
    "{{7*7}}",
    "${7*7}",
    "__proto__",
    "constructor",
    "prototype",
    "a".repeat(100_000),
    "ä".repeat(40_000),
  ),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 64 }),
);

/** Number literals as JSON text: huge, tiny, negative zero, beyond doubles, beyond safe integers. */
export const hostileNumberText: fc.Arbitrary<string> = fc.constantFrom(
  "-0",
  "1e400",
  "-1e400",
  "1E-400",
  "123456789012345678901234567890",
  "9007199254740993",
  "-9007199254740993",
  "1.7976931348623157e308",
  "5e-324",
  "0.1e1",
  "1e2",
);

/** Hostile JSON values (some as raw text) to put where any value goes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumberText.map((text) => new RawJson(text)),
  fc.constantFrom(0, -1, 1.5, -1e308, 1e308, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), Number.MIN_VALUE, null, true, false, [], {}, [[[]]], [null]),
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
    JSON.parse('{"__proto__":null,"toString":1,"valueOf":"x","hasOwnProperty":[]}'),
  ),
  // just past the free-form depth limit (12), far past it, and wide rather than deep
  {
    weight: 2,
    arbitrary: fc.constantFrom(13, 10_000).chain((depth) => fc.constantFrom(new RawJson(nestedText(depth)), new RawJson(nestedText(depth, "array")))),
  },
  fc.constant(Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`key${index}`, index]))),
  fc.jsonValue({ maxDepth: 3 }),
);

/** The values a sweep puts in every place of a known-good body: the shapes that broke the server before. */
export const SWEEP_VALUES: unknown[] = [
  new RawJson(nestedText(10_000)),
  "a\u0000b",
  "mallory\nAtlas-Action: rollback",
  new RawJson("1e400"),
  -1,
  JSON.parse('{"__proto__":{"polluted":true}}'),
  "x".repeat(100_000),
];

/** One change to a valid value: a field removed, replaced, retyped, or an extra field added. */
type Mutation = { kind: "remove" } | { kind: "replace"; with: unknown } | { kind: "extra"; key: string; with: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: "remove" }) },
  { weight: 4, arbitrary: hostileValue.map<Mutation>((value) => ({ kind: "replace", with: value })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "a\u0000"), fc.string({ maxLength: 10 })), hostileValue)
      .map<Mutation>(([key, value]) => ({ kind: "extra", key, with: value })),
  },
);

/** Every place in a JSON value (objects and arrays, not the root), as key paths. */
export function places(value: unknown, path: (string | number)[] = [], into: (string | number)[][] = []): (string | number)[][] {
  if (value instanceof RawJson || value === null || typeof value !== "object") return into;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    into.push(at);
    places(child, at, into);
  }
  return into;
}

/** A deep copy of JSON data: raw JSON kept as raw (never parsed into 10,000 levels), own `__proto__` keys kept as keys. */
function copy(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    Object.defineProperty(out, key, { value: copy(child), enumerable: true, configurable: true, writable: true });
  return out;
}

/** A copy of `value` with the place at `path` (from `places`) holding `replacement`. */
export function withReplaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const out = copy(value);
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key as string], out) as Record<string, unknown>;
  parent[path[path.length - 1] as string] = replacement;
  return out;
}

function applyMutation(value: unknown, pick: number, change: Mutation): unknown {
  const out = copy(value);
  const all = places(out);
  // an extra field goes into an object (the root included); the others change one place
  if (change.kind === "extra") {
    const objects = [[], ...all].filter((path) => {
      const target = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key as string], out);
      return target !== null && typeof target === "object" && !Array.isArray(target) && !(target instanceof RawJson);
    });
    const path = objects[pick % objects.length] ?? [];
    const target = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key as string], out) as Record<string, unknown>;
    Object.defineProperty(target, change.key, { value: change.with, enumerable: true, configurable: true, writable: true });
    return out;
  }
  if (all.length === 0) return change.kind === "replace" ? change.with : out;
  const path = all[pick % all.length] as (string | number)[];
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key as string], out) as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (change.kind === "remove") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = change.with;
  return out;
}

/** A valid value with one field removed, replaced by a hostile value, or an extra field added. */
export const mutatedOnce = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.tuple(valid, fc.nat(), mutation).map(([value, pick, change]) => applyMutation(value, pick, change));

/** Whole bodies as raw bytes: malformed, empty, too deep, oddly encoded, huge. */
export const hostileBody = (bodyLimit: number): fc.Arbitrary<Buffer> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            "",
            " ",
            "{",
            '{"a":',
            "}",
            "null",
            "[]",
            "{}",
            '"text"',
            "1",
            "-0",
            "true",
            "NaN",
            "Infinity",
            "{'single':'quotes'}",
            '{"a":1,}',
            '{"a":1} trailing',
            '{"a":1}{"b":2}',
            '{"a":1 /* comment */}',
            '{"a":"\\u0000"}',
            '{"a":"\\ud800"}',
            '{"a":"\\x41"}',
            '{"decision":"approve","decision":"revise"}',
            '{"__proto__":{"polluted":true}}',
            '{"constructor":{"prototype":{"polluted":true}}}',
            "\ufeff{}",
            nestedText(10_000),
            nestedText(10_000, "array"),
            `{"a":${nestedText(10_000)}}`,
            "1e400",
            "123456789012345678901234567890",
          ),
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
          fc.string({ unit: "binary", maxLength: 200 }),
        )
        .map((text) => Buffer.from(text, "utf8")),
    },
    // invalid UTF-8, UTF-16, and one byte over the body limit
    { weight: 1, arbitrary: fc.constant(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')])) },
    { weight: 1, arbitrary: fc.constant(Buffer.from('{"a":"b"}', "utf16le")) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(bodyLimit + 1, 0x20)) },
  );

/** What a client may claim its body is. */
export const hostileContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/octet-stream",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "APPLICATION/JSON",
  "application/json;;;",
  "application/vnd.api+json",
  "application/jsonx",
  "json",
  "*/*",
  "",
);

/** Percent-encodes every UTF-8 byte outside the unreserved set (lone surrogates become U+FFFD, as a client's encoder would). */
export const encodeSegment = (text: string) =>
  [...Buffer.from(text, "utf8")]
    .map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");

/** Path segments as sent on the wire (already encoded): traversal, NUL, bad encodings, length. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%00",
    "a%00b",
    "..",
    ".",
    "%2e%2e",
    "..%2F..%2Fetc%2Fpasswd",
    "..%252F..%252F",
    "%2F",
    "%5C..%5C",
    "%ZZ",
    "%",
    "%C0%AF",
    "%FF%FE",
    "%ED%A0%80",
    "%E2%80%AE",
    "%0D%0ASet-Cookie:%20x=1",
    "a%20b",
    "%F0%9F%92%A9",
    ";x=1",
    "%3B",
    "__proto__",
    "constructor",
    "-leading-dash",
    "_",
    "a".repeat(101),
    "a".repeat(128),
    "a".repeat(129),
    "a".repeat(5000),
  ),
  hostileString.filter((text) => text.length < 2000).map(encodeSegment),
);

/** Raw query strings (without `?`): arrays, prototype keys, bad encodings, NUL. */
export const hostileQuery: fc.Arbitrary<string> = fc.constantFrom(
  "a[b]=1",
  "__proto__[polluted]=1",
  "constructor[prototype][polluted]=1",
  "limit=1&limit=2",
  "limit=",
  "limit",
  "limit=-1",
  "limit=1e400",
  "limit=NaN",
  "limit=0x10",
  "before=99999999999999999999999",
  "target=%00",
  "target=%ZZ",
  "action=%FF",
  "&&&==&",
  `x=${"a".repeat(10_000)}`,
);
