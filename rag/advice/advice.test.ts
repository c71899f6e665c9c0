import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { chunkDocument, documentTitle } from "../../ingest/chunker.js";
import { createLogger } from "../../lib/log.js";
import { fixtureRunbooksDir } from "../../test/helpers/tmp.js";
import type { SearchHit } from "../search.js";
import { extractiveAdvice } from "./extractive.js";
import { citedIds, modelAdvice } from "./grounded.js";
import { makeAdvisor } from "./index.js";
import { NO_COVERAGE_ANSWER } from "./types.js";

/** Search hits made from the fixture runbooks' real chunks, in the order given, with falling relevance. */
function hitsFrom(source: string, headings: string[], relevance = 0.9): SearchHit[] {
  const text = readFileSync(join(fixtureRunbooksDir, source), "utf8");
  const chunks = chunkDocument(text);
  return headings.map((heading, i) => {
    const chunk = chunks.find((c) => c.headingPath.at(-1) === heading);
    if (!chunk) throw new Error(`fixture ${source} has no section ${heading}`);
    return {
      chunk_id: String(i + 1),
      collection: "runbooks",
      source,
      title: documentTitle(text),
      heading_path: chunk.headingPath,
      line_start: chunk.lineStart,
      line_end: chunk.lineEnd,
      score: 10 - i,
      relevance: relevance - i * 0.05,
      lexical_score: 10 - i,
      dense_score: null,
      snippet: chunk.content.slice(0, 80),
      content: chunk.content,
    };
  });
}

const replicationHits = hitsFrom("databases/postgres-replication-lag.md", ["Resolution", "Diagnosis", "Symptoms"]);
const silentLog = createLogger("silent");

describe("citedIds", () => {
  it("finds every [n] marker", () => {
    expect(citedIds("Do this [1][3]. Then that [2]. Not [x] or [1234].")).toEqual(new Set([1, 3, 2]));
  });
});

