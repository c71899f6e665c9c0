/**
 * A small parser for the HCL expressions hcl2json leaves as `${...}` strings. It covers what
 * real module code writes in attribute values: literals, references with `.attr` and `[index]`,
 * function calls (with a final `...` expansion), tuples, objects, unary and binary operators,
 * `c ? a : b`, `for` expressions (list and map forms, `if`, grouping `...`) and splats (`[*]`,
 * `.*`). Anything else (template directives, nested splats) throws {@link ExprSyntaxError}: the
 * caller treats the value as unknown rather than guessing.
 */
export type Expr =
  | { k: "lit"; v: unknown }
  | { k: "tpl"; parts: (string | Expr)[] }
  | { k: "ref"; name: string }
  | { k: "get"; obj: Expr; key: Expr }
  /** `expand`: the last argument is a list spread into arguments (`f(list...)`) */
  | { k: "call"; fn: string; args: Expr[]; expand?: boolean }
  | { k: "cond"; c: Expr; a: Expr; b: Expr }
  | { k: "bin"; op: string; l: Expr; r: Expr }
  | { k: "un"; op: string; e: Expr }
  | { k: "tuple"; items: Expr[] }
  | { k: "object"; entries: [Expr, Expr][] }
  /** `obj[*].a.b`: `each` is evaluated once per element, the element bound to {@link SPLAT_ITEM} */
  | { k: "splat"; obj: Expr; each: Expr }
  /** `[for k, v in coll : value if cond]`, or `{for ... : key => value...}` when `key` is set */
  | { k: "for"; keyVar?: string; valVar: string; coll: Expr; key?: Expr; value: Expr; cond?: Expr; group: boolean };

/** The name a splat's element is bound to while `each` is evaluated (no identifier can clash). */
export const SPLAT_ITEM = "<splat item>";

/** An expression outside the supported subset (or not an expression at all). */
export class ExprSyntaxError extends Error {}

/** Parses a template string as hcl2json gives it: literal text with `${...}` parts. */
export function parseTemplate(text: string): Expr {
  const parts: (string | Expr)[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      literal += `${text[i + 1]}{`;
      i += 3;
    } else if (text.startsWith("%{", i)) {
      throw new ExprSyntaxError("template directives are not evaluated");
    } else if (text.startsWith("${", i)) {
      const end = matchingBrace(text, i + 2);
      if (literal) parts.push(literal);
      literal = "";
      parts.push(parseExpression(text.slice(i + 2, end)));
      i = end + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal || parts.length === 0) parts.push(literal);
  return { k: "tpl", parts };
}

/** Index of the `}` closing an interpolation that starts at `from`, skipping quoted strings. */
function matchingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = endOfQuoted(text, i);
    else if (ch === "{") depth++;
    else if (ch === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new ExprSyntaxError("unterminated interpolation");
}

/** Index of the closing quote of the string opening at `start` (interpolations inside skipped). */
function endOfQuoted(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text.startsWith("${", i)) i = matchingBrace(text, i + 2);
    else if (text[i] === '"') return i;
  }
  throw new ExprSyntaxError("unterminated string");
}

type Token = { t: "num"; v: number } | { t: "str"; v: string } | { t: "id"; v: string } | { t: "op"; v: string };

const OPERATORS = [
  "...",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "=>",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  "?",
  ":",
  "=",
  "<",
  ">",
  "!",
  "+",
  "-",
  "*",
  "/",
  "%",
];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) i++;
    else if (ch === "#" || src.startsWith("//", i)) throw new ExprSyntaxError("comments inside expressions");
    else if (ch === '"') {
      const end = endOfQuoted(src, i);
      out.push({ t: "str", v: unescapeQuoted(src.slice(i + 1, end)) });
      i = end + 1;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][\w-]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw new ExprSyntaxError(`unexpected ${ch}`);
      out.push({ t: "op", v: op });
      i += op.length;
    }
  }
  return out;
}

/** Escapes of a quoted HCL string; the `${...}` parts stay for {@link parseTemplate}. */
function unescapeQuoted(raw: string): string {
  const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
  return raw.replace(/\\(.)/g, (whole, ch: string) => {
    const out = map[ch];
    if (out === undefined) throw new ExprSyntaxError(`escape ${whole}`);
    return out;
  });
}

const BINARY: string[][] = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];

