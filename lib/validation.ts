import type { z } from "zod";
import { AtlasError } from "./errors.js";

/** Formats a zod issue path as `filters.collection` or `items[2].name`. */
export function issuePath(path: PropertyKey[], root = ""): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, root) || "(body)";
}

/**
 * Parses input with a zod schema or throws a 400 VALIDATION_FAILED listing each field path.
 * `where` prefixes paths for non-body input (e.g. "query", "params").
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) =>
    // zod reports unknown keys at the parent object; name each key so the caller sees which field.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: issuePath([...issue.path, key], where), message: "Unrecognized field" }))
      : [{ path: issuePath(issue.path, where), message: issue.message }],
  );
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  throw new AtlasError("VALIDATION_FAILED", `Invalid request: ${summary}`, { issues });
}
