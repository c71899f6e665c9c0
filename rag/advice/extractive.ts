import { analyze } from "../analyzer.js";
import type { SearchHit } from "../search.js";
import { type Advice, type Citation, citationFor } from "./types.js";

/** A sentence, list step or code block of a chunk, with its lines in the source file. */
interface Passage {
  hitIndex: number;
  order: number;
  text: string;
  lineStart: number;
  lineEnd: number;
  score: number;
}

const MAX_PASSAGES = 6;
const MAX_PER_HIT = 3;
const MIN_RELATIVE_RELEVANCE = 0.6;
/** A list item that is only a link or a file path (a "Related" entry) says nothing by itself. */
const LINK_ONLY = /^\s*([-*+]|\d+[.)])?\s*(`[^`]+`|\[[^\]]+\]\([^)]+\)|\S+\.md)\s*$/;

/** Splits a chunk into passages: list items, code blocks (kept with the step before) and sentences. */
function passages(hit: SearchHit, hitIndex: number): Omit<Passage, "score">[] {
  const out: Omit<Passage, "score">[] = [];
  const lines = hit.content.split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const lineNo = hit.line_start + i;
    if (/^\s*(```|~~~)/.test(line)) {
      let end = i + 1;
      while (end < lines.length && !/^\s*(```|~~~)/.test(lines[end] as string)) end++;
      const block = lines.slice(i, end + 1).join("\n");
      const previous = out[out.length - 1];
      if (previous && previous.lineEnd >= lineNo - 2) {
        previous.text += `\n${block}`;
        previous.lineEnd = hit.line_start + Math.min(end, lines.length - 1);
      }
      i = end + 1;
      continue;
    }
    if (/^\s*(#|\||$)/.test(line)) {
      i++;
      continue;
    }
    // A list item or paragraph runs until a blank line, a heading, a fence or the next item.
    let end = i + 1;
    while (end < lines.length && /^\s{2,}\S/.test(lines[end] as string) && !/^\s*([-*+]|\d+[.)])\s/.test(lines[end] as string)) end++;
    if (!/^\s*([-*+]|\d+[.)])\s/.test(line)) {
      while (end < lines.length && /\S/.test(lines[end] as string) && !/^\s*(#|```|~~~|[-*+]\s|\d+[.)]\s)/.test(lines[end] as string)) end++;
    }
    const text = lines
      .slice(i, end)
      .map((l) => l.trim())
      .join(" ");
    const sentences = /^\s*([-*+]|\d+[.)])\s/.test(line) ? [text] : text.split(/(?<=[.!?])\s+(?=[A-Z`])/);
    for (const sentence of sentences) {
      out.push({ hitIndex, order: out.length, text: sentence, lineStart: lineNo, lineEnd: hit.line_start + end - 1 });
    }
    i = end;
  }
  return out;
}

function scorePassage(text: string, queryTerms: Set<string>, hitIndex: number): number {
  const terms = new Set(analyze(text));
  let matched = 0;
  for (const term of queryTerms) if (terms.has(term)) matched++;
  // Coverage of the question's terms first, then the hit's rank breaks ties.
  return matched / Math.max(1, queryTerms.size) + 0.25 / (hitIndex + 1);
}

/**
 * Answers from the runbooks themselves: the passages that best match the question, in
 * runbook order, each cited. Nothing is written that a runbook does not say.
 */
export function extractiveAdvice(question: string, allHits: SearchHit[]): Omit<Advice, "mode" | "grounded"> {
  const queryTerms = new Set(analyze(question));
  // Only chunks nearly as relevant as the best one: weak matches make noisy answers.
  const best = allHits[0]?.relevance ?? 0;
  const hits = allHits.filter((hit) => hit.relevance >= best * MIN_RELATIVE_RELEVANCE).slice(0, 5);
  const scored: Passage[] = hits.flatMap((hit, hitIndex) =>
    passages(hit, hitIndex)
      .filter((p) => !LINK_ONLY.test(p.text))
      .map((p) => ({ ...p, score: scorePassage(p.text, queryTerms, hitIndex) })),
  );
  const perHit = new Map<number, number>();
  const chosen = scored
    .filter((p) => p.score > 0.25 / (p.hitIndex + 1) || (p.hitIndex === 0 && p.order === 0))
    .sort((a, b) => b.score - a.score || a.hitIndex - b.hitIndex || a.order - b.order)
    .filter((p) => {
      const count = perHit.get(p.hitIndex) ?? 0;
      if (count >= MAX_PER_HIT) return false;
      perHit.set(p.hitIndex, count + 1);
      return true;
    })
    .slice(0, MAX_PASSAGES)
    .sort((a, b) => a.hitIndex - b.hitIndex || a.order - b.order);

  const citations: Citation[] = [];
  const citationOf = new Map<number, Citation>();
  const sections: string[] = [];
  for (const passage of chosen) {
    const hit = hits[passage.hitIndex] as SearchHit;
    let citation = citationOf.get(passage.hitIndex);
    if (!citation) {
      citation = citationFor(hit, citations.length + 1, { start: passage.lineStart, end: passage.lineEnd });
      citations.push(citation);
      citationOf.set(passage.hitIndex, citation);
      sections.push(`From ${hit.heading_path.join(" › ") || hit.source} [${citation.id}]:`);
    }
    citation.line_start = Math.min(citation.line_start, passage.lineStart);
    citation.line_end = Math.max(citation.line_end, passage.lineEnd);
    const text = passage.text.replace(/^\s*([-*+]|\d+[.)])\s+/, "");
    sections.push(`- ${text} [${citation.id}]`);
  }
  return { answer: sections.join("\n"), citations };
}
