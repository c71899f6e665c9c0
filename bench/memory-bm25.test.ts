import { describe, expect, it } from "vitest";
import { B, K1 } from "../rag/bm25.js";
import { buildMemoryIndex, searchMemoryIndex } from "./memory-bm25.js";

/** A small corpus written by hand: term lists as the analyser would leave them. */
const CORPUS = [
  { id: "1", terms: ["pod", "restart", "crash", "loop", "pod"] },
  { id: "2", terms: ["disk", "full", "node", "evict", "pod"] },
  { id: "3", terms: ["postgr", "replic", "lag", "failov"] },
  { id: "4", terms: ["pod", "pod", "pod", "oom", "kill", "memori", "limit", "restart"] },
  { id: "5", terms: ["certif", "rotat", "tls", "expir"] },
  { id: "6", terms: ["node", "drain", "restart", "kubelet"] },
  { id: "7", terms: ["restart"] },
];

/** BM25 straight from the formula, document by document, with no index: what the engine must agree with. */
function bruteForce(query: string[], limit: number): { id: string; score: number }[] {
  const n = CORPUS.length;
  const avgdl = CORPUS.reduce((sum, doc) => sum + doc.terms.length, 0) / n;
  const scored = CORPUS.map((doc, position) => {
    let score = 0;
    for (const term of new Set(query)) {
      const tf = doc.terms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const df = CORPUS.filter((other) => other.terms.includes(term)).length;
      const inverse = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (inverse * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.terms.length) / avgdl));
    }
    return { id: doc.id, score, position };
  });
  return scored
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, limit)
    .map(({ id, score }) => ({ id, score }));
}

describe("in-memory BM25 engine", () => {
  const index = buildMemoryIndex(CORPUS);

  it.each([[["pod", "restart"]], [["node", "restart", "kubelet"]], [["pod"]], [["restart", "restart", "oom"]], [["lag", "tls", "pod", "drain"]]])(
    "ranks %j as brute-force BM25 does",
    (query) => {
      const expected = bruteForce(query, 3);
      const actual = searchMemoryIndex(index, query, 3);
      expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
      expect(actual.map((hit) => hit.score)).toEqual(expected.map((hit) => expect.closeTo(hit.score, 10)));
    },
  );

  it("returns every matching document when the limit is larger, and the same again on a second search", () => {
    const query = ["restart"];
    const first = searchMemoryIndex(index, query, 100);
    expect(first.map((hit) => hit.id).sort()).toEqual(["1", "4", "6", "7"]);
    expect(searchMemoryIndex(index, query, 100)).toEqual(first);
    expect(first).toEqual(bruteForce(query, 100).map((hit) => ({ id: hit.id, score: expect.closeTo(hit.score, 10) })));
  });

  it("returns nothing for unknown terms or a zero limit", () => {
    expect(searchMemoryIndex(index, ["zebra"], 5)).toEqual([]);
    expect(searchMemoryIndex(index, ["pod"], 0)).toEqual([]);
  });
});
