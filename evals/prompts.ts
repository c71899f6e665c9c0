import { readFileSync } from "node:fs";
import { type ExtractedField, type Interpretation, interpretPrompt } from "../nodes/intake/prompt/extract.js";

/**
 * The plain-language goal eval: the deterministic extractor on evals/questions/prompts.jsonl.
 * Each case lists every field its sentence states (`expected`, by path) and the deciding facts
 * it leaves out (`missing`). Scored per field: accuracy over the cases that state the field, and
 * false extractions (a field read from a prompt that does not state it); and the `missing`
 * list's precision and recall.
 */
export interface PromptCase {
  /** "held-out": written after the extractor was tuned on the rest, scored as it came */
  set?: string;
  prompt: string;
  expected: Record<string, unknown>;
  missing: string[];
}

export interface FieldScore {
  path: string;
  /** cases whose prompt states the field */
  expected: number;
  correct: number;
  accuracy: number;
  /** cases where the field was read but the prompt does not state it */
  false_extractions: number;
}

export interface PromptEvalResult {
  cases: number;
  fields: FieldScore[];
  /** correct / expected over all fields */
  field_accuracy: number;
  false_extractions: number;
  /** cases read exactly: every stated field right, nothing extra, `missing` exact */
  exact_rate: number;
  missing_precision: number;
  missing_recall: number;
  /** fields whose `from` is not a span of the prompt (must be 0: the extractor never invents) */
  unfounded_fields: number;
  failures: { prompt: string; problems: string[] }[];
}

export function readPromptCases(path: string): PromptCase[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as PromptCase);
}

/** The interpretation's fields by path; the list fields (one field per item) gathered into arrays. */
export function readValues(fields: readonly ExtractedField[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const field of fields) {
    if (field.path === "constraints" || field.path === "compliance") values.set(field.path, [...((values.get(field.path) as unknown[]) ?? []), field.value]);
    else values.set(field.path, field.value);
  }
  return values;
}

/**
 * Whether a read value is the expected one. Numbers within 1 % (per-second rates from per-minute
 * figures are rounded); compliance as a set; constraints as many as expected, each expected
 * phrase inside one read (the reading keeps the user's words, trimmed at clause ends).
 */
export function sameValue(path: string, got: unknown, want: unknown): boolean {
  if (typeof want === "number") return typeof got === "number" && Math.abs(got - want) <= Math.max(0.01, Math.abs(want) * 0.01);
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return false;
    if (path === "constraints") return want.every((w) => got.some((g) => String(g).toLowerCase().includes(String(w).toLowerCase())));
    return want.every((w) => got.includes(w));
  }
  return got === want;
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

/** Scores one interpretation against its case; the problems name each wrong, extra or missed field. */
function scoreCase(c: PromptCase, interpretation: Interpretation, tally: Map<string, FieldScore>): { problems: string[]; tp: number; fp: number; fn: number } {
  const got = readValues(interpretation.fields);
  const problems: string[] = [];
  const row = (path: string) =>
    tally.get(path) ?? (tally.set(path, { path, expected: 0, correct: 0, accuracy: 0, false_extractions: 0 }).get(path) as FieldScore);
  for (const [path, want] of Object.entries(c.expected)) {
    const score = row(path);
    score.expected++;
    if (sameValue(path, got.get(path), want)) score.correct++;
    else problems.push(`${path}: expected ${JSON.stringify(want)}, read ${JSON.stringify(got.get(path) ?? null)}`);
  }
  for (const [path, value] of got) {
    if (path in c.expected) continue;
    row(path).false_extractions++;
    problems.push(`${path}: read ${JSON.stringify(value)}, not stated`);
  }
  const predicted = new Set(interpretation.missing.map((m) => m.path as string));
  const wanted = new Set(c.missing);
  const tp = [...predicted].filter((p) => wanted.has(p)).length;
  const fp = predicted.size - tp;
  const fn = [...wanted].filter((p) => !predicted.has(p)).length;
  if (fp || fn) problems.push(`missing: expected ${JSON.stringify([...wanted])}, listed ${JSON.stringify([...predicted])}`);
  return { problems, tp, fp, fn };
}

/** Runs the extractor on every case and scores it. */
export function evalPrompts(cases: readonly PromptCase[], interpret: (prompt: string) => Interpretation = interpretPrompt): PromptEvalResult {
  const tally = new Map<string, FieldScore>();
  const failures: PromptEvalResult["failures"] = [];
  let exact = 0;
  let unfounded = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const c of cases) {
    const interpretation = interpret(c.prompt);
    unfounded += interpretation.fields.filter((f) => !f.from || !c.prompt.includes(f.from)).length;
    const scored = scoreCase(c, interpretation, tally);
    tp += scored.tp;
    fp += scored.fp;
    fn += scored.fn;
    if (scored.problems.length) failures.push({ prompt: c.prompt, problems: scored.problems });
    else exact++;
  }
  const fields = [...tally.values()].map((f) => ({ ...f, accuracy: ratio(f.correct, f.expected) })).sort((a, b) => a.path.localeCompare(b.path));
  const expected = fields.reduce((sum, f) => sum + f.expected, 0);
  return {
    cases: cases.length,
    fields,
    field_accuracy: ratio(
      fields.reduce((sum, f) => sum + f.correct, 0),
      expected,
    ),
    false_extractions: fields.reduce((sum, f) => sum + f.false_extractions, 0),
    exact_rate: ratio(exact, cases.length),
    missing_precision: ratio(tp, tp + fp),
    missing_recall: ratio(tp, tp + fn),
    unfounded_fields: unfounded,
    failures,
  };
}

/** The per-field table and the headline rates, as printed by `pnpm eval prompts`. */
export function promptEvalLines(result: PromptEvalResult): string[] {
  const header = ["field", "stated", "correct", "accuracy", "false extractions"];
  const rows = result.fields.map((f) => [f.path, String(f.expected), String(f.correct), f.expected ? f.accuracy.toFixed(3) : "-", String(f.false_extractions)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  return [
    `prompts: ${result.cases} cases, field accuracy ${result.field_accuracy.toFixed(3)}, false extractions ${result.false_extractions}, read exactly ${result.exact_rate.toFixed(3)}`,
    `missing (deciding facts not stated): precision ${result.missing_precision.toFixed(3)}, recall ${result.missing_recall.toFixed(3)}; fields without their span in the prompt: ${result.unfounded_fields}`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
    ...result.failures.flatMap((f) => [`  ! ${f.prompt}`, ...f.problems.map((p) => `      ${p}`)]),
  ];
}