describe("extractiveAdvice", () => {
  it("quotes passages that match the question, each marked with a citation that exists", () => {
    const advice = extractiveAdvice("How do I cancel a long-running replica query?", replicationHits);
    expect(advice.citations.length).toBeGreaterThan(0);
    const ids = advice.citations.map((citation) => citation.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    for (const id of citedIds(advice.answer)) expect(ids).toContain(id);
    expect(advice.answer).toContain("pg_cancel_backend(pid)");
    // Everything stated is a line of the runbook.
    const file = readFileSync(join(fixtureRunbooksDir, "databases/postgres-replication-lag.md"), "utf8");
    for (const line of advice.answer.split("\n").filter((l) => l.startsWith("- "))) {
      const quoted = line.slice(2).replace(/ \[\d+\]$/, "");
      const firstWords = quoted.split(/\s+/).slice(0, 4).join(" ");
      expect(file.replace(/\s+/g, " ")).toContain(firstWords);
    }
  });

  it("cites line ranges inside the hit it quotes", () => {
    const advice = extractiveAdvice("replication lag replica query", replicationHits);
    for (const citation of advice.citations) {
      const hit = replicationHits.find((h) => h.heading_path.join() === citation.heading_path.join()) as SearchHit;
      expect(citation.line_start).toBeGreaterThanOrEqual(hit.line_start);
      expect(citation.line_end).toBeLessThanOrEqual(hit.line_end);
    }
  });

  it("leaves out hits much weaker than the best one", () => {
    const [strong] = replicationHits;
    const weak = { ...hitsFrom("storage/disk-full.md", ["Resolution"])[0], relevance: 0.2 } as SearchHit;
    const advice = extractiveAdvice("cancel replica query disk", [strong as SearchHit, weak]);
    expect(advice.citations.every((citation) => citation.source !== "storage/disk-full.md")).toBe(true);
  });

  it("skips link-only list items such as a Related section", () => {
    const related = hitsFrom("databases/postgres-replication-lag.md", ["Related"]);
    const advice = extractiveAdvice("related disk full", related);
    expect(advice.answer).not.toContain("storage/disk-full.md");
  });
});

describe("modelAdvice (FakeListChatModel, a scripted fake)", () => {
  it("keeps citations to provided excerpts and strips the others", async () => {
    const llm = new FakeListChatModel({ responses: ["Cancel the long-running replica query [1]. See also [99] and [0]."] });
    const { answer: advice } = await modelAdvice(llm, "How do I fix replication lag?", replicationHits);
    expect(advice?.citations.map((citation) => citation.id)).toEqual([1]);
    expect(advice?.citations[0]).toMatchObject({ source: "databases/postgres-replication-lag.md", heading_path: replicationHits[0]?.heading_path });
    expect(advice?.answer).toContain("[1]");
    expect(advice?.answer).not.toMatch(/\[99\]|\[0\]/);
  });

  it("returns null when the answer cites nothing it was given", async () => {
    const llm = new FakeListChatModel({ responses: ["Restart everything [7]."] });
    expect((await modelAdvice(llm, "q", replicationHits)).answer).toBeNull();
  });
});

describe("makeAdvisor", () => {
  it("answers 'not covered' without calling search results it does not have", async () => {
    const advise = makeAdvisor({ search: async () => [], llm: null, log: silentLog });
    expect(await advise({ question: "banana bread" })).toEqual({ answer: NO_COVERAGE_ANSWER, citations: [], mode: "extractive", grounded: false });
  });

  it("names the nearest runbooks when it refuses, asking with no threshold and citing none", async () => {
    const calls: unknown[] = [];
    const advise = makeAdvisor({
      search: async (_query, options) => {
        calls.push(options);
        // nothing passes the threshold; below it, the replication runbook is the nearest
        return options?.threshold === 0 ? replicationHits.slice(0, 1) : [];
      },
      llm: new FakeListChatModel({ responses: ["Cancel the replica query [1]."] }),
      log: silentLog,
    });
    const advice = await advise({ question: "banana bread", filters: { collection: "runbooks" } });
    expect(advice).toMatchObject({ citations: [], mode: "extractive", grounded: false });
    expect(advice.answer.startsWith(NO_COVERAGE_ANSWER)).toBe(true);
    expect(advice.answer).toContain("(runbooks/databases/postgres-replication-lag.md)");
    expect(advice.answer).toContain(replicationHits[0]?.title as string);
    expect(calls[1]).toEqual({ top_k: 3, threshold: 0, filters: { collection: "runbooks" }, collapse_by_file: true });
  });

  it("asks search for several chunks of a runbook, not one per file", async () => {
    const calls: unknown[] = [];
    const advise = makeAdvisor({
      search: async (_query, options) => {
        calls.push(options);
        return replicationHits;
      },
      llm: null,
      log: silentLog,
    });
    await advise({ question: "replication lag", top_k: 3, filters: { collection: "runbooks" } });
    expect(calls).toEqual([{ top_k: 8, filters: { collection: "runbooks" }, collapse_by_file: false }]);
  });

  it("falls back to extractive with a reason when the model cites nothing", async () => {
    const advise = makeAdvisor({
      search: async () => replicationHits,
      llm: new FakeListChatModel({ responses: ["I would just reboot it."] }),
      log: silentLog,
    });
    const advice = await advise({ question: "How do I fix replication lag?" });
    expect(advice).toMatchObject({ mode: "extractive", grounded: true, fallback_reason: "the model's answer cited no runbook excerpt" });
    expect(advice.citations.length).toBeGreaterThan(0);
  });
});

describe("makeAdvisor with the runbook's other sections", () => {
  it("quotes the best runbook's resolution when the search returned only its symptoms", async () => {
    const [symptoms] = hitsFrom("databases/postgres-replication-lag.md", ["Symptoms"]);
    const sections = hitsFrom("databases/postgres-replication-lag.md", ["Symptoms", "Diagnosis", "Resolution"]).map((hit, i) => ({
      ...hit,
      chunk_id: i === 0 ? (symptoms as SearchHit).chunk_id : `section-${i}`,
      relevance: 0,
      score: 0,
    }));
    const resolution = sections[2] as SearchHit;
    const asked: string[] = [];
    const advise = makeAdvisor({
      search: async () => [symptoms as SearchHit],
      runbookSections: async (collection, source) => {
        asked.push(`${collection}/${source}`);
        return sections;
      },
      llm: null,
      log: silentLog,
    });
    const advice = await advise({ question: "replica is far behind the primary" });
    expect(asked).toEqual(["runbooks/databases/postgres-replication-lag.md"]);
    expect(advice.grounded).toBe(true);
    // a citation falls inside the Resolution section the search never returned
    expect(advice.citations.some((c) => c.line_start >= resolution.line_start && c.line_end <= resolution.line_end)).toBe(true);
  });

  it("does not ask for sections when nothing matched (a refusal cites nothing)", async () => {
    let asked = 0;
    const advise = makeAdvisor({
      search: async () => [],
      runbookSections: async () => {
        asked++;
        return [];
      },
      llm: null,
      log: silentLog,
    });
    const advice = await advise({ question: "best pizza topping" });
    expect(advice.grounded).toBe(false);
    expect(asked).toBe(0);
  });
});
