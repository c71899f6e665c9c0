/**
 * A renderer of Helm chart templates for the subset of Go's text/template and Sprig that
 * Atlas's generated charts use. It is NOT Helm: there is no helm binary on this machine and no
 * maintained JavaScript renderer of Go templates, so the validator renders what it can with this
 * small interpreter, and a chart using anything else is reported as not rendered (the error names
 * the construct) instead of being rendered wrongly. The subset:
 * - actions `{{ }}` with `{{-`/`-}}` whitespace trimming and `{{/* comments *\/}}`;
 * - `if`/`else if`/`else`, `range` (lists and maps, with `$k, $v :=`), `with`, `define`, `end`
 *   (not `template`, `block`, `break`, `continue`);
 * - pipelines `a | b`, parenthesised pipelines, `$var :=`, fields of `.`, `$` and variables;
 * - functions: include, toYaml, indent, nindent, quote, default, required, trunc, trimSuffix,
 *   contains, replace, printf (%s %d %v), print, sha256sum, not, and, or, eq, ne, empty, has
 *   (not `lookup`, `tpl`, `toString`, `upper`, ... nor any other Sprig function);
 * - `.Values`, `.Release.Name/.Namespace/.Service`, `.Chart.Name/.Version/.AppVersion`,
 *   `.Template.Name/.BasePath`, and `.Capabilities.APIVersions` as a list (for `has`); any other
 *   built-in object or field (`.Files`, `.Capabilities.KubeVersion`, `.Subcharts`) is refused;
 * - one chart: dependencies and subcharts are not rendered.
 * Output follows Helm where it matters for the parsed objects: missing values print as "",
 * toYaml sorts map keys and drops the final newline, maps are ranged in key order, NOTES.txt and
 * files starting with `_` are not output.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";

type Value = unknown;
type Scope = Map<string, Value>;

interface TextNode {
  type: "text";
  text: string;
}
interface ActionNode {
  type: "action";
  pipe: Pipeline;
}
interface IfNode {
  type: "if" | "with";
  pipe: Pipeline;
  whenTrue: Node[];
  otherwise: Node[];
}
interface RangeNode {
  type: "range";
  pipe: Pipeline;
  body: Node[];
  otherwise: Node[];
}
type Node = TextNode | ActionNode | IfNode | RangeNode;

interface Pipeline {
  decl: string[];
  commands: Operand[][];
}
type Operand =
  /** base: "dot" for `.`, else a variable name (`$` is the template's root, or an include's argument) */
  | { kind: "field"; base: string; path: string[] }
  | { kind: "literal"; value: Value }
  | { kind: "ident"; name: string }
  | { kind: "sub"; pipe: Pipeline; path: string[] };

/** Inputs of one render: the chart's files by path (`<chart>/templates/x.yaml`), its metadata and the release. */
export interface RenderInput {
  chart: { Name: string; Version: string; AppVersion: string };
  release: { Name: string; Namespace: string };
  values: Record<string, unknown>;
  /** template files by path relative to the chart root: `templates/deployment.yaml`, `templates/_helpers.tpl` */
  templates: Record<string, string>;
  apiVersions?: string[];
}

// ---------------------------------------------------------------- lexing and parsing

type Token = { type: "text"; text: string } | { type: "action"; body: string };

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf("{{", at);
    let text = source.slice(at, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, "");
    trimNext = false;
    if (open < 0) {
      if (text) tokens.push({ type: "text", text });
      break;
    }
    let body: string;
    let close: number;
    if (source.startsWith("{{/*", open) || source.startsWith("{{- /*", open)) {
      close = source.indexOf("*/", open);
      if (close < 0) throw new Error("unterminated comment");
      close = source.indexOf("}}", close);
      body = "";
    } else {
      close = findClose(source, open + 2);
      body = source.slice(open + 2, close);
    }
    const raw = source.slice(open + 2, close);
    if (raw.startsWith("-") && /^-\s/.test(raw)) text = text.replace(/\s+$/, "");
    if (text) tokens.push({ type: "text", text });
    if (/\s-$/.test(raw)) trimNext = true;
    body = body.replace(/^-\s/, "").replace(/\s-$/, "").trim();
    if (body) tokens.push({ type: "action", body });
    at = close + 2;
  }
  return tokens;
}

