import { describe, expect, it } from "vitest";
import { chunkDocument, documentTitle } from "../../ingest/chunker.js";
import type { SearchHit } from "../search.js";
import { extractiveAdvice } from "./extractive.js";
import { isProcedural, SECTION_WEIGHT, sectionKind } from "./sections.js";

/** A made-up runbook: the error text is in Symptoms; the fix never repeats it. */
const QUEUE_RUNBOOK = [
  "# Widget queue backlog", //                                                   1
  "", //                                                                         2
  "**When to use:** the widget queue grows and consumers fall behind.", //       3
  "", //                                                                         4
  "## Symptoms", //                                                              5
  "", //                                                                         6
  "- Producers log `ERR widget queue quota exceeded` on every publish.", //      7
  "- The widget queue quota exceeded alert pages the on-call.", //               8
  "", //                                                                         9
  "## Diagnosis", //                                                             10
  "", //                                                                         11
  "Compare the publish rate with the consume rate on the broker dashboard.", //  12
  "", //                                                                         13
  "## Resolution", //                                                            14
  "", //                                                                         15
  "1. Scale the consumer deployment to twice its replicas.", //                  16
  "2. Drain the dead-letter backlog with the replay tool:", //                   17
  "   ```bash", //                                                               18
  "   replayctl drain --from dead-letter \\", //                                 19
  "     --batch 500", //                                                         20
  "   ```", //                                                                   21
  "3. Pause the nightly import job until the backlog clears.", //                22
  "4. Raise the quota only after consumers keep up for an hour.", //             23
  "5. Resume the nightly import job.", //                                        24
  "", //                                                                         25
  "## Prevention", //                                                            26
  "", //                                                                         27
  "- Alert when widget queue quota exceeded errors appear for five minutes.", // 28
].join("\n");

/** A runbook that only explains: no diagnosis, no fix. */
const GLOSSARY_RUNBOOK = [
  "# Widget lag glossary",
  "",
  "## Overview",
  "",
  "Widget lag is the delay between a widget being published and consumed.",
  "It is measured in seconds at the broker.",
  "",
  "## Background",
  "",
  "Lag above a minute usually means consumers are too few for the publish rate.",
].join("\n");

/** Hits for the named sections of a runbook, in the order given, with the relevances given. */
function hitsFor(text: string, source: string, sections: [heading: string, relevance: number][]): SearchHit[] {
  const chunks = chunkDocument(text);
  return sections.map(([heading, relevance], i) => {
    const chunk = chunks.find((c) => (c.headingPath.at(-1) ?? "") === heading);
    if (!chunk) throw new Error(`no section ${heading} in ${source}`);
    return {
      chunk_id: String(i + 1),
      collection: "test",
      source,
      title: documentTitle(text),
      heading_path: chunk.headingPath,
      line_start: chunk.lineStart,
      line_end: chunk.lineEnd,
      score: 10 - i,
      relevance,
      lexical_score: 10 - i,
      dense_score: null,
      snippet: chunk.content.slice(0, 80),
      content: chunk.content,
    };
  });
}

/** The source lines a citation covers, joined. */
function citedLines(text: string, citation: { line_start: number; line_end: number }): string {
  return text
    .split("\n")
    .slice(citation.line_start - 1, citation.line_end)
    .join("\n");
}

describe("sectionKind", () => {
  it("takes the deepest heading that names a kind", () => {
    expect(sectionKind(["Pod crash-looping", "Diagnosis", "4. OOMKilled vs probe kill"])).toBe("diagnosis");
    expect(sectionKind(["Connections", "Resolution", "Durable fix: put a pooler in front"])).toBe("resolution");
    expect(sectionKind(["Disk", "Symptoms / Triggers"])).toBe("background");
    expect(sectionKind(["Disk", "Prevention"])).toBe("aside");
    expect(sectionKind(["Disk", "Escalation"])).toBe("other");
  });

  it("prefers the part that says what to do when a heading names two kinds", () => {
    expect(sectionKind(["SLO", "Diagnosis (when the alert fires)"])).toBe("diagnosis");
    expect(sectionKind(["SLO", "Resolution: setting up the alerts"])).toBe("resolution");
  });

  it("judges an untitled intro by its bold label, not by a title that happens to say 'resolution'", () => {
    expect(sectionKind(["DNS Resolution Failures"], "**When to use:** lookups time out.")).toBe("background");
    expect(sectionKind(["Incident commander checklist"])).toBe("other");
  });

  it("ranks the fix above the diagnosis above the background", () => {
    expect(SECTION_WEIGHT.resolution).toBeGreaterThan(SECTION_WEIGHT.diagnosis);
    expect(SECTION_WEIGHT.diagnosis).toBeGreaterThan(SECTION_WEIGHT.other);
    expect(SECTION_WEIGHT.other).toBeGreaterThan(SECTION_WEIGHT.background);
    expect(SECTION_WEIGHT.background).toBeGreaterThan(SECTION_WEIGHT.aside);
  });

  it("sees numbered steps and shell blocks as procedural, prose as not", () => {
    expect(isProcedural("1. Do this.\n2. Then that.")).toBe(true);
    expect(isProcedural("Run:\n\n```bash\nkubectl get pods\n```")).toBe(true);
    expect(isProcedural("Lag is the delay between publish and consume.")).toBe(false);
  });
});

