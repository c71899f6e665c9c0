import { describe, expect, it } from "vitest";
import { analyze, TERM_SPACE, termId } from "./analyzer.js";
import { documentWeight } from "./bm25.js";
import { indexedText, lexicalTerms, lexicalVector } from "./lexical.js";

describe("indexedText", () => {
  it("indexes title, file name words and headings above the content", () => {
    const text = indexedText({
      title: "Postgres replication lag",
      source: "databases/postgres-replica_lag.v2.md",
      headingPath: ["Postgres replication lag", "Diagnosis"],
      content: "Check pg_stat_replication.",
    });
    expect(text.split("\n")).toEqual([
      "Postgres replication lag",
      "postgres replica lag v2",
      "Postgres replication lag Diagnosis",
      "Check pg_stat_replication.",
    ]);
  });

  it("leaves the title line empty when there is none", () => {
    expect(indexedText({ title: null, source: "notes.txt", headingPath: [], content: "x" })).toBe("\nnotes\n\nx");
  });
});

describe("lexicalTerms and lexicalVector", () => {
  it("counts analysed terms and weights each with BM25's document half", () => {
    const text = "restart the pod, then restart the deployment";
    const terms = lexicalTerms(text);
    expect(terms.length).toBe(analyze(text).length);
    expect(terms.tf.get(termId("restart"))).toBe(2);

    const avgdl = 4;
    const vector = lexicalVector(terms, avgdl);
    const match = /^\{(.*)\}\/(\d+)$/.exec(vector);
    expect(match?.[2]).toBe(String(TERM_SPACE));
    const entries = (match?.[1] ?? "").split(",").map((entry) => entry.split(":").map(Number) as [number, number]);
    expect(entries).toHaveLength(terms.tf.size);
    for (const [dimension, weight] of entries) {
      const tf = terms.tf.get(dimension - 1);
      expect(tf).toBeDefined();
      expect(weight).toBeCloseTo(documentWeight(tf ?? 0, terms.length, avgdl), 5);
    }
  });
});
