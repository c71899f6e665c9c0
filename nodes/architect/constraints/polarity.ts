import { type Clause, clauseOf, mentionAt, type Sentence } from "./clauses.js";
import type { Mention } from "./lexicon.js";
import { preNegation, word } from "./negation.js";
import * as W from "./words.js";

/**
 * What a sentence says about one mention: asked for (`req`), permitted (`perm`), ruled out
 * (`neg`), not needed (`weak`: "we don't need a NAT", "Multi-AZ is not required"), `skip` when the reader cannot tell ("not only Kubernetes", a double
 * negation), or `none` when the sentence states no wish about it ("the team
 * knows Postgres"). `hard` follows the hedges and commands of the clause (see `hardness`).
 */
export interface Reading {
  polarity: "req" | "perm" | "neg" | "weak" | "skip" | "none";
  hard: boolean;
}

type Post = "none" | "prohibit" | "permit" | "require" | "weak" | "ambiguous";

/** The next word from `at` that is not glue, within the clause; its index, or -1. */
function nextContent(s: Sentence, at: number, clause: Clause): number {
  for (let i = at; i < clause.end; i += 1) if (!W.GLUE.has(word(s, i))) return i;
  return -1;
}

const EXCLUDERS = new Set(["leave", "drop", "remove", "skip", "omit", "cut", "ditch"]);
const PRONOUNS = new Set(["it", "them", "those", "that", "this"]);

/** "NAT gateways cost too much, leave them out": the next clause rules out the last term of this one. */
function excludedByNextClause(s: Sentence, clause: Clause, m: Mention): boolean {
  if (s.mentions.some((x) => x.topic !== "ignore" && x.start >= m.end && x.start < clause.end)) return false;
  const next = s.clauses[s.clauses.indexOf(clause) + 1];
  if (!next) return false;
  const at = nextContent(s, next.start, next);
  return at >= 0 && EXCLUDERS.has(word(s, at)) && PRONOUNS.has(word(s, at + 1));
}

/** What the words after the mention (and the terms listed with it) say about it. */
function postPredicate(s: Sentence, clause: Clause, m: Mention): Post {
  let i = m.end;
  while (i < clause.end) {
    const other = mentionAt(s, i);
    if (other && other.topic !== "ignore") i = other.end;
    else if (W.GLUE.has(word(s, i)) || W.CONNECTORS.has(word(s, i))) i += 1;
    else break;
  }
  if (i >= clause.end) return excludedByNextClause(s, clause, m) ? "prohibit" : "none";
  const w = word(s, i);
  if (w === "not" || w === "never") {
    const at = nextContent(s, i + 1, clause);
    if (at < 0) return "ambiguous";
    // "use MySQL not Postgres": the negation belongs to the next term
    if (mentionAt(s, at)) return "none";
    const next = word(s, at);
    if (W.PROHIBITED_AFTER_NOT.has(next)) return "prohibit";
    if (W.WEAKENERS.has(next)) return "weak";
    return "ambiguous";
  }
  if (W.PROHIBITED.has(w)) return "prohibit";
  if (W.PERMITTED.has(w)) return "permit";
  if (W.REQUIRED.has(w)) return "require";
  return excludedByNextClause(s, clause, m) ? "prohibit" : "none";
}

/**
 * True when the clause states a wish about the mention: a cue word before it (verbs come before
 * their objects: "use Graviton", "must run on EKS"), a hedge or command after it ("Graviton
 * preferably", "VPC endpoints instead"), or nothing in the clause but terms ("EKS").
 */
function hasCue(s: Sentence, clause: Clause, m: Mention): boolean {
  if (word(s, m.start - 1) === "on") return true;
  if (isFragment(s, clause, m)) return true;
  let content = 0;
  for (let i = clause.start; i < clause.end; i += 1) {
    if (mentionAt(s, i)) continue;
    const w = word(s, i);
    const cue = i < m.start ? W.POSITIVE_CUES.has(w) || W.PERMITTED.has(w) : W.AFTER_CUES.has(w) || (w === "for" && word(s, i + 1) === "all");
    if (cue || W.SOFT_WORDS.has(w) || W.HARD_WORDS.has(w) || W.REQUIRED.has(w)) return true;
    if (W.SOFT_PAIRS.some(([a, b]) => a === w && b === word(s, i + 1))) return true;
    if (!W.GLUE.has(w) && !W.CONNECTORS.has(w)) content += 1;
  }
  return content === 0;
}