/** The `}}` closing an action, skipping string literals. */
function findClose(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '"') {
      for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === "\\") i++;
    } else if (c === "`") {
      i = source.indexOf("`", i + 1);
    } else if (c === "}" && source[i + 1] === "}") return i;
  }
  throw new Error("unterminated action");
}

function parse(source: string, defines: Map<string, Node[]>): Node[] {
  const tokens = lex(source);
  let pos = 0;
  const block = (stops: string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++] as Token;
      if (token.type === "text") {
        nodes.push({ type: "text", text: token.text });
        continue;
      }
      const body = token.body;
      const word = body.split(/\s+/, 1)[0] ?? "";
      if (stops.includes(word)) return { nodes, stop: body };
      if (word === "if" || word === "with") {
        nodes.push(conditional(word, body.slice(word.length)));
      } else if (word === "range") {
        const pipe = parsePipeline(body.slice(5));
        const inner = block(["else", "end"]);
        const otherwise = inner.stop === "else" ? block(["end"]).nodes : [];
        nodes.push({ type: "range", pipe, body: inner.nodes, otherwise });
      } else if (word === "define") {
        const name = JSON.parse(body.slice(6).trim()) as string;
        defines.set(name, block(["end"]).nodes);
      } else if (word === "end" || word === "else") {
        throw new Error(`unexpected {{ ${body} }}`);
      } else if (word === "template" || word === "block" || word === "break" || word === "continue") {
        throw new Error(`{{ ${word} }} is outside the renderer's subset`);
      } else {
        nodes.push({ type: "action", pipe: parsePipeline(body) });
      }
    }
    if (stops.length > 0) throw new Error(`missing {{ end }} (expected one of ${stops.join(", ")})`);
    return { nodes, stop: "" };
  };
  const conditional = (type: "if" | "with", rest: string): IfNode => {
    const pipe = parsePipeline(rest);
    const inner = block(["else", "end"]);
    let otherwise: Node[] = [];
    if (inner.stop.startsWith("else")) {
      const elseIf = inner.stop.match(/^else\s+(if|with)\s+([\s\S]*)$/);
      otherwise = elseIf ? [conditional(elseIf[1] as "if" | "with", elseIf[2] as string)] : block(["end"]).nodes;
    }
    return { type, pipe, whenTrue: inner.nodes, otherwise };
  };
  const { nodes } = block([]);
  return nodes;
}

/** Splits on `sep` at depth 0 (outside parentheses and strings). */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parsePipeline(text: string): Pipeline {
  let rest = text.trim();
  const decl: string[] = [];
  const match = rest.match(/^(\$[A-Za-z_]\w*)(?:\s*,\s*(\$[A-Za-z_]\w*))?\s*:?=\s*/);
  if (match) {
    decl.push(match[1] as string, ...(match[2] ? [match[2]] : []));
    rest = rest.slice(match[0].length);
  }
  return { decl, commands: splitTop(rest, "|").map((command) => parseOperands(command.trim())) };
}

