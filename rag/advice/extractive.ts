import { analyze } from "../analyzer.js";
import type { SearchHit } from "../search.js";
import { asksForMeaning, sectionKind, weightFor } from "./sections.js";
import { type Advice, type Citation, citationFor } from "./types.js";

/** A sentence, list item or paragraph of a chunk (with any code block after it), and its lines in the source file. */
interface Passage {
  order: number;
  text: string;
  /** leading spaces of its first line: nesting under a list item */
  indent: number;
  /** the list marker it started with ("3.", "-"), or null for prose */
  marker: string | null;
  lineStart: number;
  lineEnd: number;
  /** index of the top-level numbered step it belongs to, or null outside a step list */
  step: number | null;
  coverage: number;
}

/** A chunk considered for the answer. */
interface Candidate {
  hit: SearchHit;
  hitIndex: number;
  passages: Passage[];
  priority: number;
  kind: ReturnType<typeof sectionKind>;
}

/** Chunks quoted in one answer: enough for symptoms, diagnosis and fix, few enough to read. */
const MAX_CHUNKS = 3;
/** Passages quoted from a chunk that is not a step list (and from a step list, besides its steps). */
const MAX_PER_HIT = 3;
/** Longest run of consecutive steps quoted from one list. */
const MAX_STEPS = 8;
/** Nested items quoted under one step: the step's point without its whole sub-list. */
const MAX_SUBITEMS = 3;
/** Upper bound on the answer's size in characters (code blocks included). */
const MAX_ANSWER_CHARS = 4000;
const MIN_RELATIVE_RELEVANCE = 0.6;
/**
 * How much a chunk's relevance (relative to the best hit's) adds to its claim: enough that a
 * diagnosis chunk admitted only for being in the right runbook does not outrank the chunk
 * that is about the question, too little to let the symptoms outrank the fix.
 */
const RELEVANCE_SHARE = 0.3;
/** A list item that is only a link or a file path (a "Related" entry) says nothing by itself. */
const LINK_ONLY = /^\s*([-*+]|\d+[.)])?\s*(`[^`]+`|\[[^\]]+\]\([^)]+\)|\S+\.md)\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s/;
const FENCE = /^\s*(```|~~~)/;

