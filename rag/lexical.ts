import { analyze, TERM_SPACE, termFrequencies } from "./analyzer.js";
import { documentWeight } from "./bm25.js";
import { sparsevecLiteral } from "./store/vectors.js";

/** What a chunk is indexed under: its document's title, file name and headings, then its text. */
export function indexedText(parts: { title: string | null; source: string; headingPath: string[]; content: string }): string {
  const fileStem =
    parts.source
      .split("/")
      .pop()
      ?.replace(/\.[^.]+$/, "") ?? "";
  return [parts.title ?? "", fileStem.replace(/[-_.]/g, " "), parts.headingPath.join(" "), parts.content].join("\n");
}

/** Term statistics of one chunk's indexed text. */
export interface LexicalTerms {
  tf: Map<number, number>;
  /** number of analysed terms (BM25 document length) */
  length: number;
}

export function lexicalTerms(text: string): LexicalTerms {
  const terms = analyze(text);
  return { tf: termFrequencies(terms), length: terms.length };
}

/** BM25 document weights of a chunk as a `sparsevec` literal. */
export function lexicalVector(terms: LexicalTerms, avgdl: number): string {
  const weights = new Map<number, number>();
  for (const [id, tf] of terms.tf) weights.set(id, documentWeight(tf, terms.length, avgdl));
  return sparsevecLiteral(weights, TERM_SPACE);
}