function parseOperands(text: string): Operand[] {
  const out: Operand[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
      out.push({ kind: "literal", value: JSON.parse(text.slice(i, j + 1)) });
      i = j + 1;
      continue;
    }
    if (c === "(") {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '"') for (j++; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
        if (text[j] === "(") depth++;
        if (text[j] === ")" && --depth === 0) break;
      }
      const pipe = parsePipeline(text.slice(i + 1, j));
      const tail = text.slice(j + 1).match(/^(\.[A-Za-z_]\w*)*/)?.[0] ?? "";
      out.push({ kind: "sub", pipe, path: tail.split(".").filter(Boolean) });
      i = j + 1 + tail.length;
      continue;
    }
    const word = text.slice(i).match(/^[^\s()]+/)?.[0] as string;
    i += word.length;
    if (word === ".") out.push({ kind: "field", base: "dot", path: [] });
    else if (word.startsWith(".")) out.push({ kind: "field", base: "dot", path: word.slice(1).split(".") });
    else if (word.startsWith("$")) {
      const [name, ...path] = word.split(".");
      out.push({ kind: "field", base: name as string, path });
    } else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ kind: "literal", value: Number(word) });
    else if (word === "true" || word === "false") out.push({ kind: "literal", value: word === "true" });
    else if (word === "nil") out.push({ kind: "literal", value: null });
    else if (/^[A-Za-z_]\w*$/.test(word)) out.push({ kind: "ident", name: word });
    else throw new Error(`cannot parse "${word}"`);
  }
  return out;
}

// ---------------------------------------------------------------- evaluation

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value as object).length > 0;
  return true;
}

/** How `{{ x }}` prints a value: strings as they are, missing values as "" (Helm), numbers and booleans as Go prints them. */
export function printValue(value: Value): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`printing a ${Array.isArray(value) ? "list" : "map"} directly is outside the renderer's subset; use toYaml`);
}

/** A template that cannot be rendered: a construct outside the subset, a failed `required`, broken syntax. */
export class HelmTemplateError extends Error {
  constructor(
    /** the template file (relative to the chart root) being parsed or rendered */
    readonly template: string,
    /** what stopped it, naming the construct */
    readonly reason: string,
  ) {
    super(`${template}: ${reason}`);
    this.name = "HelmTemplateError";
  }
}

/**
 * Reads `path` from `value`. Missing values (under `.Values`) read as undefined, as Helm prints
 * them empty; an unknown field of a built-in object (`strict`) is refused, since Helm would give
 * it a value this renderer does not know.
 */
function field(value: Value, path: string[], strict: WeakSet<object>): Value {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null) return undefined;
    if (typeof current !== "object") throw new Error(`cannot read .${key} of a ${typeof current}`);
    if (strict.has(current) && !Object.hasOwn(current, key)) throw new Error(`built-in .${key} is outside the renderer's subset`);
    current = (current as Record<string, Value>)[key];
  }
  return current;
}

class Renderer {
  constructor(
    private readonly defines: Map<string, Node[]>,
    private readonly files: Map<string, Node[]>,
    private readonly root: Record<string, Value>,
    private readonly strict: WeakSet<object>,
  ) {}

  /** Renders a template file by path (relative to the chart root). */
  file(path: string): string {
    const nodes = this.files.get(path);
    if (!nodes) throw new Error(`no template ${path}`);
    const template = { ...(this.root.Template as object), Name: path };
    const dot = { ...this.root, Template: template };
    this.strict.add(template).add(dot);
    const scope: Scope = new Map([["$", dot]]);
    return this.nodes(nodes, dot, [scope]);
  }

  private nodes(nodes: Node[], dot: Value, scopes: Scope[]): string {
    let out = "";
    for (const node of nodes) out += this.node(node, dot, scopes);
    return out;
  }

  private node(node: Node, dot: Value, scopes: Scope[]): string {
    if (node.type === "text") return node.text;
    if (node.type === "action") {
      const value = this.pipeline(node.pipe, dot, scopes);
      return node.pipe.decl.length > 0 ? "" : printValue(value);
    }
    const inner: Scope[] = [...scopes, new Map()];
    if (node.type !== "range") {
      const value = this.pipeline(node.pipe, dot, inner);
      if (!truthy(value)) return this.nodes(node.otherwise, dot, scopes);
      return this.nodes(node.whenTrue, node.type === "with" ? value : dot, inner);
    }
    const [keyVar, valueVar] = node.pipe.decl.length === 2 ? node.pipe.decl : [undefined, node.pipe.decl[0]];
    const collection = this.pipeline({ ...node.pipe, decl: [] }, dot, inner);
    const entries: [Value, Value][] = Array.isArray(collection)
      ? collection.map((item, i) => [i, item])
      : collection && typeof collection === "object"
        ? Object.keys(collection)
            .sort()
            .map((k) => [k, (collection as Record<string, Value>)[k]])
        : [];
    if (entries.length === 0) return this.nodes(node.otherwise, dot, scopes);
    let out = "";
    for (const [key, item] of entries) {
      const scope: Scope = new Map();
      if (keyVar) scope.set(keyVar, key);
      if (valueVar) scope.set(valueVar, item);
      out += this.nodes(node.body, item, [...scopes, scope]);
    }
    return out;
  }