/** Parses the text inside one `${...}`. */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (v?: string): Token | undefined => {
    const tok = tokens[pos];
    return v === undefined || (tok?.t === "op" && tok.v === v) ? tok : undefined;
  };
  const expect = (v: string) => {
    if (!peek(v)) throw new ExprSyntaxError(`expected ${v}`);
    pos++;
  };
  const conditional = (): Expr => {
    const c = binary(0);
    if (!peek("?")) return c;
    pos++;
    const a = conditional();
    expect(":");
    return { k: "cond", c, a, b: conditional() };
  };
  const binary = (level: number): Expr => {
    if (level === BINARY.length) return unary();
    let l = binary(level + 1);
    for (let tok = tokens[pos]; tok?.t === "op" && BINARY[level]?.includes(tok.v); tok = tokens[pos]) {
      pos++;
      l = { k: "bin", op: tok.v, l, r: binary(level + 1) };
    }
    return l;
  };
  const unary = (): Expr => {
    const tok = tokens[pos];
    if (tok?.t === "op" && (tok.v === "!" || tok.v === "-")) {
      pos++;
      return { k: "un", op: tok.v, e: unary() };
    }
    return postfix(primary());
  };
  const postfix = (base: Expr): Expr => {
    let e = base;
    for (;;) {
      if (peek(".")) {
        pos++;
        const tok = tokens[pos++];
        if (tok?.t === "id") e = { k: "get", obj: e, key: { k: "lit", v: tok.v } };
        else if (tok?.t === "num" && Number.isInteger(tok.v)) e = { k: "get", obj: e, key: { k: "lit", v: tok.v } };
        else if (tok?.t === "op" && tok.v === "*") e = splat(e, false);
        else throw new ExprSyntaxError("bad attribute access");
      } else if (peek("[")) {
        pos++;
        if (peek("*")) {
          pos++;
          expect("]");
          e = splat(e, true);
          continue;
        }
        const key = conditional();
        expect("]");
        e = { k: "get", obj: e, key };
      } else return e;
    }
  };
  /**
   * The traversal after `[*]` (attributes and indexes) or `.*` (attributes only), applied to
   * each element. A splat inside a splat is not evaluated.
   */
  const splat = (obj: Expr, full: boolean): Expr => {
    let each: Expr = { k: "ref", name: SPLAT_ITEM };
    for (;;) {
      if (peek(".") && tokens[pos + 1]?.t !== "op") {
        pos++;
        const tok = tokens[pos++] as Token;
        if (tok.t === "num" && !Number.isInteger(tok.v)) throw new ExprSyntaxError("bad attribute access");
        each = { k: "get", obj: each, key: { k: "lit", v: tok.v } };
      } else if (full && peek("[")) {
        pos++;
        if (peek("*")) throw new ExprSyntaxError("nested splat");
        each = { k: "get", obj: each, key: conditional() };
        expect("]");
      } else if (peek(".")) {
        throw new ExprSyntaxError("nested splat");
      } else return { k: "splat", obj, each };
    }
  };
  const identifier = (): string => {
    const tok = tokens[pos++];
    if (tok?.t !== "id") throw new ExprSyntaxError("expected a name");
    return tok.v;
  };
  const isWord = (word: string, at = pos): boolean => tokens[at]?.t === "id" && tokens[at]?.v === word;
  /** `for k, v in coll : ...` up to and including `close` (the `for` keyword is next). */
  const forExpression = (close: "]" | "}"): Expr => {
    pos++;
    const first = identifier();
    let keyVar: string | undefined;
    let valVar = first;
    if (peek(",")) {
      pos++;
      keyVar = first;
      valVar = identifier();
    }
    if (!isWord("in")) throw new ExprSyntaxError("expected in");
    pos++;
    const coll = conditional();
    expect(":");
    let key: Expr | undefined;
    if (close === "}") {
      key = conditional();
      expect("=>");
    }
    const value = conditional();
    let group = false;
    if (close === "}" && peek("...")) {
      pos++;
      group = true;
    }
    let cond: Expr | undefined;
    if (isWord("if")) {
      pos++;
      cond = conditional();
    }
    expect(close);
    return { k: "for", ...(keyVar ? { keyVar } : {}), valVar, coll, ...(key ? { key } : {}), value, ...(cond ? { cond } : {}), group };
  };
  const list = (close: string, item: () => void) => {
    while (!peek(close)) {
      item();
      if (peek(",")) pos++;
      else if (!peek(close)) throw new ExprSyntaxError(`expected , or ${close}`);
    }
    pos++;
  };
  const primary = (): Expr => {
    const tok = tokens[pos++];
    if (!tok) throw new ExprSyntaxError("unexpected end");
    if (tok.t === "num") return { k: "lit", v: tok.v };
    if (tok.t === "str") return parseTemplate(tok.v);
    if (tok.t === "id") {
      if (tok.v === "true" || tok.v === "false") return { k: "lit", v: tok.v === "true" };
      if (tok.v === "null") return { k: "lit", v: null };
      if (!peek("(")) return { k: "ref", name: tok.v };
      pos++;
      const args: Expr[] = [];
      let expand = false;
      list(")", () => {
        if (expand) throw new ExprSyntaxError("only the last argument may be expanded");
        args.push(conditional());
        if (peek("...")) {
          pos++;
          expand = true;
        }
      });
      return expand ? { k: "call", fn: tok.v, args, expand } : { k: "call", fn: tok.v, args };
    }
    if (tok.v === "(") {
      const e = conditional();
      expect(")");
      return e;
    }
    if (tok.v === "[") {
      if (isWord("for")) return forExpression("]");
      const items: Expr[] = [];
      list("]", () => items.push(conditional()));
      return { k: "tuple", items };
    }
    if (tok.v === "{") {
      if (isWord("for")) return forExpression("}");
      const entries: [Expr, Expr][] = [];
      list("}", () => {
        const keyTok = tokens[pos];
        const bare = keyTok?.t === "id" && (peekAt(tokens, pos + 1, "=") || peekAt(tokens, pos + 1, ":"));
        if (bare) pos++;
        const key: Expr = bare ? { k: "lit", v: keyTok.v } : conditional();
        if (peek("=") || peek(":")) pos++;
        else throw new ExprSyntaxError("expected = in object");
        entries.push([key, conditional()]);
      });
      return { k: "object", entries };
    }
    throw new ExprSyntaxError(`unexpected ${tok.v}`);
  };
  const result = conditional();
  if (pos !== tokens.length) throw new ExprSyntaxError("trailing tokens");
  return result;
}

function peekAt(tokens: Token[], index: number, v: string): boolean {
  const tok = tokens[index];
  return tok?.t === "op" && tok.v === v;
}
