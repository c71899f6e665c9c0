import { describe, expect, it } from "vitest";
import { B, documentWeight, idf, K1, needsReweight, REWEIGHT_DRIFT, relevance } from "./bm25.js";

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

describe("relevance", () => {
  it("is the share of the query's idf mass, within 0..1", () => {
    const idfs = [2, 1, 1];
    expect(relevance(0, idfs)).toBe(0);
    expect(relevance(2, idfs)).toBeCloseTo(0.5, 12);
    expect(relevance(4, idfs)).toBe(1);
    expect(relevance(9, idfs)).toBe(1);
    expect(relevance(3, [])).toBe(0);
    for (const score of [0, 0.3, 1.7, 3.9, 12]) {
      const value = relevance(score, idfs);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
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