/** Splits a chunk into passages: list items, code blocks (kept verbatim with the item before) and sentences. */
function passages(hit: SearchHit): Omit<Passage, "step" | "coverage">[] {
  const out: Omit<Passage, "step" | "coverage">[] = [];
  const lines = hit.content.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const lineNo = hit.line_start + i;
    if (FENCE.test(line)) {
      let end = i + 1;
      while (end < lines.length && !FENCE.test(lines[end] as string)) end++;
      // Verbatim, fences and indentation kept: a command must be quoted exactly as written.
      const block = lines.slice(i, end + 1).join("\n");
      const previous = out[out.length - 1];
      const blockEnd = hit.line_start + Math.min(end, lines.length - 1);
      if (previous && previous.lineEnd >= lineNo - 2) {
        previous.text += `\n${block}`;
        previous.lineEnd = blockEnd;
      } else {
        // A block with no sentence before it (straight under a heading) is a passage of its own.
        const indent = (/^\s*/.exec(line) as RegExpExecArray)[0].length;
        out.push({ order: out.length, text: block, indent, marker: null, lineStart: lineNo, lineEnd: blockEnd });
      }
      i = end + 1;
      continue;
    }
    if (/^\s*(#|\||$)/.test(line)) {
      i++;
      continue;
    }
    // A list item or paragraph runs until a blank line, a heading, a fence or the next item.
    const item = LIST_ITEM.exec(line);
    let end = i + 1;
    while (end < lines.length && /^\s{2,}\S/.test(lines[end] as string) && !LIST_ITEM.test(lines[end] as string) && !FENCE.test(lines[end] as string)) end++;
    if (!item) {
      while (end < lines.length && /\S/.test(lines[end] as string) && !/^\s*(#|```|~~~|[-*+]\s|\d+[.)]\s)/.test(lines[end] as string)) end++;
    }
    const text = lines
      .slice(i, end)
      .map((l) => l.trim())
      .join(" ");
    const indent = (/^\s*/.exec(line) as RegExpExecArray)[0].length;
    const sentences = item ? [text] : text.split(/(?<=[.!?])\s+(?=[A-Z`])/);
    for (const sentence of sentences) {
      out.push({ order: out.length, text: sentence, indent, marker: item ? (item[2] as string) : null, lineStart: lineNo, lineEnd: hit.line_start + end - 1 });
    }
    i = end;
  }
  return out;
}

/**
 * Marks which top-level numbered step each passage belongs to: a numbered item at the list's
 * outermost indent opens a step; deeper items, paragraphs and code after it are part of it.
 */
function assignSteps(list: Omit<Passage, "step" | "coverage">[]): Omit<Passage, "coverage">[] {
  const numbered = list.filter((p) => p.marker && /\d/.test(p.marker));
  const stepIndent = Math.min(...numbered.map((p) => p.indent));
  let step: number | null = null;
  let count = 0;
  return list.map((p) => {
    if (p.marker && /\d/.test(p.marker) && p.indent === stepIndent) step = count++;
    else if (step !== null && p.indent <= stepIndent) step = null;
    return { ...p, step };
  });
}

/** The share of the question's terms a passage holds. */
function coverage(text: string, queryTerms: Set<string>): number {
  const terms = new Set(analyze(text));
  let matched = 0;
  for (const term of queryTerms) if (terms.has(term)) matched++;
  return matched / Math.max(1, queryTerms.size);
}

/**
 * Which chunks may be quoted: those nearly as relevant as the best one (weak matches make
 * noisy answers), plus the diagnosis and resolution chunks of the best hit's runbook. Those
 * rarely repeat the question's words (the error text is in the symptoms), so they rank low,
 * yet they are the part of that runbook the reader needs.
 */
function admitted(allHits: SearchHit[]): { hit: SearchHit; hitIndex: number }[] {
  const best = allHits[0]?.relevance ?? 0;
  const topSource = allHits[0]?.source;
  return allHits
    .map((hit, hitIndex) => ({ hit, hitIndex }))
    .filter(({ hit }) => {
      if (hit.relevance >= best * MIN_RELATIVE_RELEVANCE) return true;
      const kind = sectionKind(hit.heading_path, hit.content);
      return hit.source === topSource && (kind === "resolution" || kind === "diagnosis");
    });
}

/**
 * A chunk's claim on the answer: its section weight first (the fix before the symptoms), then
 * how much of the question its best passage covers, then its relevance.
 */
function candidate(question: string, hit: SearchHit, hitIndex: number, queryTerms: Set<string>, best: number): Candidate {
  const list = assignSteps(passages(hit)).map((p) => ({ ...p, coverage: coverage(p.text, queryTerms) }));
  const kept = list.filter((p) => !LINK_ONLY.test(p.text));
  const bestCoverage = Math.max(0, ...kept.map((p) => p.coverage));
  const priority = weightFor(question, hit.heading_path, hit.content) + 0.6 * bestCoverage + RELEVANCE_SHARE * (best > 0 ? hit.relevance / best : 0);
  return { hit, hitIndex, passages: kept, priority, kind: sectionKind(hit.heading_path, hit.content) };
}

/**
 * The chunks to quote, best claim first (but at least one from the best-ranked runbook): at
 * most one background or aside chunk while others are available, so a symptoms section that matches the question's words cannot crowd out
 * the diagnosis or the fix; runbooks with nothing else still answer from them.
 */
function chooseChunks(candidates: Candidate[], meaning: boolean): Candidate[] {
  const byPriority = candidates.filter((c) => c.passages.length > 0).sort((a, b) => b.priority - a.priority || a.hitIndex - b.hitIndex);
  // The best-ranked runbook always speaks first: its best chunk is taken before any other runbook's.
  const anchor = byPriority.find((c) => c.hit.source === candidates[0]?.hit.source);
  const ranked = anchor ? [anchor, ...byPriority.filter((c) => c !== anchor)] : byPriority;
  const chosen: Candidate[] = [];
  const deferred: Candidate[] = [];
  let minor = 0;
  for (const c of ranked) {
    const isMinor = c.kind === "aside" || (c.kind === "background" && !meaning);
    if (isMinor && minor >= 1) deferred.push(c);
    else if (chosen.length < MAX_CHUNKS) {
      chosen.push(c);
      if (isMinor) minor++;
    }
  }
  for (const c of deferred) if (chosen.length < MAX_CHUNKS) chosen.push(c);
  return chosen;
}

/**
 * The passages to quote from one chunk, in runbook order. From a numbered list, a run of
 * consecutive steps up to the last that matches the question (from step one when that is
 * within reach, else from the first match; the first steps when none matches), each with up
 * to a few of its nested items: steps are not skipped, because
 * a procedure with a missing middle step is wrong. Other passages: the best-matching few.
 */
function choosePassages(c: Candidate): Passage[] {
  const steps = [...new Set(c.passages.filter((p) => p.step !== null).map((p) => p.step as number))];
  const loose = c.passages.filter((p) => p.step === null);
  const looseQuota = steps.length > 0 ? 1 : c.kind === "background" ? 2 : MAX_PER_HIT;
  const chosenLoose = [...loose]
    .map((p) => ({ p, claim: looseClaim(p, c.kind) }))
    .sort((a, b) => b.claim - a.claim || a.p.order - b.p.order)
    .filter(({ claim }, i) => i === 0 || claim > 0)
    .slice(0, looseQuota)
    .map(({ p }) => p);
  let run: number[] = [];
  if (steps.length > 0) {
    const matching = steps.filter((s) => c.passages.some((p) => p.step === s && p.coverage > 0));
    // A procedure is read from its start: begin at step one when the matching steps are within reach of it.
    const lastMatching = matching.at(-1);
    const first = lastMatching === undefined || lastMatching - (steps[0] as number) < MAX_STEPS ? (steps[0] as number) : (matching[0] as number);
    const last = Math.max(matching.at(-1) ?? first, Math.min(first + 2, steps.at(-1) as number));
    run = steps.filter((s) => s >= first && s <= last).slice(0, MAX_STEPS);
  }
  const inRun = c.passages.filter((p) => p.step !== null && run.includes(p.step));
  const stepItems: Passage[] = [];
  for (const s of run) {
    const [head, ...nested] = inRun.filter((p) => p.step === s);
    if (head) stepItems.push(head, ...nested.slice(0, MAX_SUBITEMS));
  }
  // Without steps the loose passages are the answer; beside steps, only an intro that matches.
  const loosePart = steps.length > 0 ? chosenLoose.filter((p) => p.coverage > 0 && p.order < (stepItems[0]?.order ?? 0)) : chosenLoose;
  return [...loosePart, ...stepItems].sort((a, b) => a.order - b.order);
}

/**
 * How strongly a passage outside a step list asks to be quoted: its coverage of the question,
 * plus a lift for commands in a diagnosis or resolution chunk, which are what the reader runs
 * even when they share no word with the question.
 */
function looseClaim(p: Passage, kind: Candidate["kind"]): number {
  const hasCode = p.text.split("\n").some((line) => FENCE.test(line));
  return p.coverage + ((kind === "diagnosis" || kind === "resolution") && hasCode ? 0.5 : 0);
}

/** How a passage is written in the answer: prose on the first line with its citation, code verbatim below. */
function render(passage: Passage, citationId: number): string {
  // A code block on its own is quoted verbatim; the "From … [n]:" line above it cites it.
  if (FENCE.test(passage.text.split("\n")[0] as string)) return passage.text;
  const [first = "", ...code] = passage.text.split("\n");
  const prose = first.replace(/^\s*([-*+]|\d+[.)])\s+/, "");
  const isStep = passage.step !== null && passage.marker !== null && /\d/.test(passage.marker);
  const nested = passage.step !== null && !isStep;
  const bullet = isStep ? `${passage.marker} ` : nested ? "   - " : "- ";
  return [`${bullet}${prose} [${citationId}]`, ...code].join("\n");
}

/**
 * Answers from the runbooks themselves: the passages of the chunks that help most (the fix,
 * the diagnosis, then the symptoms), in runbook order, each cited with its lines. Nothing is
 * written that a runbook does not say.
 */
export function extractiveAdvice(question: string, allHits: SearchHit[]): Omit<Advice, "mode" | "grounded"> {
  const queryTerms = new Set(analyze(question));
  const best = allHits[0]?.relevance ?? 0;
  const candidates = admitted(allHits).map(({ hit, hitIndex }) => candidate(question, hit, hitIndex, queryTerms, best));
  // Quoted in the order the runbooks are read: by hit, then symptoms before diagnosis before fix.
  const chosen = chooseChunks(candidates, asksForMeaning(question)).sort(
    (a, b) => firstIndexOf(allHits, a.hit.source) - firstIndexOf(allHits, b.hit.source) || a.hit.line_start - b.hit.line_start,
  );

  const citations: Citation[] = [];
  const sections: string[] = [];
  let size = 0;
  for (const c of chosen) {
    const id = citations.length + 1;
    const header = `From ${c.hit.heading_path.join(" › ") || c.hit.source} [${id}]:`;
    const lines: string[] = [];
    let chunkSize = header.length + 1;
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    for (const passage of choosePassages(c)) {
      const text = render(passage, id);
      // Bounded: stop at the budget, dropping only the tail, so no step inside the run is lost.
      // The first passage of the answer is kept whatever its size: an answer must say something.
      if (size + chunkSize + text.length + 1 > MAX_ANSWER_CHARS && (lines.length > 0 || citations.length > 0)) break;
      lines.push(text);
      chunkSize += text.length + 1;
      start = Math.min(start, passage.lineStart);
      end = Math.max(end, passage.lineEnd);
    }
    if (lines.length === 0) continue;
    size += chunkSize;
    citations.push(citationFor(c.hit, id, { start, end }));
    sections.push(header, ...lines);
  }
  return { answer: sections.join("\n"), citations };
}

/** Where a source first appears in the ranking: its runbook's place in the answer. */
function firstIndexOf(hits: SearchHit[], source: string): number {
  return hits.findIndex((hit) => hit.source === source);
}
