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

/** How deep and how large free-form JSON a client sends may be (`revise.changes`, ...). */
export const JSON_LIMITS = { depth: 12, bytes: 32_768 } as const;

/**
 * Why `value` is not acceptable free-form JSON, or null: nested deeper than `limits.depth`
 * (walked without recursion, so a 10,000-deep document cannot overflow the stack here or in any
 * serializer it would reach later) or larger than `limits.bytes` once serialized.
 */
export function jsonProblem(value: unknown, limits: { depth: number; bytes: number } = JSON_LIMITS): string | null {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== "object") continue;
    if (depth >= limits.depth) return `nested deeper than ${limits.depth} levels`;
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? "");
  return bytes > limits.bytes ? `larger than ${limits.bytes} bytes (${bytes})` : null;
}

/** A UTF-16 surrogate without its pair: not Unicode text (String.prototype.isWellFormed, by hand for the TypeScript lib in use). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why Postgres cannot store a string: a NUL character, or a lone surrogate (jsonb refuses its escape). */
const unstorable = (text: string): string | null =>
  text.includes("\u0000") ? "must not contain a NUL character" : LONE_SURROGATE.test(text) ? "must be valid Unicode (a lone surrogate is not)" : null;

/**
 * Where `value` holds a string Postgres text and JSON cannot store (a NUL character, a lone
 * surrogate), and why; walked without recursion. Null when there is none.
 */
export function unstorablePath(value: unknown): { path: PropertyKey[]; message: string } | null {
  const stack: { node: unknown; path: PropertyKey[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: PropertyKey[] };
    if (typeof node === "string") {
      const message = unstorable(node);
      if (message) return { path, message };
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        const message = unstorable(key);
        if (message) return { path: [...path, key], message };
        stack.push({ node: child, path: [...path, Array.isArray(node) ? Number(key) : key] });
      }
    }
  }
  return null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a name may not hold
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** True when `text` is one line without control characters: what a person's or a key's name may be. */
export const isOneLine = (text: string) => !CONTROL_CHARACTERS.test(text);
