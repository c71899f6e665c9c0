import fc from "fast-check";

/** A JSON Schema as the OpenAPI document writes it (the subset zod's JSON Schema output uses). */
export type JsonSchema = Record<string, unknown>;

const REF_PREFIX = "#/components/schemas/";
/** Deeper than this, a schema's value is cut short (recursive schemas, free-form JSON). */
const MAX_DEPTH = 14;

/** Where `$ref`s point, and values worth trying for a named schema beside generated ones. */
export interface SchemaSource {
  components: Record<string, JsonSchema>;
  /** a standalone schema's own `$defs` (zod writes a schema used twice there once, as `#/$defs/<name>`) */
  defs?: Record<string, JsonSchema>;
  /** known-good values of a component (fixture goals for GoalStatement, ...), tried beside generated values */
  examples?: Record<string, unknown[]>;
  /** what a free-form object (`additionalProperties: {}` without properties) is fuzzed with */
  freeForm?: fc.Arbitrary<unknown>;
}

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** The component a `$ref` names, or undefined for a reference outside the components. */
export function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === "string" && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

const DEFS_PREFIX = "#/$defs/";

/** The `$defs` entry a `$ref` names, or undefined. */
function defName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === "string" && ref.startsWith(DEFS_PREFIX) ? ref.slice(DEFS_PREFIX.length) : undefined;
}

/** The schema itself, or the component (or `$defs` entry) it refers to. */
export function resolve(schema: JsonSchema, source: SchemaSource): JsonSchema {
  const name = refName(schema);
  if (name) return source.components[name] ?? {};
  const def = defName(schema);
  return def ? (source.defs?.[def] ?? {}) : schema;
}

function stringValue(schema: JsonSchema): fc.Arbitrary<string> {
  if (typeof schema.pattern === "string") {
    // fast-check cannot generate from every regular expression (lookaheads): then the pattern filters
    const maxLength = num(schema.maxLength);
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern));
      // a pattern with `*` can run past the schema's maxLength
      return maxLength === undefined ? matching : matching.filter((text) => text.length <= maxLength);
    } catch {
      const pattern = new RegExp(schema.pattern);
      return fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z0-9/._-]{1,40}$/)).filter((text) => pattern.test(text));
    }
  }
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = Math.min(num(schema.maxLength) ?? minLength + 40, minLength + 40);
  return fc.string({ minLength, maxLength, unit: "grapheme" });
}

function numberValue(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exclusiveMin = num(schema.exclusiveMinimum);
  const exclusiveMax = num(schema.exclusiveMaximum);
  const min = num(schema.minimum) ?? exclusiveMin;
  const max = num(schema.maximum) ?? exclusiveMax;
  if (integer) {
    const low = min === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(exclusiveMin !== undefined && min === exclusiveMin ? min + 1 : min);
    const high = max === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(exclusiveMax !== undefined && max === exclusiveMax ? max - 1 : max);
    return fc.integer({ min: Math.max(low, Number.MIN_SAFE_INTEGER), max: Math.min(high, Number.MAX_SAFE_INTEGER) });
  }
  return fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(min !== undefined ? { min, minExcluded: exclusiveMin !== undefined && min === exclusiveMin } : {}),
    ...(max !== undefined ? { max, maxExcluded: exclusiveMax !== undefined && max === exclusiveMax } : {}),
  });
}

function objectValue(schema: JsonSchema, source: SchemaSource, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(properties);
  if (names.length === 0) {
    if (source.freeForm && schema.additionalProperties !== false) return source.freeForm;
    return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const model = Object.fromEntries(names.map((name) => [name, schemaValue(properties[name] as JsonSchema, source, depth + 1)]));
  return fc.record(model, { requiredKeys: required.filter((name) => names.includes(name)) });
}

/**
 * A fast-check arbitrary of values the schema accepts, as far as JSON Schema says (a zod
 * refinement across fields is not in it, so some values are still refused: that is fuzzing too).
 * A named component with examples yields those as often as generated values.
 */
export function schemaValue(schema: JsonSchema, given: SchemaSource, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  const source = schema.$defs ? { ...given, defs: { ...given.defs, ...(schema.$defs as Record<string, JsonSchema>) } } : given;
  const def = defName(schema);
  if (def) return schemaValue(source.defs?.[def] ?? {}, source, depth + 1);
  const name = refName(schema);
  if (name) {
    const generated = schemaValue(source.components[name] ?? {}, source, depth + 1);
    const examples = source.examples?.[name] ?? [];
    return examples.length ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
  }
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length) return fc.oneof(...branches.map((branch) => schemaValue(branch as JsonSchema, source, depth + 1)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return schemaValue(schema.allOf[0] as JsonSchema, source, depth + 1);
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((one) => schemaValue({ ...schema, type: one }, source, depth)));
  switch (type) {
    case "string":
      return stringValue(schema);
    case "integer":
      return numberValue(schema, true);
    case "number":
      return numberValue(schema, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = num(schema.minItems) ?? 0;
      const maxLength = Math.min(num(schema.maxItems) ?? minLength + 4, minLength + 4);
      return fc.array(schemaValue((schema.items ?? {}) as JsonSchema, source, depth + 1), { minLength, maxLength });
    }
    case "object":
      return objectValue(schema, source, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
