/**
 * A small deterministic HCL writer: just enough of the syntax for generated Terraform.
 * Output depends only on the input (insertion order of keys, no clocks), so rendering the
 * same blocks twice gives byte-identical text. Plain strings are always literals (`${` is
 * escaped); references and function calls are built with {@link ref}, {@link call} and
 * {@link tpl} and written unquoted.
 */

/** A Terraform expression written as-is, e.g. `aws_vpc.main.id` or `var.alarm_actions`. */
export interface HclExpr {
  readonly expr: string;
}

/** A function call whose arguments are HCL values, e.g. `jsonencode({ ... })`. */
export interface HclCall {
  readonly call: string;
  readonly args: readonly HclValue[];
}

/** Any value an attribute can hold. Objects become HCL maps (`key = value`). */
export type HclValue = string | number | boolean | null | HclExpr | HclCall | readonly HclValue[] | { readonly [key: string]: HclValue | undefined };

/** A nested block (`health_check { ... }`), as opposed to a map attribute (`tags = { ... }`). */
export interface HclNested {
  readonly nested: HclBody;
}

/** The inside of a block; `undefined` entries are left out, so optional settings read naturally. */
export type HclBody = { readonly [name: string]: HclValue | HclNested | readonly HclNested[] | undefined };

/** A top-level block: `resource "aws_vpc" "main" { ... }`, `variable "x" { ... }`, `terraform { ... }`. */
export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  /** comment lines written above the block */
  comment?: string[];
}

/** A reference or other expression, written unquoted. */
export function ref(expression: string): HclExpr {
  return { expr: expression };
}

/** A function call, e.g. `call("jsonencode", document)`. */
export function call(name: string, ...args: HclValue[]): HclCall {
  return { call: name, args };
}

/** A nested block. */
export function block(body: HclBody): HclNested {
  return { nested: body };
}

/**
 * A string template with references: tpl`service/${"aws_ecs_cluster.main.name"}` gives
 * `"service/${aws_ecs_cluster.main.name}"`. Literal parts are escaped, references are not.
 */
export function tpl(strings: TemplateStringsArray, ...references: string[]): HclExpr {
  let text = escapeString(strings[0] ?? "");
  references.forEach((reference, index) => {
    text += `\${${reference}}${escapeString(strings[index + 1] ?? "")}`;
  });
  return { expr: `"${text}"` };
}

/** A string joining literal parts and references: `interpolate("arn:", ref("var.x"), ":*")` gives `"arn:${var.x}:*"`. */
export function interpolate(...parts: (string | HclExpr)[]): HclExpr {
  const text = parts.map((part) => (typeof part === "string" ? escapeString(part) : `\${${part.expr}}`)).join("");
  return { expr: `"${text}"` };
}

/** A resource block. */
export function resource(type: string, name: string, body: HclBody, comment?: string[]): HclBlock {
  return { type: "resource", labels: [type, name], body, ...(comment ? { comment } : {}) };
}

