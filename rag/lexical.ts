import { analyze, termFrequencies } from "./analyzer.js";

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
