/**
 * Readers for hcl2json-shaped attributes. Values Terraform only knows at plan time arrive
 * as strings like "${var.size}"; a reader that needs one throws `Unpriceable`, which the
 * estimator turns into an entry in `unsupported` rather than a guess.
 */

type Attrs = Record<string, unknown>;

/** Why a resource cannot be priced; caught by the estimator, never shown as a crash. */
export class Unpriceable extends Error {
  readonly code = "UNPRICEABLE";
  constructor(reason: string) {
    super(reason);
    this.name = "Unpriceable";
  }
}

/** True for a Terraform expression that is only known at plan time. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

function isRecord(value: unknown): value is Attrs {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every nested block named `key` (hcl2json gives arrays of objects; a lone object also counts). */
export function blocks(attrs: Attrs, key: string): Attrs[] {
  const value = attrs[key];
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** The first nested block named `key`, if any. */
export function block(attrs: Attrs, key: string): Attrs | undefined {
  return blocks(attrs, key)[0];
}

function notLiteral(key: string, value: unknown): Unpriceable {
  return new Unpriceable(`${key} is ${JSON.stringify(value)}, not a literal value; it is only known at plan time`);
}

/** A literal string attribute, or undefined when absent. */
export function optionalString(attrs: Attrs, key: string): string | undefined {
  const value = attrs[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) throw notLiteral(key, value);
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  throw new Unpriceable(`${key} should be a string, found ${JSON.stringify(value)}`);
}

/** A literal string attribute that pricing cannot do without. */
export function requiredString(attrs: Attrs, key: string): string {
  const value = optionalString(attrs, key);
  if (value === undefined || value === "") throw new Unpriceable(`${key} is not set`);
  return value;
}

/** A literal number attribute (numeric strings accepted), or undefined when absent. */
export function optionalNumber(attrs: Attrs, key: string): number | undefined {
  const value = attrs[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) throw notLiteral(key, value);
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number === "number" && Number.isFinite(number) && number >= 0) return number;
  throw new Unpriceable(`${key} should be a non-negative number, found ${JSON.stringify(value)}`);
}

/** A literal boolean attribute ("true"/"false" accepted), or undefined when absent. */
export function optionalBool(attrs: Attrs, key: string): boolean | undefined {
  const value = attrs[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) throw notLiteral(key, value);
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new Unpriceable(`${key} should be true or false, found ${JSON.stringify(value)}`);
}

/** The first element of a literal list of strings, or undefined when absent or empty. */
export function firstOfList(attrs: Attrs, key: string): string | undefined {
  const value = attrs[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) throw notLiteral(key, value);
  if (!Array.isArray(value)) throw new Unpriceable(`${key} should be a list, found ${JSON.stringify(value)}`);
  const first: unknown = value[0];
  if (first === undefined) return undefined;
  if (typeof first !== "string" || isExpression(first)) throw notLiteral(`${key}[0]`, first);
  return first;
}