/** Writes blocks as one file: blank line between blocks, trailing newline. */
export function renderHcl(blocks: readonly HclBlock[], header?: string[]): string {
  const parts = blocks.map((b) => {
    const comment = (b.comment ?? []).map((line) => `# ${line}\n`).join("");
    const labels = b.labels.map((label) => ` ${quote(label)}`).join("");
    return `${comment}${b.type}${labels} ${renderBody(b.body, 0)}`;
  });
  const top = header && header.length > 0 ? `${header.map((line) => `# ${line}`).join("\n")}\n\n` : "";
  return `${top}${parts.join("\n\n")}\n`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isExpr(value: unknown): value is HclExpr {
  return typeof value === "object" && value !== null && "expr" in value;
}

function isCall(value: unknown): value is HclCall {
  return typeof value === "object" && value !== null && "call" in value && "args" in value;
}

function isNested(value: unknown): value is HclNested {
  return typeof value === "object" && value !== null && "nested" in value;
}

function isNestedList(value: unknown): value is readonly HclNested[] {
  return Array.isArray(value) && value.length > 0 && value.every(isNested);
}

/** HCL string escapes, plus `$${` and `%%{` so a literal never becomes a template. */
export function escapeString(text: string): string {
  return (
    text
      .replace(/\\/g, "\\\\")
      .replace(/"/g, '\\"')
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t")
      // A replacement function, because "$$" in a replacement string means one "$".
      .replace(/\$\{/g, () => "$${")
      .replace(/%\{/g, () => "%%{")
  );
}

function quote(text: string): string {
  return `"${escapeString(text)}"`;
}

function pad(depth: number): string {
  return "  ".repeat(depth);
}

/**
 * `{ ... }` for a block body at `depth`, laid out as `terraform fmt` users write it: runs of
 * one-line attributes aligned on `=`, and nested blocks and multi-line values set off by blank lines.
 */
function renderBody(body: HclBody, depth: number): string {
  const lines: string[] = [];
  let group: [string, string][] = [];
  let afterBlock = false;
  const flush = () => {
    const width = Math.max(0, ...group.map(([name]) => name.length));
    for (const [name, value] of group) lines.push(`${pad(depth + 1)}${name.padEnd(width)} = ${value}`);
    group = [];
  };
  const standalone = (text: string) => {
    flush();
    if (lines.length > 0) lines.push("");
    lines.push(`${pad(depth + 1)}${text}`);
    afterBlock = true;
  };
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (isNested(value) || isNestedList(value)) {
      const list: readonly HclNested[] = isNested(value) ? [value] : value;
      for (const item of list) standalone(`${name} ${renderBody(item.nested, depth + 1)}`);
      continue;
    }
    const rendered = renderValue(value as HclValue, depth + 1);
    if (rendered.includes("\n")) {
      standalone(`${name} = ${rendered}`);
      continue;
    }
    if (afterBlock) lines.push("");
    afterBlock = false;
    group.push([name, rendered]);
  }
  flush();
  return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${pad(depth)}}`;
}

/** A value at `depth` (the indentation of the line it starts on). */
export function renderValue(value: HclValue, depth: number): string {
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`HCL cannot represent ${value}`);
    return String(value);
  }
  if (isExpr(value)) return value.expr;
  if (isCall(value)) return `${value.call}(${value.args.map((arg) => renderValue(arg, depth)).join(", ")})`;
  if (Array.isArray(value)) return renderList(value as readonly HclValue[], depth);
  return renderMap(value as { readonly [key: string]: HclValue | undefined }, depth);
}

function renderList(items: readonly HclValue[], depth: number): string {
  if (items.length === 0) return "[]";
  const rendered = items.map((item) => renderValue(item, depth + 1));
  const inline = `[${rendered.join(", ")}]`;
  if (!inline.includes("\n") && inline.length <= 80) return inline;
  return `[\n${rendered.map((item) => `${pad(depth + 1)}${item},`).join("\n")}\n${pad(depth)}]`;
}

function renderMap(map: { readonly [key: string]: HclValue | undefined }, depth: number): string {
  const entries = Object.entries(map).filter((entry): entry is [string, HclValue] => entry[1] !== undefined);
  if (entries.length === 0) return "{}";
  const rows = entries.map(([key, value]) => [IDENTIFIER.test(key) ? key : quote(key), renderValue(value, depth + 1)] as const);
  // As terraform fmt does: align `=` within runs of one-line entries; a multi-line value ends a run.
  const lines: string[] = [];
  let run: (typeof rows)[number][] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map(([key]) => key.length));
    for (const [key, value] of run) lines.push(`${pad(depth + 1)}${key.padEnd(width)} = ${value}`);
    run = [];
  };
  for (const row of rows) {
    if (row[1].includes("\n")) {
      flush();
      lines.push(`${pad(depth + 1)}${row[0]} = ${row[1]}`);
    } else {
      run.push(row);
    }
  }
  flush();
  return `{\n${lines.join("\n")}\n${pad(depth)}}`;
}
