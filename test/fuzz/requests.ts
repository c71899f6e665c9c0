import fc from "fast-check";
import {
  encodeSegment,
  hostileBody,
  hostileContentType,
  hostileQuery,
  hostileSegment,
  hostileString,
  hostileValue,
  jsonText,
  mutatedOnce,
  places,
  SWEEP_VALUES,
  withReplaced,
} from "./hostile.js";
import type { WireRequest } from "./http.js";
import { type JsonSchema, refName, type SchemaSource, schemaValue } from "./json-schema.js";

type OpenApiParameter = { in: string; name: string; required?: boolean; schema?: JsonSchema };
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  "x-atlas-role"?: string;
};
type OpenApiDocument = { paths?: Record<string, Record<string, OpenApiOperation>>; components?: { schemas?: Record<string, JsonSchema> } };

/** One operation of the server's OpenAPI description: every route the server answers is one (it refuses to start otherwise). */
export interface Operation {
  method: string;
  /** the path template, `/architect/plan/{thread_id}/resume` */
  path: string;
  operation: OpenApiOperation;
}

/** Every operation the description lists, in its order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** Who a request claims to be: a key's name in `World.keys`, or a broken credential. */
const BROKEN_AUTH: Record<string, string | undefined> = {
  none: undefined,
  empty: "Bearer ",
  malformed: "Bearer atlas_not a key",
  unknown: `Bearer atlas_${"x".repeat(43)}`,
  basic: "Basic YWRtaW46YWRtaW4=",
  long: `Bearer ${"a".repeat(10_000)}`,
};

/** The server's state a request may name: keys, threads, artifact paths, examples for named schemas. */
export interface World {
  /** raw API keys by name; `admin` is the usual caller */
  keys: Record<string, string>;
  /** ids worth naming in paths and bodies: threads (as ThreadSlots tokens), a disposable key */
  ids: string[];
  /** paths of real artifacts, for wildcard parameters */
  files: string[];
  source: SchemaSource;
  bodyLimit: number;
}

/** A generated request and what it was meant to be, for the failure report. */
export interface FuzzCase {
  wire: WireRequest;
  /** e.g. `body=mutated auth=admin` */
  kind: string;
  /** whose key it carries: a name in `World.keys`, or a broken credential */
  who: string;
  /** a form body is signed as Slack signs it, when it is sent: `valid`, `stale`, `wrong` or `none` */
  signMode?: string;
}

const pathParam = (parameter: OpenApiParameter, world: World): fc.Arbitrary<string> => {
  if (parameter.name === "*") {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...world.files, "main.tf") },
      {
        weight: 1,
        arbitrary: fc.constantFrom("../../../../etc/passwd", "..%2F..%2Fpackage.json", "a/../../b", "/etc/passwd", "%2e%2e/%2e%2e/x", "", "a%00.tf"),
      },
      { weight: 1, arbitrary: hostileSegment },
    );
  }
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...world.ids) },
    { weight: 2, arbitrary: schemaValue(parameter.schema ?? {}, world.source).map((value) => encodeSegment(String(value))) },
    { weight: 2, arbitrary: hostileSegment },
  );
};

function pathOf(operation: Operation, world: World): fc.Arbitrary<string> {
  const params = (operation.operation.parameters ?? []).filter((parameter) => parameter.in === "path");
  if (params.length === 0) return fc.constant(operation.path);
  return fc
    .tuple(...params.map((parameter) => pathParam(parameter, world)))
    .map((values) => params.reduce((path, parameter, index) => path.replace(`{${parameter.name}}`, values[index] as string), operation.path));
}

function queryOf(operation: Operation, world: World): fc.Arbitrary<string> {
  const params = (operation.operation.parameters ?? []).filter((parameter) => parameter.in === "query");
  const declared = params.map((parameter) =>
    fc.option(
      fc
        .oneof({ weight: 3, arbitrary: schemaValue(parameter.schema ?? {}, world.source).map(String) }, { weight: 1, arbitrary: hostileString })
        .map((value) => `${encodeURIComponent(parameter.name)}=${encodeSegment(value)}`),
      { nil: undefined, freq: 2 },
    ),
  );
  const extra = fc.option(fc.oneof(hostileQuery, fc.constant("unknown=1")), { nil: undefined, freq: 3 });
  return fc.tuple(fc.tuple(...declared), extra).map(([parts, more]) => {
    const all = [...parts, more].filter((part): part is string => part !== undefined);
    return all.length ? `?${all.join("&")}` : "";
  });
}

