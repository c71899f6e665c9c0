import { parse } from "@cdktn/hcl2json";

/**
 * Decodes a policy-like attribute into data. Handles the shapes a policy document takes in
 * Terraform: a JSON string (literal or heredoc), an already-decoded object (`.tf.json`), and
 * an unevaluated `${jsonencode({ ... })}` call, whose HCL object literal is handed back to
 * hcl2json as `v = { ... }` so references inside stay `${...}` strings. Returns `undefined`
 * for anything else (a reference to a data source, `file(...)`, a template): unknown, not wrong.
 */
export async function decodeDocument(value: unknown): Promise<unknown> {
  if (typeof value === "object" && value !== null) return value;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  const call = text.match(/^\$\{\s*jsonencode\(([\s\S]*)\)\s*\}$/);
  if (!call?.[1]) return undefined;
  try {
    const parsed = (await parse("jsonencode.tf", `v = ${call[1]}\n`)) as { v?: unknown };
    return parsed.v;
  } catch {
    return undefined;
  }
}
