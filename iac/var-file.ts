import { readFile } from "node:fs/promises";
import { parse } from "@cdktn/hcl2json";
import { EMPTY_SCOPE } from "./evaluate.js";
import { evaluateValue } from "./hcl-expr-eval.js";
import { isRecord } from "./hcl-values.js";

/** A `-var-file` read: its variable values, or why it cannot be used. */
export type VarFile = { ok: true; values: Record<string, unknown> } | { ok: false; message: string };

/**
 * Reads a variables file as `terraform -var-file` does: JSON when the name ends in `.json`,
 * HCL (`.tfvars`) otherwise. Values are constants in Terraform (no references, no functions);
 * a value that is not one stays unknown. A missing or unparseable file is `ok: false` with a
 * message naming it.
 */
export async function readVarFile(path: string): Promise<VarFile> {
  const content = await readFile(path, "utf8").catch(() => null);
  if (content === null) return { ok: false, message: `Cannot read var file ${path}` };
  let body: unknown;
  try {
    body = /\.json$/i.test(path) ? JSON.parse(content) : await parse(path, content);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^parse config:\s*/, "");
    return { ok: false, message: `Invalid var file ${path}: ${reason}` };
  }
  if (!isRecord(body)) return { ok: false, message: `Invalid var file ${path}: it must hold name = value assignments` };
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) values[name] = evaluateValue(value, EMPTY_SCOPE);
  return { ok: true, values };
}