type Body = { kind: string; bytes?: Buffer; contentType?: string | undefined };

const asForm = (value: unknown) => {
  const form = new URLSearchParams();
  if (value !== null && typeof value === "object")
    for (const [key, child] of Object.entries(value)) form.append(key, typeof child === "string" ? child : jsonText(child));
  return Buffer.from(form.toString(), "utf8");
};

function bodyOf(operation: Operation, world: World): fc.Arbitrary<Body> {
  const content = operation.operation.requestBody?.content ?? {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  const raw = hostileBody(world.bodyLimit);
  if (!mediaType) {
    // no body declared: mostly none, sometimes one anyway
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant<Body>({ kind: "none" }) },
      { weight: 1, arbitrary: fc.tuple(raw, hostileContentType).map(([bytes, contentType]) => ({ kind: "unasked", bytes, contentType })) },
      { weight: 1, arbitrary: hostileValue.map((value) => ({ kind: "unasked-json", bytes: Buffer.from(jsonText(value)), contentType: "application/json" })) },
    );
  }
  const valid = schemaValue(media?.schema ?? {}, world.source);
  const encode = mediaType.includes("form") ? asForm : (value: unknown) => Buffer.from(jsonText(value), "utf8");
  const values = fc.oneof(
    { weight: 3, arbitrary: valid.map((value) => ({ kind: "valid", value })) },
    { weight: 5, arbitrary: mutatedOnce(valid).map((value) => ({ kind: "mutated", value })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "any-json", value })) },
    { weight: 1, arbitrary: hostileValue.map((value) => ({ kind: "hostile-value", value })) },
  );
  const bodies = fc.oneof(
    { weight: 8, arbitrary: values.map(({ kind, value }) => ({ kind, bytes: encode(value) })) },
    { weight: 2, arbitrary: raw.map((bytes) => ({ kind: "raw", bytes })) },
  );
  return fc
    .tuple(bodies, fc.oneof({ weight: 9, arbitrary: fc.constant<string | undefined>(mediaType) }, { weight: 1, arbitrary: hostileContentType }))
    .map(([body, contentType]) => ({ ...body, contentType, kind: contentType === mediaType ? body.kind : `${body.kind} content-type=${contentType}` }));
}

/**
 * Requests for one operation: its path with known, random and hostile parameters, declared and
 * hostile query strings, good and broken credentials, and bodies valid, mutated in one field,
 * of the wrong type, or malformed bytes under right and wrong content types.
 */
