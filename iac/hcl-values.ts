/** Values of the HCL evaluator: the unknown marker, the error Terraform would raise, conversions. */

/** A value Terraform would only know at plan or apply time (or one this evaluator does not compute). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** Where Terraform itself would report an error (wrong type, missing key); `try` catches it. */
export class HclEvalError extends Error {}

/** True when `value` is {@link UNKNOWN} or holds it anywhere inside. */
export function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isRecord(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/** Terraform's conversions: "true"/"false" strings are bools, numeric strings are numbers. */
export function toBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new HclEvalError("not a bool");
}

export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new HclEvalError("not a number");
}

export function toStringValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new HclEvalError("not a string");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Marks the arrays that stand for Terraform sets (a set's `for` key is the element, not an index). */
const SET = Symbol("set");

/**
 * A Terraform set as an array: duplicates removed, strings sorted (Terraform's order for a set of
 * strings), marked so {@link isSetValue} can tell it from a list. Throws for a non-list.
 */
export function toSetValue(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new HclEvalError("not a list or set");
  const unique: unknown[] = [];
  for (const item of v) if (!unique.some((u) => JSON.stringify(u) === JSON.stringify(item))) unique.push(item);
  const sorted = unique.every((u) => typeof u === "string") ? (unique as string[]).sort() : unique;
  Object.defineProperty(sorted, SET, { value: true });
  return sorted;
}

/** True for an array {@link toSetValue} made (copies, e.g. through `tolist`, are lists again). */
export function isSetValue(v: unknown): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[SET] === true;
}
