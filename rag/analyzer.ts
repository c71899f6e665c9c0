import { stemmer } from "stemmer";

/** Common English words that carry no retrieval signal. */
const STOPWORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both " +
    "but by can could did do does doing down during each few for from further had has have having he her here hers " +
    "herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on " +
    "once only or other our ours ourselves out over own same she should so some such than that the their theirs them " +
    "themselves then there these they this those through to too under until up very was we were what when where " +
    "which while who whom why will with would you your yours yourself yourselves get got use using used also may " +
    "might must shall let lets one two via per e.g i.e etc"
  ).split(" "),
);

const MAX_TERM_LENGTH = 40;

/**
 * Splits text into raw words: runs of letters and digits, with camelCase and PascalCase
 * words (alert names such as `KubePodCrashLooping`) also split into their parts.
 */
function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    out.push(word.toLowerCase());
    // Only a word with a capital after its first letter can split (most words have none).
    if (!/.[A-Z]/.test(word)) continue;
    const parts = word.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
    if (parts.length > 1) for (const part of parts) out.push(part.toLowerCase());
  }
  return out;
}

/** Text → the words that get indexed, before stemming: lower-cased, stop words and lone letters dropped. */
export function tokens(text: string): string[] {
  const kept: string[] = [];
  for (const word of words(text)) {
    if (word.length > MAX_TERM_LENGTH || STOPWORDS.has(word)) continue;
    if (word.length === 1 && !/\d/.test(word)) continue;
    kept.push(word);
  }
  return kept;
}

/**
 * One lower-case word → its index term: Porter's (1980) stemmer, so "restarting", "restarts"
 * and "restarted" index as one term. Words with a digit (`k8s`, `http2s`, `502s`) are names
 * and sizes rather than English, so they stay whole; so do words under three letters.
 */
export function stem(word: string): string {
  if (/\d/.test(word)) return word;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    // Text repeats its words (Zipf): remembering stems saves most of the stemmer's work at ingest.
    if (stems.size >= STEM_CACHE) stems.clear();
    stemmed = stemmer(word);
    stems.set(word, stemmed);
  }
  return stemmed;
}

/** Word → stem, bounded: cleared when full, which costs only recomputation. */
const stems = new Map<string, string>();
const STEM_CACHE = 100_000;

/** Text → index terms: lower-cased, stop words dropped, Porter-stemmed. */
export function analyze(text: string): string[] {
  return tokens(text).map(stem);
}

/**
 * Maps a term to a sparse-vector dimension with 32-bit FNV-1a, folded into
 * [0, TERM_SPACE). Collisions at this size are rare enough not to matter for ranking,
 * and hashing needs no shared vocabulary table at ingest or query time.
 */
export const TERM_SPACE = 1_000_000_000;

export function termId(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % TERM_SPACE;
}

/** Term id → frequency in one text. */
export function termFrequencies(terms: string[]): Map<number, number> {
  const tf = new Map<number, number>();
  for (const term of terms) {
    const id = termId(term);
    tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  return tf;
}