export function requestsFor(operation: Operation, world: World): fc.Arbitrary<FuzzCase> {
  const isPublic = operation.operation["x-atlas-role"] === "public";
  const who = fc.oneof(
    { weight: 12, arbitrary: fc.constant("admin") },
    { weight: 3, arbitrary: fc.constantFrom(...Object.keys(world.keys).filter((name) => name !== "admin")) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.keys(BROKEN_AUTH)) },
  );
  const method = fc.oneof(
    { weight: 20, arbitrary: fc.constant(operation.method) },
    { weight: 1, arbitrary: fc.constantFrom(operation.method === "GET" ? "HEAD" : "GET", "PATCH", "OPTIONS") },
  );
  const accept = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("application/json", "text/event-stream", "*/*", "text/html;q=0.9, nonsense") },
  );
  const prefer = fc.oneof({ weight: 9, arbitrary: fc.constant<string | undefined>(undefined) }, { weight: 1, arbitrary: fc.constant("respond-async") });
  // headers a client may add: encodings it did not use, odd request ids, routing and CORS hints
  const extra = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Record<string, string>>({}) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { "content-encoding": "gzip" },
        { "content-encoding": "br, identity" },
        { "x-request-id": "a".repeat(2000) },
        { "x-request-id": "../../etc/passwd" },
        { "x-request-id": "" },
        { expect: "100-continue" },
        { "accept-version": "1.x" },
        { "accept-encoding": "gzip;q=2, *;q=-1" },
        { host: "evil.example" },
        { "x-forwarded-for": "1.2.3.4, 10.0.0.1" },
        { origin: "https://evil.example", "access-control-request-method": "PUT" },
        { "content-type": "application/json", "x-http-method-override": "DELETE" },
        { range: "bytes=100-50" },
        { range: "bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9" },
        { "if-none-match": "*" },
      ),
    },
  );
  const signMode = fc.oneof({ weight: 5, arbitrary: fc.constant("valid") }, { weight: 1, arbitrary: fc.constantFrom("stale", "wrong", "none") });
  return fc
    .record({ method, path: pathOf(operation, world), query: queryOf(operation, world), who, accept, prefer, extra, body: bodyOf(operation, world), signMode })
    .map(({ method, path, query, who, accept, prefer, extra, body, signMode }) => {
      const headers: Record<string, string> = { ...extra };
      const authorization = who in world.keys ? `Bearer ${world.keys[who]}` : BROKEN_AUTH[who];
      if (authorization) headers.authorization = authorization;
      if (accept) headers.accept = accept;
      if (prefer) headers.prefer = prefer;
      if (body.contentType !== undefined && body.bytes) headers["content-type"] = body.contentType;
      const signed = Boolean(body.bytes && body.contentType?.includes("form"));
      const kind = [
        `body=${body.kind}`,
        isPublic ? "" : `auth=${who}`,
        signed ? `signature=${signMode}` : "",
        accept ? `accept=${accept}` : "",
        prefer ? "prefer=respond-async" : "",
        ...Object.keys(extra),
      ]
        .filter(Boolean)
        .join(" ");
      return { wire: { method, path: `${path}${query}`, headers, body: body.bytes }, kind, who, ...(signed ? { signMode } : {}) };
    });
}

/** Known-good bodies of a JSON operation: its component's examples, or a few generated from its schema (seeded). */
function exampleBodies(schema: JsonSchema, source: SchemaSource, seed: number): unknown[] {
  const name = refName(schema);
  const examples = name ? source.examples?.[name] : undefined;
  return examples?.length ? examples : fc.sample(schemaValue(schema, source), { seed, numRuns: 3 });
}

/** A deterministic shuffle (mulberry32 from `seed`), so a sweep's cut is the same for the same seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let index = out.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/**
 * A sweep run before the random cases, for an operation with a JSON body: each known-good
 * body (examples, or generated ones) with one place replaced by each of the values that broke the server
 * before (10,000 levels, NUL, a header in a name, 1e400, -1, `__proto__`, 100,000 characters),
 * sent by the admin to the first id (a waiting plan). At most `limit`, a seeded cut.
 */
export function sweepFor(operation: Operation, world: World, limit: number, seed: number): FuzzCase[] {
  const media = operation.operation.requestBody?.content?.["application/json"];
  if (!media?.schema) return [];
  const path = (operation.operation.parameters ?? [])
    .filter((parameter) => parameter.in === "path")
    .reduce(
      (out, parameter) => out.replace(`{${parameter.name}}`, parameter.name === "*" ? (world.files[0] ?? "main.tf") : (world.ids[0] as string)),
      operation.path,
    );
  const headers = { authorization: `Bearer ${world.keys.admin}`, "content-type": "application/json" };
  // the cut is made before any body is written: a generated example can have thousands of places
  // (a free-form object of 5,000 keys), and writing every variant of it first takes gigabytes
  const examples = exampleBodies(media.schema, world.source, seed);
  const choices = examples.flatMap((example, which) => places(example).flatMap((place) => SWEEP_VALUES.map((value) => ({ example, which, place, value }))));
  return shuffled(choices, seed)
    .slice(0, limit)
    .map(({ example, which, place, value }) => ({
      wire: { method: operation.method, path, headers, body: Buffer.from(jsonText(withReplaced(example, place, value)), "utf8") },
      kind: `sweep example ${which} ${place.join(".")}=${jsonText(value).slice(0, 24)}`,
      who: "admin",
    }));
}