describe("extractiveAdvice draws on the part of the runbook that helps", () => {
  // Ranked as search ranks them: the symptoms hold the question's words, the fix barely matches.
  const queueHits = hitsFor(QUEUE_RUNBOOK, "queues/widget-backlog.md", [
    ["Symptoms", 1],
    ["Prevention", 0.8],
    ["Widget queue backlog", 0.7],
    ["Diagnosis", 0.3],
    ["Resolution", 0.2],
  ]);

  it("quotes the fix, not only the symptoms that repeat the question", () => {
    const advice = extractiveAdvice("how do I fix ERR widget queue quota exceeded", queueHits);
    const resolution = advice.citations.find((c) => c.heading_path.at(-1) === "Resolution");
    expect(resolution).toBeDefined();
    expect(advice.answer).toContain("Scale the consumer deployment to twice its replicas.");
    // The symptoms may appear, but the prevention aside does not take the fix's place.
    expect(advice.citations.some((c) => c.heading_path.at(-1) === "Prevention")).toBe(false);
  });

  it("keeps numbered steps in order without dropping the middle ones, and the command block verbatim", () => {
    // Matches steps 1 and 4 ("consumer", "quota"); steps 2 and 3 must come along.
    const advice = extractiveAdvice("scale consumer replicas then raise quota", queueHits);
    const positions = ["1. Scale the consumer deployment", "2. Drain the dead-letter backlog", "3. Pause the nightly import job", "4. Raise the quota"].map(
      (step) => advice.answer.indexOf(step),
    );
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const block = QUEUE_RUNBOOK.split("\n").slice(17, 21).join("\n");
    expect(advice.answer).toContain(block);
  });

  it("cites the lines it quotes", () => {
    const advice = extractiveAdvice("scale consumer replicas then raise quota", queueHits);
    const resolution = advice.citations.find((c) => c.heading_path.at(-1) === "Resolution");
    expect(resolution).toMatchObject({ line_start: 16, source: "queues/widget-backlog.md" });
    expect(resolution?.line_end).toBeGreaterThanOrEqual(23);
    const cited = citedLines(QUEUE_RUNBOOK, resolution as { line_start: number; line_end: number });
    expect(cited).toContain("replayctl drain --from dead-letter");
    expect(cited).toContain("4. Raise the quota only after consumers keep up for an hour.");
    // Every citation stays inside the chunk it came from.
    for (const citation of advice.citations) {
      const hit = queueHits.find((h) => h.heading_path.join() === citation.heading_path.join()) as SearchHit;
      expect(citation.line_start).toBeGreaterThanOrEqual(hit.line_start);
      expect(citation.line_end).toBeLessThanOrEqual(hit.line_end);
    }
    // Each [n] in the answer is a citation that exists.
    const ids = new Set(advice.citations.map((c) => c.id));
    for (const match of advice.answer.matchAll(/\[(\d+)\]/g)) expect(ids.has(Number(match[1]))).toBe(true);
  });

  it("still answers from the background when a runbook has nothing else", () => {
    const hits = hitsFor(GLOSSARY_RUNBOOK, "queues/widget-lag.md", [
      ["Overview", 0.9],
      ["Background", 0.7],
    ]);
    const advice = extractiveAdvice("what does widget lag mean", hits);
    expect(advice.citations.map((c) => c.heading_path.at(-1))).toEqual(["Overview", "Background"]);
    expect(advice.answer).toContain("Widget lag is the delay between a widget being published and consumed.");
  });

  it("keeps a long step list bounded: one run of at most eight steps", () => {
    const steps = Array.from({ length: 20 }, (_, i) => `${i + 1}. Restart widget shard ${i + 1} and check its widget lag.`);
    const text = ["# Widget shards", "", "## Resolution", "", ...steps].join("\n");
    const advice = extractiveAdvice("restart widget shard lag", hitsFor(text, "queues/shards.md", [["Resolution", 0.9]]));
    const quoted = advice.answer.split("\n").filter((line) => /^\d+\. /.test(line));
    expect(quoted.map((line) => line.split(".")[0])).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(advice.citations[0]).toMatchObject({ line_start: 5, line_end: 12 });
  });

  it("keeps the answer under its size bound by dropping the tail of a run, never a middle step", () => {
    const filler = "with the widget shard drained first and its widget lag watched on the broker dashboard".repeat(7);
    const steps = Array.from({ length: 8 }, (_, i) => `${i + 1}. Restart widget shard ${i + 1} ${filler}.`);
    const text = ["# Widget shards", "", "## Resolution", "", ...steps].join("\n");
    const advice = extractiveAdvice("restart widget shard lag", hitsFor(text, "queues/shards.md", [["Resolution", 0.9]]));
    expect(advice.answer.length).toBeLessThanOrEqual(4000);
    const numbers = advice.answer
      .split("\n")
      .filter((line) => /^\d+\. /.test(line))
      .map((line) => Number(line.split(".")[0]));
    expect(numbers.length).toBeGreaterThan(1);
    expect(numbers.length).toBeLessThan(8);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });
});
