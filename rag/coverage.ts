import { analyze, stem } from "./analyzer.js";

/**
 * Words that frame a question rather than say what it is about ("how do I fix …", "what is the
 * best …", "explain …", "tips for …"). They are kept for ranking, but a runbook sharing only
 * these with a question is not about it, so they do not count towards coverage.
 */
const GENERIC_WORDS = (
  "how best better good way fix explain tell know learn help need want make find look like give see right wrong " +
  "keep return cause improve time thing someone anyone something anything please thanks question problem issue " +
  "work tip tips recommend first new set apply add adding"
).split(" ");

const GENERIC_TERMS = new Set(GENERIC_WORDS.map((word) => stem(word)));

/** Whether an index term only frames a question (see `GENERIC_WORDS`). */
export function isGenericTerm(term: string): boolean {
  return GENERIC_TERMS.has(term);
}

/**
 * The index terms that carry a question: analysed (stop words dropped, stemmed), generic
 * question words dropped, each once, in order of first appearance.
 */
export function contentTerms(question: string): string[] {
  return [...new Set(analyze(question))].filter((term) => !isGenericTerm(term));
}
