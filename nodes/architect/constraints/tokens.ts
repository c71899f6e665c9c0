/**
 * The tokeniser of the constraint reader: turns one constraint sentence into words and
 * punctuation marks, lower-cased for matching (`norm`) with the spelling kept (`raw`) so that
 * resource ids stay verbatim and case-sensitive words ("US" the region, not "us" the pronoun)
 * can be told apart. Contractions are expanded ("isn't" → "is not") so that negation is one
 * word whatever the writer typed.
 */
export interface Token {
  readonly raw: string;
  readonly norm: string;
}

// A word: letters and digits joined by - _ . (ids, regions, instance types), an optional
// apostrophe part (contractions) and an optional trailing "-*" (region prefixes); else one mark.
const TOKEN = /[A-Za-z0-9]+(?:'[A-Za-z]+)?(?:[-_.][A-Za-z0-9]+)*(?:-\*)?|\S/g;

const NOT_BASES: Readonly<Record<string, string>> = { ca: "can", wo: "will", sha: "shall" };
const CLITICS: Readonly<Record<string, string>> = { d: "would", re: "are", ve: "have", ll: "will", m: "am" };
/** "EU-only", "ARM-based": the suffix is a word of its own for the reader. */
const SPLIT_SUFFIX = /^(.+)-(only|based|compatible|powered)$/;

/** Rewrites spellings that would otherwise tokenise badly (abbreviations with dots, AZ compounds). */
function normaliseText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\bU\.S\.A\.?/g, "USA")
    .replace(/\bU\.S\.?/g, "US")
    .replace(/\bE\.U\.?/g, "EU")
    .replace(/\be\.g\./gi, "eg")
    .replace(/\bi\.e\./gi, "ie")
    .replace(/\bx86[- ]64\b/gi, "x86_64")
    .replace(/(?:>=|≥)/g, " at least ")
    .replace(/(?:<=|≤)/g, " at most ")
    .replace(/\b(multi|single|per|one|two|three|four|five|six|\d)-(azs?)\b/gi, "$1 $2");
}

function token(raw: string): Token {
  return { raw, norm: raw.toLowerCase() };
}

/**
 * Splits one matched word into the words the reader sees: contractions, "cannot", "-only"
 * suffixes, and "no-" / "non-" prefixes before a known term ("no-NAT" but not "no-downtime").
 */
function expand(raw: string, isTerm: (word: string) => boolean): Token[] {
  const lower = raw.toLowerCase();
  if (lower === "cannot") return [token("can"), token("not")];
  if (lower.endsWith("n't")) {
    const base = lower.slice(0, -3);
    return [token(NOT_BASES[base] ?? base), token("not")];
  }
  const clitic = /^([a-z0-9]+)'([a-z]+)$/.exec(lower);
  if (clitic?.[1] && clitic[2] !== undefined) {
    const expansion = CLITICS[clitic[2]];
    // "'s" stays part of its word: "it's" and "arm's length" are not worth a guess
    return expansion ? [token(clitic[1]), token(expansion)] : [token(raw)];
  }
  const suffix = SPLIT_SUFFIX.exec(raw);
  if (suffix?.[1] && suffix[2]) return [...expand(suffix[1], isTerm), token(suffix[2])];
  const prefix = /^(no|non)-(.+)$/i.exec(raw);
  if (prefix?.[2] && isTerm(prefix[2].toLowerCase())) return [token("no"), ...expand(prefix[2], isTerm)];
  return [token(raw)];
}

/**
 * The tokens of one constraint sentence. `isTerm` says which words the lexicon knows, so that
 * "no-NAT" splits into a negation and a term while "no-downtime" stays one word.
 */
export function tokenise(text: string, isTerm: (word: string) => boolean): Token[] {
  const words = normaliseText(text).match(TOKEN) ?? [];
  return words.flatMap((word) => expand(word, isTerm));
}
