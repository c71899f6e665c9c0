import type { z } from "zod";
import { AtlasError } from "./errors.js";

/** Formats a zod issue path as `filters.collection` or `items[2].name`. */
export function issuePath(path: PropertyKey[], root = ""): string {
  return (
    path.reduce<string>((out, key) => {
      if (typeof key === "number") return `${out}[${key}]`;
      return out ? `${out}.${String(key)}` : String(key);
    }, root) || "(body)"
  );
}

/**
 * The 400 VALIDATION_FAILED for a zod error: one issue per field path, and one per unknown key
 * (zod reports them together at the parent object). `where` prefixes paths for non-body input
 * (e.g. "query", "params"). Used by `parseInput` and by the server's validator compiler, so a
 * CLI and a route describe a wrong field the same way.
 */
export function validationError(error: z.ZodError, where?: string): AtlasError {
  const issues = error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: issuePath([...issue.path, key], where), message: "Unrecognized field" }))
      : [{ path: issuePath(issue.path, where), message: issue.message }],
  );
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return new AtlasError("VALIDATION_FAILED", `Invalid request: ${summary}`, { issues });
}

/**
 * Parses input with a zod schema or throws a 400 VALIDATION_FAILED listing each field path.
 * `where` prefixes paths for non-body input (e.g. "query", "params").
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error, where);
}
