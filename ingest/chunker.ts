/** A piece of a document that retrieval returns and cites. */
export interface Chunk {
  /** Headings above the chunk, outermost first (e.g. ["Disk full", "Diagnosis"]). */
  headingPath: string[];
  /** 1-based, inclusive line range in the source file. */
  lineStart: number;
  lineEnd: number;
  content: string;
}

export interface ChunkOptions {
  /** Split sections longer than this many characters at paragraph boundaries. */
  maxChars?: number;
  /** Whether `#` lines are headings (Markdown) or plain text. */
  markdown?: boolean;
}

const DEFAULT_MAX_CHARS = 1800;

interface Section {
  headingPath: string[];
  lines: { text: string; number: number }[];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

/** Removes a YAML front-matter block so it is neither indexed nor cited as prose. */
function frontMatterEnd(lines: string[]): number {
  if (lines[0]?.trim() !== "---") return 0;
  const close = lines.findIndex((line, i) => i > 0 && (line.trim() === "---" || line.trim() === "..."));
  return close > 0 ? close + 1 : 0;
}

/** Splits Markdown into sections at headings, ignoring `#` lines inside code fences. */
function sections(lines: string[], markdown: boolean): Section[] {
  const out: Section[] = [];
  const stack: string[] = [];
  let current: Section = { headingPath: [], lines: [] };
  let fence: string | null = null;
  for (let i = frontMatterEnd(lines); i < lines.length; i++) {
    const text = lines[i] as string;
    const fenceMatch = FENCE.exec(text);
    if (fenceMatch) fence = fence === null ? (fenceMatch[1] as string) : fence === fenceMatch[1] ? null : fence;
    const heading = markdown && fence === null && !fenceMatch ? HEADING.exec(text) : null;
    if (heading) {
      // A section holding only headings (a title straight above "## Summary") joins the next one.
      const headingsOnly = current.lines.every((line) => line.text.trim() === "" || HEADING.test(line.text));
      const carried = headingsOnly ? current.lines : [];
      if (!headingsOnly) out.push(current);
      const level = (heading[1] as string).length;
      stack.length = Math.min(stack.length, level - 1);
      while (stack.length < level - 1) stack.push("");
      stack.push((heading[2] as string).replace(/[*_`]/g, ""));
      current = { headingPath: stack.filter(Boolean), lines: carried };
    }
    current.lines.push({ text, number: i + 1 });
  }
  if (current.lines.some((line) => line.text.trim() !== "")) out.push(current);
  return out;
}

/** Cuts an oversized section at blank lines outside code fences, keeping each part under maxChars where possible. */
function split(section: Section, maxChars: number): Section[] {
  const parts: Section[] = [];
  let part: Section["lines"] = [];
  let size = 0;
  let inFence = false;
  for (const line of section.lines) {
    // Decide on the fence state before this line: a cut may precede an opening fence but
    // never a closing one, which would leave both parts with half a code block.
    const paragraphBreak = !inFence && line.text.trim() === "" && size >= maxChars * 0.5;
    const tooLong = !inFence && size + line.text.length > maxChars * 1.5;
    if (FENCE.test(line.text)) inFence = !inFence;
    if ((paragraphBreak || tooLong) && part.length > 0) {
      parts.push({ headingPath: section.headingPath, lines: part });
      part = [];
      size = 0;
    }
    part.push(line);
    size += line.text.length + 1;
  }
  if (part.some((line) => line.text.trim() !== "")) parts.push({ headingPath: section.headingPath, lines: part });
  return parts;
}

function trimBlankLines(lines: Section["lines"]): Section["lines"] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] as { text: string }).text.trim() === "") start++;
  while (end > start && (lines[end - 1] as { text: string }).text.trim() === "") end--;
  return lines.slice(start, end);
}

/**
 * Splits a document into chunks that follow its heading structure: one chunk per section,
 * long sections cut at paragraph boundaries. Each chunk keeps its heading path and lines.
 */
export function chunkDocument(text: string, options: ChunkOptions = {}): Chunk[] {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const chunks: Chunk[] = [];
  for (const section of sections(lines, options.markdown ?? true)) {
    const size = section.lines.reduce((sum, line) => sum + line.text.length + 1, 0);
    for (const part of size > maxChars ? split(section, maxChars) : [section]) {
      const kept = trimBlankLines(part.lines);
      const first = kept[0];
      const last = kept[kept.length - 1];
      if (!first || !last) continue;
      chunks.push({
        headingPath: part.headingPath,
        lineStart: first.number,
        lineEnd: last.number,
        content: kept.map((line) => line.text).join("\n"),
      });
    }
  }
  return chunks;
}

/** The first level-1 heading, used as the document title. */
export function documentTitle(text: string): string | null {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let fence: string | null = null;
  // Skip front matter and code fences: a YAML or shell `# comment` there is not a title.
  for (const line of lines.slice(frontMatterEnd(lines))) {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) fence = fence === null ? (fenceMatch[1] as string) : fence === fenceMatch[1] ? null : fence;
    if (fence !== null || fenceMatch) continue;
    const match = /^#\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) return (match[1] as string).replace(/[*_`]/g, "");
  }
  return null;
}
