type Json = Record<string, unknown>;

const PREFIX = "#/components/schemas/";
const INPUT = "Input";

/** Every component name a JSON value refers to with `$ref`. */
function refsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith(PREFIX)) into.add(child.slice(PREFIX.length));
      else refsIn(child, into);
    }
  }
  return into;
}

/** The components reachable from `roots`, following `$ref`s through the components themselves. */
function reachable(roots: unknown[], schemas: Json): Set<string> {
  const seen = new Set<string>();
  const queue = roots.flatMap((root) => [...refsIn(root)]);
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...refsIn(schemas[name]));
  }
  return seen;
}

/** A copy of `value` with each `$ref` renamed by `names` (old → new). */
function renameRefs<T>(value: T, names: Map<string, string>): T {
  return JSON.parse(JSON.stringify(value), (key, child) =>
    key === "$ref" && typeof child === "string" && child.startsWith(PREFIX)
      ? PREFIX + (names.get(child.slice(PREFIX.length)) ?? child.slice(PREFIX.length))
      : child,
  ) as T;
}

/**
 * The zod type provider emits every named schema twice: `<Name>` as a response reads it and
 * `<Name>Input` as a request is written (defaults optional, unknown keys allowed). Clients see
 * one name per schema wherever that is true to both: a schema only requests use, or one that
 * reads the same both ways, keeps the plain name for its request form; only a schema used in
 * both directions that really differs keeps `<Name>Input` beside `<Name>`. Then every component
 * no operation reaches is dropped, except the published schemas in `keep`.
 */
export function settleComponentNames<D extends { paths?: unknown; components?: { schemas?: Json } }>(document: D, ids: string[], keep: string[]): D {
  const schemas = { ...(document.components?.schemas ?? {}) };
  const used = reachable([document.paths], schemas);
  const paired = ids.filter((id) => `${id}${INPUT}` in schemas && id in schemas);
  const asOutput = new Map(paired.map((id) => [`${id}${INPUT}`, id]));

  // a pair differs when its two forms differ, or when either refers to a pair that differs
  const differs = new Set(paired.filter((id) => JSON.stringify(renameRefs(schemas[`${id}${INPUT}`], asOutput)) !== JSON.stringify(schemas[id])));
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of paired) {
      if (differs.has(id)) continue;
      if ([...refsIn(schemas[id]), ...refsIn(schemas[`${id}${INPUT}`])].some((name) => differs.has(asOutput.get(name) ?? name))) {
        differs.add(id);
        grew = true;
      }
    }
  }

  const renames = new Map<string, string>();
  for (const id of paired) {
    if (differs.has(id) && used.has(id)) continue;
    schemas[id] = schemas[`${id}${INPUT}`];
    renames.set(`${id}${INPUT}`, id);
  }
  for (const name of renames.keys()) delete schemas[name];

  const settled = renameRefs({ ...document, components: { ...document.components, schemas } }, renames);
  const settledSchemas = settled.components.schemas;
  const kept = reachable([settled.paths, keep.map((name) => ({ $ref: PREFIX + name }))], settledSchemas);
  for (const name of Object.keys(settledSchemas)) if (!kept.has(name)) delete settledSchemas[name];
  return settled;
}
