import { describe, expect, it } from "vitest";
import { analyze, termId } from "./analyzer.js";
import { indexedText, lexicalTerms } from "./lexical.js";

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

describe("lexicalTerms", () => {
  it("counts analysed terms: the BM25 document length and each term's frequency", () => {
    const text = "restart the pod, then restart the deployment";
    const terms = lexicalTerms(text);
    expect(terms.length).toBe(analyze(text).length);
    expect(terms.tf.get(termId("restart"))).toBe(2);
    expect(terms.tf.get(termId("pod"))).toBe(1);
    expect([...terms.tf.values()].reduce((a, b) => a + b, 0)).toBe(terms.length);
  });
});
