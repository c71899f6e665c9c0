import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import type { Advice, AdviceRequest } from "../rag/advice/index.js";
import type { RunbookSearch } from "../rag/search.js";
import { tsRankCdSources } from "../rag/store/baselines.js";

/** One (query, expected source) pair of a question set. */
export interface RetrievalCase {
  query: string;
  expected: string;
}

export interface RetrievalScore {
  set: string;
  ranker: string;
  queries: number;
  hit_at_1: number;
  hit_at_5: number;
  mrr: number;
}

/** Ranks sources for a query, best first, one entry per file. */
export type SourceRanker = (query: string, collection: string) => Promise<string[]>;

/** hit@1, hit@5 and MRR (over the top 10) of a ranker on a question set. */
export async function scoreRanker(set: string, ranker: string, cases: RetrievalCase[], collection: string, rank: SourceRanker): Promise<RetrievalScore> {
  let hit1 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  for (const item of cases) {
    const position = (await rank(item.query, collection)).slice(0, 10).indexOf(item.expected);
    if (position === 0) hit1++;
    if (position >= 0 && position < 5) hit5++;
    if (position >= 0) reciprocal += 1 / (position + 1);
  }
  const n = cases.length || 1;
  const round = (value: number) => Number(value.toFixed(3));
  return { set, ranker, queries: cases.length, hit_at_1: round(hit1 / n), hit_at_5: round(hit5 / n), mrr: round(reciprocal / n) };
}

/** Atlas's own retrieval (BM25, or hybrid with embeddings), collapsed by file, no threshold. */
export function atlasRanker(search: RunbookSearch): SourceRanker {
  return async (query, collection) =>
    (await search(query, { top_k: 10, threshold: 0, collapse_by_file: true, filters: { collection } })).map((hit) => hit.source);
}

/**
 * Baseline: Postgres full-text search ranked by plain `ts_rank_cd` over the same chunks
 * and the same indexed text, collapsed by file. Shows what BM25 adds.
 */
export function tsRankBaseline(pool: pg.Pool): SourceRanker {
  return (query, collection) => tsRankCdSources(pool, query, collection);
}

export function readDocsQuestions(path: string): RetrievalCase[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as RetrievalCase);
}

/** The openshift-runbooks pairs as two question sets: alert descriptions and summaries. */
export function readOpenshiftPairs(folder: string): { description: RetrievalCase[]; summary: RetrievalCase[] } | null {
  const path = join(folder, "pairs.jsonl");
  if (!existsSync(path)) return null;
  const pairs = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { query_description: string; query_summary: string; expected: string });
  return {
    description: pairs.map((pair) => ({ query: pair.query_description, expected: pair.expected })),
    summary: pairs.map((pair) => ({ query: pair.query_summary, expected: pair.expected })),
  };
}

/** Candidates advice weighs before refusing: its 8 chunks × the search's candidate factor of 4. */
const ADVICE_CANDIDATES = 32;

/**
 * The best relevance among the chunks advice would weigh for a query (the same top-ranked
 * candidates, threshold 0): advice answers when this reaches the threshold, else refuses.
 */
export async function bestRelevance(search: RunbookSearch, query: string, collection: string): Promise<number> {
  const hits = await search(query, { top_k: ADVICE_CANDIDATES, threshold: 0, collapse_by_file: false, filters: { collection } });
  return Math.max(0, ...hits.map((hit) => hit.relevance));
}

/** A question set's best relevances, labelled in-corpus (should be answered) or off-topic (should be refused). */
export interface RelevanceSample {
  set: string;
  collection: string;
  off_topic: boolean;
  best: number[];
}

export async function sampleRelevance(search: RunbookSearch, set: string, queries: string[], collection: string, offTopic: boolean): Promise<RelevanceSample> {
  const best: number[] = [];
  for (const query of queries) best.push(await bestRelevance(search, query, collection));
  return { set, collection, off_topic: offTopic, best };
}

/** What a threshold does to one question set: the share answered (in-corpus) or refused (off-topic). */
export interface RefusalScore {
  set: string;
  threshold: number;
  queries: number;
  /** "answered" for in-corpus sets, "refused" for off-topic ones */
  measure: "answered" | "refused";
  rate: number;
}

