import { type Clause, mentionAt, type Sentence } from "./clauses.js";
import type { Mention } from "./lexicon.js";
import * as W from "./words.js";

/**
 * Negation before a mention, within its clause: `neg` (ruled out), `weak` (not needed: "we
 * don't need a NAT"), `pos` (a negation that cancels: "must not leave the EU", "don't expose the
 * API without a WAF"), `ambiguous` ("not only Kubernetes", "don't avoid EKS") or `none`.
 */
export type Pre = "none" | "neg" | "pos" | "weak" | "ambiguous";

const MAX_NEGATION_REACH = 6;
const PLAIN_NEGATIONS = new Set(["not", "never", "no"]);

export function word(s: Sentence, at: number): string {
  return s.tokens[at]?.norm ?? "";
}

/** Judges a negation found at [negStart, negEnd) that reaches the mention `m`. */
function judgeNegation(s: Sentence, clause: Clause, negStart: number, negEnd: number, m: Mention): Pre {
  const negator = word(s, negStart);
  // a second negation just before this one ("not without NAT", "don't avoid EKS"): unclear
  for (let i = negStart - 1; i >= clause.start && i >= negStart - 3; i -= 1) {
    if (W.NEGATORS.has(word(s, i))) return "ambiguous";
    if (!W.GLUE.has(word(s, i))) break;
  }
  // "don't expose the API without a WAF": the two negations cancel, the WAF is asked for
  if (negator === "without") {
    for (let i = clause.start; i < negStart; i += 1) if (PLAIN_NEGATIONS.has(word(s, i))) return "pos";
  }
  // "we don't want EKS without Graviton": a condition, not a prohibition of EKS
  if (PLAIN_NEGATIONS.has(negator)) {
    for (let i = m.end; i < clause.end; i += 1) if (word(s, i) === "without") return "ambiguous";
  }
  if (W.INVERTERS.has(word(s, negEnd))) return "pos";
  for (let i = negEnd; i < m.start; i += 1) {
    const w = word(s, i);
    if (negator === "not" && W.AMBIGUOUS_AFTER_NOT.has(w)) return "ambiguous";
    if (W.WEAKENERS.has(w) || ((w === "have" || w === "has") && word(s, i + 1) === "to")) return "weak";
  }
  return "neg";
}

/**
 * A negation before the mention, in its clause. It reaches across other terms ("avoid Aurora
 * and Postgres") and across its own verb ("we do not use Kubernetes"), but a verb after another
 * term starts a new statement ("no NAT gateway use VPC endpoints" does not negate the endpoints).
 */
export function preNegation(s: Sentence, clause: Clause, m: Mention): Pre {
  const prefers = s.tokens.slice(clause.start, clause.end).some((t) => t.norm.startsWith("prefer"));
  let afterReset = false;
  let reach = 0;
  for (let i = m.start - 1; i >= clause.start; ) {
    const other = mentionAt(s, i);
    if (other) {
      if (other.topic === "ignore" || afterReset) return "none";
      i = other.start - 1;
      continue;
    }
    const w = word(s, i);
    if (W.NEGATOR_PAIRS.some(([a, b]) => b === w && word(s, i - 1) === a)) return judgeNegation(s, clause, i - 1, i + 1, m);
    if (W.NEGATORS.has(w) && !W.COMPARATIVES.has(word(s, i + 1)) && !(w === "nothing" && word(s, i + 1) === "but"))
      return judgeNegation(s, clause, i, i + 1, m);
    // "prefer Lambda over EKS"
    if (w === "over" && prefers) return "neg";
    if (W.RESETS.has(w)) afterReset = true;
    // hedges stay in the walk so that the negation can see them ("do not necessarily need EKS")
    else if (afterReset && !W.GLUE.has(w) && !W.CONNECTORS.has(w) && !W.AMBIGUOUS_AFTER_NOT.has(w) && !W.WEAKENERS.has(w)) return "none";
    reach += 1;
    if (reach > MAX_NEGATION_REACH) return "none";
    i -= 1;
  }
  return "none";
}
