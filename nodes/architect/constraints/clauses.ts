import type { Mention } from "./lexicon.js";
import type { Token } from "./tokens.js";
import { BUT_KEEPERS, CLAUSE_MARKS, CLAUSE_WORDS, CONNECTORS } from "./words.js";

/** A run of tokens [start, end) that states one thing; negation never reaches across clauses. */
export interface Clause {
  start: number;
  end: number;
}

/** One sentence as the kind readers see it: tokens, mentions and clauses, with a lookup by position. */
export interface Sentence {
  text: string;
  tokens: readonly Token[];
  mentions: readonly Mention[];
  clauses: readonly Clause[];
}

/** The mention covering token `at`, if any. */
export function mentionAt(sentence: Sentence, at: number): Mention | undefined {
  return sentence.mentions.find((m) => m.start <= at && at < m.end);
}

/** The clause holding token `at` (every token is in one). */
export function clauseOf(sentence: Sentence, at: number): Clause {
  return sentence.clauses.find((c) => c.start <= at && at < c.end) ?? { start: at, end: at + 1 };
}

interface Segment extends Clause {
  /** the mark that ended the previous segment */
  after: "start" | "comma" | "colon" | "other";
}

/** True when a segment is only a continuation of a list: terms and connectors ("…, subnet-0cc33dd4", "…, or eu-central-1"). */
function isListTail(tokens: readonly Token[], mentions: readonly Mention[], seg: Segment): boolean {
  let terms = 0;
  for (let at = seg.start; at < seg.end; ) {
    const m = mentions.find((x) => x.start === at && x.topic !== "ignore");
    if (m) {
      terms += 1;
      at = m.end;
    } else if (CONNECTORS.has(tokens[at]?.norm ?? "") || tokens[at]?.norm === "the") at += 1;
    else return false;
  }
  return terms > 0;
}

/**
 * Splits a sentence into clauses at ; . ! ? and at contrast words ("but", "however", "so"),
 * and at commas — except where the text after a comma only continues a list of terms, so
 * "deploy into subnets subnet-0aa11bb2, subnet-0cc33dd4" stays one clause while "use MySQL,
 * not Postgres" becomes two — and at colons, unless what follows names no term ("Kubernetes:
 * forbidden" is one statement, "no x86 anywhere: arm64 only" two).
 */
export function splitClauses(tokens: readonly Token[], mentions: readonly Mention[]): Clause[] {
  const segments: Segment[] = [];
  let start = 0;
  let after: Segment["after"] = "start";
  const close = (end: number, next: number, mark: Segment["after"]) => {
    if (end > start) segments.push({ start, end, after });
    start = next;
    after = mark;
  };
  tokens.forEach((tok, at) => {
    if (mentions.some((m) => m.start < at && at < m.end)) return;
    if (tok.norm === ",") close(at, at + 1, "comma");
    else if (tok.norm === ":") close(at, at + 1, "colon");
    else if (CLAUSE_MARKS.has(tok.norm)) close(at, at + 1, "other");
    else if (CLAUSE_WORDS.has(tok.norm) && !(tok.norm === "but" && BUT_KEEPERS.has(tokens[at - 1]?.norm ?? ""))) close(at, at + 1, "other");
  });
  close(tokens.length, tokens.length, "other");

  const clauses: Clause[] = [];
  for (const seg of segments) {
    const previous = clauses.at(-1);
    const label = seg.after === "colon" && !mentions.some((m) => m.topic !== "ignore" && seg.start <= m.start && m.start < seg.end);
    if (previous && ((seg.after === "comma" && isListTail(tokens, mentions, seg)) || label)) previous.end = seg.end;
    else clauses.push({ start: seg.start, end: seg.end });
  }
  return clauses;
}
