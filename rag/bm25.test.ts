import { describe, expect, it } from "vitest";
import { termId } from "./analyzer.js";
import { B, documentWeight, idf, K1, needsReweight, REWEIGHT_DRIFT, relevance, UNSEEN_TERM_WEIGHT } from "./bm25.js";

describe("BM25 halves", () => {
  it("uses the usual parameters", () => {
    expect(K1).toBe(1.2);
    expect(B).toBe(0.75);
  });

  it("document weight saturates with tf and falls with length", () => {
    expect(documentWeight(1, 10, 10)).toBeCloseTo(1, 12); // average length, one occurrence: exactly 1
    expect(documentWeight(2, 10, 10)).toBeGreaterThan(documentWeight(1, 10, 10));
    expect(documentWeight(100, 10, 10)).toBeLessThan(K1 + 1);
    expect(documentWeight(1, 40, 10)).toBeLessThan(documentWeight(1, 10, 10));
    expect(documentWeight(1, 5, 10)).toBeGreaterThan(documentWeight(1, 10, 10));
  });

  it("idf is positive and falls as a term gets common", () => {
    expect(idf(1, 100)).toBeGreaterThan(idf(10, 100));
    expect(idf(100, 100)).toBeGreaterThan(0);
    expect(idf(1, 1)).toBeCloseTo(Math.log(1 + 0.5 / 1.5), 12);
  });

  it("the two halves multiply into the Okapi BM25 term score", () => {
    const tf = 3;
    const length = 25;
    const avgdl = 18;
    const df = 4;
    const n = 50;
    const okapi = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * ((tf * (1.2 + 1)) / (tf + 1.2 * (1 - 0.75 + (0.75 * length) / avgdl)));
    expect(idf(df, n) * documentWeight(tf, length, avgdl)).toBeCloseTo(okapi, 12);
  });
});

/** The term ids of stemmed terms, as a chunk's index holds them. */
const ids = (...terms: string[]) => new Set(terms.map(termId));

describe("relevance", () => {
  const query = [
    { id: termId("replica"), idf: 2, seen: true },
    { id: termId("lag"), idf: 1, seen: true },
    { id: termId("postgr"), idf: 1, seen: true },
  ];

  it("is the share of the question's content-term idf mass the chunk holds", () => {
    expect(relevance(ids(), query)).toBe(0);
    expect(relevance(ids("replica"), query)).toBeCloseTo(0.5, 12);
    expect(relevance(ids("replica", "lag", "postgr", "other"), query)).toBe(1);
    expect(relevance(ids("lag", "unrelated"), query)).toBeCloseTo(0.25, 12);
    expect(relevance(ids("anything"), [])).toBe(0);
  });

  it("counts terms the store has never seen against coverage, more than a seen term", () => {
    const withUnseen = [
      { id: termId("bake"), idf: 3, seen: true },
      { id: termId("sourdough"), idf: 3, seen: false },
    ];
    // one shared word of two: a half at most if the unknown word weighed like a known one
    expect(relevance(ids("bake"), withUnseen)).toBeCloseTo(3 / (3 + 3 * UNSEEN_TERM_WEIGHT), 12);
    expect(relevance(ids("bake"), withUnseen)).toBeLessThan(0.5);
    // a chunk cannot match a term the store does not hold, even if its text were to
    expect(relevance(ids("bake", "sourdough"), withUnseen)).toBeLessThan(0.5);
  });
});

describe("needsReweight", () => {
  it("always reweights when no weights exist yet but the corpus has length", () => {
    expect(needsReweight(null, 12)).toBe(true);
    expect(needsReweight(0, 12)).toBe(true);
    expect(needsReweight(null, 0)).toBe(false);
  });

  it("reweights only past the drift tolerance, in either direction", () => {
    const base = 100;
    expect(needsReweight(base, base)).toBe(false);
    expect(needsReweight(base, base * (1 + REWEIGHT_DRIFT * 0.9))).toBe(false);
    expect(needsReweight(base, base * (1 - REWEIGHT_DRIFT * 0.9))).toBe(false);
    expect(needsReweight(base, base * (1 + REWEIGHT_DRIFT * 1.1))).toBe(true);
    expect(needsReweight(base, base * (1 - REWEIGHT_DRIFT * 1.1))).toBe(true);
  });
});