export function refusalScore(sample: RelevanceSample, threshold: number): RefusalScore {
  const answered = sample.best.filter((value) => value >= threshold).length;
  const n = sample.best.length || 1;
  const rate = sample.off_topic ? (sample.best.length - answered) / n : answered / n;
  return { set: sample.set, threshold, queries: sample.best.length, measure: sample.off_topic ? "refused" : "answered", rate: Number(rate.toFixed(3)) };
}

/** Off-topic questions (expected refusal): one `{"query": …}` object per line. */
export function readOffTopicQuestions(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { query: string }).query);
}

/**
 * A table of answer and refusal rates per question set at each threshold, the configured one
 * marked, so the threshold can be chosen on the labelled sets and its trade-off seen.
 */
export function refusalTable(samples: RelevanceSample[], thresholds: number[], configured: number): string[] {
  const columns = [...new Set([...thresholds, configured])].sort((a, b) => a - b);
  const header = ["set", "measure", "queries", ...columns.map((t) => (t === configured ? `*${t}` : String(t)))];
  const rows = samples.map((sample) => {
    const scores = columns.map((t) => refusalScore(sample, t));
    return [sample.set, scores[0]?.measure ?? "", String(sample.best.length), ...scores.map((s) => s.rate.toFixed(3))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
}

/** A question whose answer should draw on one section of one runbook. */
export interface SectionCase extends RetrievalCase {
  /** heading text of the section (any of several when a list), e.g. "Resolution" */
  section: string | string[];
}

/** How often answers cite a line range inside the expected section of the expected file. */
export interface SectionScore {
  set: string;
  /** cases whose expected section was found in the file (the others are not scored) */
  queries: number;
  drawn: number;
  rate: number;
  /** cases skipped because the file has no heading with the expected text */
  missing: number;
}

/** An advisor as `makeAdvisor` returns it; only the citations are used. */
export type Advise = (request: AdviceRequest) => Promise<Pick<Advice, "citations">>;

const HEADING_LINE = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE_LINE = /^\s*(```|~~~)/;

/**
 * The 1-based inclusive line range of the section headed `heading` (case-insensitive, Markdown
 * emphasis ignored): from its heading to the line before the next heading of the same or a
 * higher level, so subsections are inside it. Headings inside code fences do not count.
 */
export function sectionRange(text: string, heading: string): { start: number; end: number } | null {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const wanted = heading.trim().toLowerCase();
  let inFence = false;
  let found: { start: number; level: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (FENCE_LINE.test(line)) inFence = !inFence;
    const match = inFence ? null : HEADING_LINE.exec(line);
    if (!match) continue;
    const level = (match[1] as string).length;
    if (found && level <= found.level) return { start: found.start, end: i };
    if (!found && (match[2] as string).replace(/[*_`]/g, "").trim().toLowerCase() === wanted) found = { start: i + 1, level };
  }
  return found ? { start: found.start, end: lines.length } : null;
}

/**
 * Whether extractive answers use the part of the runbook that answers the question: the share
 * of cases whose answer cites a line range inside the expected section of the expected file.
 * Files are read from `folder` (the ingested folder the sources are relative to).
 */
export async function sectionScore(advise: Advise, cases: SectionCase[], options: { set: string; folder: string; collection: string }): Promise<SectionScore> {
  let queries = 0;
  let drawn = 0;
  let missing = 0;
  for (const item of cases) {
    const path = join(options.folder, item.expected);
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    const headings = Array.isArray(item.section) ? item.section : [item.section];
    const ranges = headings.map((heading) => sectionRange(text, heading)).filter((range) => range !== null);
    if (ranges.length === 0) {
      missing++;
      continue;
    }
    queries++;
    const advice = await advise({ question: item.query, filters: { collection: options.collection } });
    const inside = advice.citations.some(
      (citation) => citation.source === item.expected && ranges.some((range) => citation.line_start >= range.start && citation.line_end <= range.end),
    );
    if (inside) drawn++;
  }
  return { set: options.set, queries, drawn, rate: Number((drawn / (queries || 1)).toFixed(3)), missing };
}

export function readSectionQuestions(path: string): SectionCase[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SectionCase);
}