  private pipeline(pipe: Pipeline, dot: Value, scopes: Scope[]): Value {
    let value: Value;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.command(command, dot, scopes, piped ? [value] : []);
      piped = true;
    }
    if (pipe.decl.length === 1) (scopes[scopes.length - 1] as Scope).set(pipe.decl[0] as string, value);
    return value;
  }

  private command(operands: Operand[], dot: Value, scopes: Scope[], piped: Value[]): Value {
    const [head, ...rest] = operands;
    if (!head) throw new Error("empty command");
    if (head.kind === "ident") {
      const args = [...rest.map((o) => this.operand(o, dot, scopes)), ...piped];
      return this.call(head.name, args);
    }
    if (rest.length > 0 || piped.length > 0) {
      if (head.kind === "field") {
        const name = `${head.base === "dot" ? "" : head.base}.${head.path.join(".")}`;
        throw new Error(`calling ${name} with arguments (a method, like .Files.Get) is outside the renderer's subset`);
      }
      throw new Error("only a function takes arguments");
    }
    return this.operand(head, dot, scopes);
  }

  private operand(operand: Operand, dot: Value, scopes: Scope[]): Value {
    switch (operand.kind) {
      case "literal":
        return operand.value;
      case "ident":
        return this.call(operand.name, []);
      case "sub":
        return field(this.pipeline(operand.pipe, dot, scopes), operand.path, this.strict);
      case "field": {
        if (operand.base === "dot") return field(dot, operand.path, this.strict);
        for (let i = scopes.length - 1; i >= 0; i--) {
          const scope = scopes[i] as Scope;
          if (scope.has(operand.base)) return field(scope.get(operand.base), operand.path, this.strict);
        }
        throw new Error(`undefined variable ${operand.base}`);
      }
    }
  }

  private call(name: string, args: Value[]): Value {
    const str = (i: number) => printValue(args[i]);
    switch (name) {
      case "include": {
        const body = this.defines.get(str(0));
        if (!body) throw new Error(`no template "${str(0)}" to include`);
        return this.nodes(body, args[1], [new Map([["$", args[1]]])]);
      }
      case "toYaml":
        return args[0] === undefined || args[0] === null ? "null" : stringify(args[0], { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, "");
      case "indent":
        return " ".repeat(Number(args[0])) + str(1).replaceAll("\n", `\n${" ".repeat(Number(args[0]))}`);
      case "nindent":
        return `\n${" ".repeat(Number(args[0]))}${str(1).replaceAll("\n", `\n${" ".repeat(Number(args[0]))}`)}`;
      case "quote":
        return args.map((a) => (a === undefined || a === null ? "" : JSON.stringify(printValue(a)))).join(" ");
      case "default":
        return truthy(args[1]) ? args[1] : args[0];
      case "required":
        if (!truthy(args[1])) throw new Error(`required: ${str(0)}`);
        return args[1];
      case "trunc":
        return str(1).slice(0, Number(args[0]));
      case "trimSuffix":
        return str(1).endsWith(str(0)) ? str(1).slice(0, -str(0).length || undefined) : str(1);
      case "contains":
        return str(1).includes(str(0));
      case "replace":
        return str(2).replaceAll(str(0), str(1));
      case "printf":
        return sprintf(str(0), args.slice(1));
      case "print":
        return args.map(printValue).join("");
      case "sha256sum":
        return createHash("sha256").update(str(0)).digest("hex");
      case "not":
        return !truthy(args[0]);
      case "and":
        return args.find((a) => !truthy(a)) ?? args[args.length - 1];
      case "or":
        return args.find((a) => truthy(a)) ?? args[args.length - 1];
      case "eq":
        return args.slice(1).some((a) => a === args[0]);
      case "ne":
        return args[0] !== args[1];
      case "empty":
        return !truthy(args[0]);
      case "has":
        return Array.isArray(args[1]) && args[1].includes(args[0]);
      default:
        throw new Error(`function "${name}" is outside the renderer's subset`);
    }
  }
}