/** "Aurora PostgreSQL for the primary store", "Spot for the workers": a term opening its clause, then "for". */
function isFragment(s: Sentence, clause: Clause, m: Mention): boolean {
  for (let i = clause.start; i < m.start; i += 1) if (!mentionAt(s, i) && !W.GLUE.has(word(s, i))) return false;
  let i = m.end;
  while (i < clause.end && (mentionAt(s, i) || W.CONNECTORS.has(word(s, i)))) i = mentionAt(s, i)?.end ?? i + 1;
  return word(s, i) === "for";
}

/** "workers can use Spot", "you may run on Graviton": a permission, unless negated. */
function grantsPermission(s: Sentence, clause: Clause, m: Mention): boolean {
  for (let i = clause.start; i < m.start; i += 1) {
    if (["can", "may", "could"].includes(word(s, i)) && word(s, i + 1) !== "not") return true;
  }
  return false;
}

const MODALS = new Set(["can", "could", "may", "might", "should"]);

/**
 * The hedge or command words of one clause: soft beats hard ("must … if possible" is soft). A
 * modal hedges the mention only before it or in its predicate: in "avoid k8s: nobody on the team
 * can operate it" the "can" says nothing about how firm the wish is; "may not" is a prohibition.
 */
function hedgeOf(s: Sentence, clause: Clause, m: Mention | null): "soft" | "hard" | null {
  let hard = false;
  for (let i = clause.start; i < clause.end; i += 1) {
    const w = word(s, i);
    const after = word(s, i + 1);
    if (MODALS.has(w)) {
      const governs = m !== null && i < m.end + 3;
      if (after === "not" && w !== "should") hard ||= governs;
      else if (governs) return "soft";
      continue;
    }
    if (W.SOFT_WORDS.has(w) && word(s, i - 1) !== "not") return "soft";
    if (W.SOFT_PAIRS.some(([a, b]) => a === w && b === after)) return "soft";
    if (W.HARD_WORDS.has(w) || W.HARD_PAIRS.some(([a, b]) => a === w && b === after)) hard = true;
  }
  return hard ? "hard" : null;
}

/**
 * Whether a wish is hard: a hedge ("prefer", "ideally", "is fine") makes it soft, a command
 * ("must", "only", "not allowed", "policy") hard; without either, prohibitions and requirements
 * are hard and permissions soft. Hedges in a clause without terms ("…, if possible") count too.
 */
function hardness(s: Sentence, clause: Clause, m: Mention, polarity: Reading["polarity"]): boolean {
  if (polarity === "weak") return false;
  let hedge = hedgeOf(s, clause, m);
  if (hedge === null) {
    const bare = s.clauses.filter((c) => c !== clause && !s.mentions.some((x) => x.topic !== "ignore" && c.start <= x.start && x.start < c.end));
    const hedges = bare.map((c) => hedgeOf(s, c, null));
    hedge = hedges.includes("soft") ? "soft" : hedges.includes("hard") ? "hard" : null;
  }
  if (hedge !== null) return hedge === "hard";
  return polarity !== "perm";
}

/**
 * Reads one mention: negation before it, a predicate after it, combined. A negation plus a
 * prohibition is a double negation and is not guessed at; a negation plus a permission is a
 * soft prohibition ("no NAT is fine"). `selfCued` mentions (a quantified AZ count) need no verb.
 */
export function readMention(s: Sentence, m: Mention, selfCued = false): Reading {
  const clause = clauseOf(s, m.start);
  const pre = preNegation(s, clause, m);
  const post = postPredicate(s, clause, m);
  let polarity: Reading["polarity"];
  if (pre === "ambiguous" || post === "ambiguous") polarity = "skip";
  else if (pre === "weak" || post === "weak") polarity = pre === "none" || post === "none" ? "weak" : "skip";
  else if (pre === "neg") polarity = post === "none" ? "neg" : post === "permit" ? "neg" : "skip";
  else if (post === "prohibit") polarity = pre === "pos" ? "skip" : "neg";
  else if (post === "permit") polarity = "perm";
  else if (post === "require" || pre === "pos") polarity = "req";
  else if (grantsPermission(s, clause, m)) polarity = "perm";
  else polarity = selfCued || hasCue(s, clause, m) ? "req" : "none";
  const hard = pre === "neg" && post === "permit" ? false : hardness(s, clause, m, polarity);
  return { polarity, hard };
}
