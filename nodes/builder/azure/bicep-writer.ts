/**
 * A small deterministic Bicep writer, the Bicep counterpart of ../hcl.ts: plain strings are
 * literals (quotes, backslashes and `${` escaped), expressions are written as given.
 */

/** A Bicep expression written as-is: `vault.id`, `resourceGroup().location`, `'${x}-y'`. */
export interface BicepExpr {
  readonly bicep: string;
}

/** Any value a property can hold; `undefined` entries of objects are left out. */
export type BicepValue = string | number | boolean | BicepExpr | readonly BicepValue[] | { readonly [key: string]: BicepValue | undefined };

/** An expression. */
export function bx(expression: string): BicepExpr {
  return { bicep: expression };
}

/** One top-level declaration: a parameter, variable, resource or output, with comment lines and decorators above it. */
export interface BicepDeclaration {
  kind: "param" | "var" | "resource" | "output";
  name: string;
  /** the type of a param/output (`string`, `array`) or the `Type@version` of a resource */
  type?: string;
  value?: BicepValue;
  decorators?: string[];
  comment?: string[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Bicep string literal. */
export function bicepString(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\$\{/g, "\\${")}'`;
}

/** A property name: bare when an identifier; a key that is exactly `${symbol.property}` becomes an interpolated key (a resource id as key); else quoted. */
function objectKey(key: string): string {
  if (IDENTIFIER.test(key)) return key;
  if (/^\$\{[A-Za-z_][A-Za-z0-9_.]*\}$/.test(key)) return `'${key}'`;
  return bicepString(key);
}

function isExpr(value: unknown): value is BicepExpr {
  return typeof value === "object" && value !== null && "bicep" in value;
}

/** A value at `depth` (the indentation of the line it starts on). */
export function renderBicepValue(value: BicepValue, depth: number): string {
  const pad = (d: number) => "  ".repeat(d);
  if (typeof value === "string") return bicepString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isExpr(value)) return value.bicep;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${pad(depth + 1)}${renderBicepValue(item, depth + 1)}`).join("\n")}\n${pad(depth)}]`;
  }
  const entries = Object.entries(value as { [key: string]: BicepValue | undefined }).filter((entry): entry is [string, BicepValue] => entry[1] !== undefined);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([key, item]) => `${pad(depth + 1)}${objectKey(key)}: ${renderBicepValue(item, depth + 1)}`);
  return `{\n${lines.join("\n")}\n${pad(depth)}}`;
}

/** Writes declarations as one file after the header comment lines: blank line between declarations, trailing newline. */
export function renderBicep(declarations: readonly BicepDeclaration[], header: readonly string[]): string {
  const parts = declarations.map((d) => {
    const above = [...(d.comment ?? []).map((line) => `// ${line}`), ...(d.decorators ?? [])].map((line) => `${line}\n`).join("");
    if (d.kind === "resource") return `${above}resource ${d.name} '${d.type}' = ${renderBicepValue(d.value ?? {}, 0)}`;
    if (d.kind === "var") return `${above}var ${d.name} = ${renderBicepValue(d.value ?? "", 0)}`;
    const assigned = d.value === undefined ? "" : ` = ${renderBicepValue(d.value, 0)}`;
    return `${above}${d.kind} ${d.name} ${d.type ?? "string"}${assigned}`;
  });
  return `${header.map((line) => `// ${line}`).join("\n")}\n\ntargetScope = 'resourceGroup'\n\n${parts.join("\n\n")}\n`;
}