function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%[sdv%]/g, (verb) => (verb === "%%" ? "%" : printValue(args[i++])));
}

/**
 * Renders every template of a chart (files under `templates/` not starting with `_`, and not
 * NOTES.txt), as `helm template` would, and returns the output by template path. A template that
 * renders to whitespace only is left out, as Helm leaves it out. Throws {@link HelmTemplateError}
 * naming the template and the construct that stopped it.
 */
export function renderChart(input: RenderInput): Map<string, string> {
  const defines = new Map<string, Node[]>();
  const files = new Map<string, Node[]>();
  for (const [path, source] of Object.entries(input.templates).sort(([a], [b]) => (a < b ? -1 : 1))) {
    files.set(
      path,
      inTemplate(path, () => parse(source, defines)),
    );
  }
  const chart = { ...input.chart };
  const release = { ...input.release, Service: "Helm" };
  const template = { BasePath: `${input.chart.Name}/templates` };
  const capabilities = { APIVersions: input.apiVersions ?? [] };
  const root: Record<string, Value> = { Values: input.values, Chart: chart, Release: release, Template: template, Capabilities: capabilities };
  const strict = new WeakSet<object>([root, chart, release, template, capabilities]);
  // include (print $.Template.BasePath "/x.yaml") names templates as Helm does: <chart>/templates/x.yaml
  for (const [path, nodes] of files) defines.set(`${input.chart.Name}/${path}`, nodes);
  const renderer = new Renderer(defines, files, root, strict);
  const out = new Map<string, string>();
  for (const path of files.keys()) {
    const name = path.split("/").pop() ?? path;
    if (name.startsWith("_") || name === "NOTES.txt") continue;
    const text = inTemplate(path, () => renderer.file(path));
    if (text.trim() !== "") out.set(path, text);
  }
  return out;
}

function inTemplate<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HelmTemplateError) throw error;
    throw new HelmTemplateError(path, error instanceof Error ? error.message : String(error));
  }
}

/** Labels only Helm adds (release bookkeeping): a rendered object without them must match the overlay's. */
export const HELM_ONLY_LABELS: readonly string[] = ["app.kubernetes.io/instance", "app.kubernetes.io/version", "helm.sh/chart"];

/**
 * A copy of a chart-rendered object without what only Helm adds: its bookkeeping labels (on the
 * object and a CronJob's job template) and the pod template's `checksum/config` annotation, so it
 * can be compared with the same object built by Kustomize.
 */
export function withoutHelmBookkeeping(object: Record<string, unknown>): Record<string, unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: walking optional fields of an untyped manifest
  const copy = structuredClone(object) as Record<string, any>;
  for (const meta of [copy.metadata, copy.spec?.jobTemplate?.metadata]) {
    for (const label of HELM_ONLY_LABELS) delete meta?.labels?.[label];
  }
  const template = copy.spec?.template ?? copy.spec?.jobTemplate?.spec?.template;
  if (template?.metadata?.annotations) {
    delete template.metadata.annotations["checksum/config"];
    if (Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
  }
  return copy;
}

/** Deep merge of values files as Helm does it: maps merge key by key, anything else (lists too) is replaced. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    const bothMaps = [current, value].every((v) => typeof v === "object" && v !== null && !Array.isArray(v));
    out[key] = bothMaps ? mergeValues(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
