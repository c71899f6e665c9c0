import { describe, expect, it } from "vitest";
import { type Chunk, chunkDocument, documentTitle } from "./chunker.js";

/** Every chunk's content must be exactly the file's lines lineStart..lineEnd (1-based, inclusive). */
function expectExactLines(text: string, chunks: Chunk[]): void {
  const lines = text.split("\n");
  for (const chunk of chunks) {
    expect(chunk.lineStart).toBeGreaterThanOrEqual(1);
    expect(chunk.lineEnd).toBeGreaterThanOrEqual(chunk.lineStart);
    expect(chunk.content).toBe(lines.slice(chunk.lineStart - 1, chunk.lineEnd).join("\n"));
  }
}

const RUNBOOK = `# Disk full

## Symptoms

Pods are evicted.

## Diagnosis

### Inodes

Run df -i.

#### Deep detail

Small files everywhere.

## Resolution

\`\`\`bash
# not a heading: a shell comment
df -h
\`\`\`

Delete old images.
`;

describe("chunkDocument", () => {
  it("follows the heading structure with nested heading paths", () => {
    const chunks = chunkDocument(RUNBOOK);
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ["Disk full", "Symptoms"],
      ["Disk full", "Diagnosis", "Inodes"],
      ["Disk full", "Diagnosis", "Inodes", "Deep detail"],
      ["Disk full", "Resolution"],
    ]);
    expectExactLines(RUNBOOK, chunks);
  });

  it("merges a heading-only section into the next one, keeping its lines", () => {
    const chunks = chunkDocument(RUNBOOK);
    // "# Disk full" has no text of its own: it starts the Symptoms chunk.
    expect(chunks[0]?.lineStart).toBe(1);
    expect(chunks[0]?.content.startsWith("# Disk full\n\n## Symptoms")).toBe(true);
    // "## Diagnosis" has no text either: it opens the Inodes chunk.
    expect(chunks[1]?.content.startsWith("## Diagnosis\n\n### Inodes")).toBe(true);
  });

  it("does not treat # lines inside code fences as headings", () => {
    const chunks = chunkDocument(RUNBOOK);
    const resolution = chunks.find((chunk) => chunk.headingPath.at(-1) === "Resolution");
    expect(resolution?.content).toContain("# not a heading: a shell comment");
    expect(chunks.some((chunk) => chunk.headingPath.some((heading) => heading.includes("shell comment")))).toBe(false);
    const tilde = "# T\n\n~~~\n## still code\n```\n## still code too\n~~~\n\n## Real\n\nbody\n";
    expect(chunkDocument(tilde).map((chunk) => chunk.headingPath)).toEqual([["T"], ["T", "Real"]]);
  });

  it("handles skipped heading levels without empty path entries", () => {
    const text = "# Top\n\nintro\n\n### Third level\n\nbody\n\n## Second\n\nmore\n";
    const chunks = chunkDocument(text);
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([["Top"], ["Top", "Third level"], ["Top", "Second"]]);
    expectExactLines(text, chunks);
  });

  it("pops deeper headings when a shallower one follows", () => {
    const text = "# A\n\na\n\n## B\n\nb\n\n### C\n\nc\n\n## D\n\nd\n\n# E\n\ne\n";
    expect(chunkDocument(text).map((chunk) => chunk.headingPath)).toEqual([["A"], ["A", "B"], ["A", "B", "C"], ["A", "D"], ["E"]]);
  });

  it("strips emphasis marks and closing hashes from headings", () => {
    const chunks = chunkDocument("# The **bold** `code` title ##\n\ntext\n");
    expect(chunks[0]?.headingPath).toEqual(["The bold code title"]);
  });

  it("keeps text before the first heading as its own chunk", () => {
    const text = "Preamble line.\n\n# Title\n\nBody.\n";
    const chunks = chunkDocument(text);
    expect(chunks[0]).toMatchObject({ headingPath: [], lineStart: 1, lineEnd: 1, content: "Preamble line." });
    expectExactLines(text, chunks);
  });

  it("drops YAML front matter and keeps line numbers of the file", () => {
    const text = "---\ntitle: secret\nowner: team\n---\n# Runbook\n\nBody text.\n";
    const chunks = chunkDocument(text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.lineStart).toBe(5);
    expect(chunks.map((chunk) => chunk.content).join("\n")).not.toContain("owner: team");
    expectExactLines(text, chunks);
  });

  it("splits a long section at paragraph boundaries, each part within 1.5 x maxChars", () => {
    const maxChars = 300;
    const paragraphs = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 3 }, (_, l) => `Paragraph ${p} line ${l} explains one more step of the procedure.`).join("\n"),
    );
    const text = `# Long\n\n## Procedure\n\n${paragraphs.join("\n\n")}\n`;
    const chunks = chunkDocument(text, { maxChars });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.headingPath).toEqual(["Long", "Procedure"]);
      expect(chunk.content.length).toBeLessThanOrEqual(maxChars * 1.5);
      // Cut at blank lines: no part starts or ends inside a paragraph.
      expect(chunk.content.split("\n").at(-1)).toMatch(/line 2 explains/);
    }
    expectExactLines(text, chunks);
    // Nothing lost: every paragraph line is in exactly one chunk.
    const joined = chunks.map((chunk) => chunk.content).join("\n");
    for (const paragraph of paragraphs) for (const line of paragraph.split("\n")) expect(joined.split(line).length - 1).toBe(1);
  });

  it("cuts an over-long section even without blank lines", () => {
    const text = `# Wall\n\n${Array.from({ length: 60 }, (_, i) => `Line ${i} of an unbroken wall of text.`).join("\n")}\n`;
    const chunks = chunkDocument(text, { maxChars: 400 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(600);
    expectExactLines(text, chunks);
  });

  it("never cuts a code block in two when splitting a long section", () => {
    const code = ["```bash", ...Array.from({ length: 8 }, (_, i) => `echo step ${i} with a fairly long command line`), "```"];
    const text = ["# T", "", "## S", "", "intro line one", "intro line two", "", ...code, "", "after the code block", ""].join("\n");
    const chunks = chunkDocument(text, { maxChars: 200 });
    expectExactLines(text, chunks);
    for (const chunk of chunks) {
      const fences = chunk.content.split("\n").filter((line) => line.startsWith("```")).length;
      expect(fences % 2).toBe(0);
    }
  });

  it("treats # lines as text in non-Markdown mode", () => {
    const text = "# a YAML comment\nkey: value\n\n# another comment\nother: 2\n";
    const chunks = chunkDocument(text, { markdown: false });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ headingPath: [], lineStart: 1, lineEnd: 5 });
    expectExactLines(text, chunks);
  });

  it("normalises CRLF line endings", () => {
    const chunks = chunkDocument("# T\r\n\r\nbody\r\n");
    expect(chunks[0]?.content).toBe("# T\n\nbody");
  });

  it("returns no chunks for a document without text", () => {
    expect(chunkDocument("---\ntitle: x\n---\n\n\n")).toEqual([]);
    expect(chunkDocument("")).toEqual([]);
  });
});

describe("documentTitle", () => {
  it("is the first level-1 heading", () => {
    expect(documentTitle("intro\n## Not this\n# The *Title*\n# Second")).toBe("The Title");
    expect(documentTitle("## Only level two")).toBeNull();
  });

  it("ignores # lines inside code fences and front matter", () => {
    expect(documentTitle("Intro.\n\n```bash\n# restart the service\n```\n")).toBeNull();
    expect(documentTitle("---\n# yaml comment\nowner: x\n---\n# Real title\n")).toBe("Real title");
  });
});
