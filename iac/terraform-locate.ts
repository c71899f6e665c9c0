import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/**
 * Finds the 1-based line of every top-level block header in HCL source. Keys look like
 * `resource.aws_s3_bucket.logs` or `provider.aws#1` (the n-th `provider "aws"` block, since
 * providers and variables may repeat a label and hcl2json keeps them in source order).
 * Scanning text is enough because hcl2json returns no positions; comments and heredocs are
 * tracked so a commented-out block is never mistaken for a real one.
 */
export function locateHclBlocks(source: string): Map<string, number> {
  const found = new Map<string, number>();
  const seen = new Map<string, number>();
  const lines = source.split(/\r?\n/);
  const state = { inComment: false };
  let heredoc: string | null = null;
  lines.forEach((raw, index) => {
    if (heredoc !== null) {
      if (raw.trim() === heredoc) heredoc = null;
      return;
    }
    const code = stripComments(raw, state);
    const header = matchHeader(code);
    if (header) {
      const count = seen.get(header) ?? 0;
      seen.set(header, count + 1);
      const key = header.startsWith("resource.") || header.startsWith("data.") ? header : `${header}#${count}`;
      if (!found.has(key)) found.set(key, index + 1);
    }
    const open = code.match(/<<-?\s*([A-Za-z_][\w-]*)\s*$/);
    if (open?.[1]) heredoc = open[1];
  });
  return found;
}

/** The code part of one line: comments removed, strings kept (they may contain `/*` or `#`). */
function stripComments(line: string, state: { inComment: boolean }): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    const next = line[i + 1];
    if (state.inComment) {
      if (ch === "*" && next === "/") {
        state.inComment = false;
        i++;
      }
      continue;
    }
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += next ?? "";
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === "#" || (ch === "/" && next === "/")) break;
    if (ch === "/" && next === "*") {
      state.inComment = true;
      i++;
      continue;
    }
    if (ch === '"') inString = true;
    out += ch;
  }
  return out;
}

const LABEL = String.raw`(?:"([^"]*)"|([A-Za-z_][\w-]*))`;
const TWO_LABELS = new RegExp(String.raw`^\s*(resource|data)\s+${LABEL}\s+${LABEL}\s*\{`);
const ONE_LABEL = new RegExp(String.raw`^\s*(provider|variable|module)\s+${LABEL}\s*\{`);

function matchHeader(text: string): string | null {
  const two = text.match(TWO_LABELS);
  if (two) return `${two[1]}.${two[2] ?? two[3]}.${two[4] ?? two[5]}`;
  const one = text.match(ONE_LABEL);
  if (one) return `${one[1]}.${one[2] ?? one[3]}`;
  return null;
}

/**
 * Finds the 1-based line of the key at `keys` in a `.tf.json` document, e.g.
 * `["resource", "aws_s3_bucket", "logs"]` gives the line of `"logs": {`. Terraform's JSON
 * syntax allows arrays at any block level, so arrays are searched transparently.
 */
export function locateJsonKey(source: string, keys: string[]): number | null {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const offset = findKey(doc.contents as Node | null, keys);
  return offset === null ? null : counter.linePos(offset).line;
}

function findKey(node: Node | null, keys: string[]): number | null {
  if (!node || keys.length === 0) return null;
  if (isSeq(node)) {
    for (const item of node.items) {
      const hit = findKey(item as Node, keys);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (!isMap(node)) return null;
  const [first, ...rest] = keys;
  for (const pair of node.items) {
    if (!isScalar(pair.key) || String(pair.key.value) !== first) continue;
    if (rest.length === 0) return pair.key.range?.[0] ?? null;
    const hit = findKey(pair.value as Node | null, rest);
    if (hit !== null) return hit;
  }
  return null;
}
