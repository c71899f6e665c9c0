import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { SearchHit } from "../search.js";
import { type Advice, type Citation, citationFor } from "./types.js";

const SYSTEM_PROMPT = `You are Atlas, an infrastructure architect answering an engineer's question from the team's runbooks.
Rules:
- Use only the numbered runbook excerpts provided. Do not add facts they do not contain.
- End every sentence or step that states a fact with the citation of the excerpt(s) it comes from, like [2] or [1][3].
- If the excerpts do not answer the question, say exactly: "The runbooks do not cover this." and nothing else.
- Be concise and practical: steps and commands where the excerpts give them.`;

function excerpt(hit: SearchHit, n: number): string {
  return `[${n}] ${hit.source} — ${hit.heading_path.join(" › ")} (lines ${hit.line_start}-${hit.line_end})\n${hit.content}`;
}

/** Citation ids used in a text, e.g. "[1][3]" → {1, 3}. */
export function citedIds(text: string): Set<number> {
  return new Set([...text.matchAll(/\[(\d{1,3})\]/g)].map((match) => Number(match[1])));
}

/**
 * Asks the model for an answer grounded in the hits. `answer` is null when the model's text
 * cites nothing it was given (the caller then answers extractively): an uncited answer is not
 * grounded. `tokens`: what the call used, spent either way.
 */
export async function modelAdvice(
  llm: BaseChatModel,
  question: string,
  hits: SearchHit[],
): Promise<{ answer: Pick<Advice, "answer" | "citations"> | null; tokens: number }> {
  const context = hits.map((hit, i) => excerpt(hit, i + 1)).join("\n\n");
  const response = await llm.invoke([
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: `Runbook excerpts:\n\n${context}\n\nQuestion: ${question}` },
  ]);
  const tokens = response.usage_metadata?.total_tokens ?? 0;
  const answer = typeof response.content === "string" ? response.content.trim() : JSON.stringify(response.content);
  const valid = [...citedIds(answer)].filter((id) => id >= 1 && id <= hits.length).sort((a, b) => a - b);
  if (valid.length === 0) return { answer: null, tokens };
  const citations: Citation[] = valid.map((id) => citationFor(hits[id - 1] as SearchHit, id));
  // Strip citations to excerpts that do not exist rather than pass them on.
  const cleaned = answer.replace(/\[(\d{1,3})\]/g, (whole, id) => (valid.includes(Number(id)) ? whole : ""));
  return { answer: { answer: cleaned, citations }, tokens };
}
