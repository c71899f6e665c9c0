import { analyze } from "./analyzer.js";

const SNIPPET_CHARS = 280;

/**
 * The passage of a chunk that best matches the query: the line with most distinct query
 * terms, widened with its neighbours up to about 280 characters.
 */
export function makeSnippet(content: string, queryTerms: string[]): string {
  const wanted = new Set(queryTerms);
  const lines = content.split("\n").map((line) => line.trim());
  let best = 0;
  let bestScore = -1;
  lines.forEach((line, i) => {
    if (!line || line.startsWith("```")) return;
    const score = new Set(analyze(line).filter((term) => wanted.has(term))).size;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  let text = lines[best] ?? "";
  for (let after = best + 1; after < lines.length && text.length < SNIPPET_CHARS; after++) {
    const next = lines[after];
    if (next) text += ` ${next}`;
  }
  const clean = text
    .replace(/^#+\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > SNIPPET_CHARS ? `${clean.slice(0, SNIPPET_CHARS - 1).trimEnd()}…` : clean;
}
