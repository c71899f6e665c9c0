import { describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/corpus.js";
import { fakeEmbedding } from "../../test/fixtures/fake-embedder.js";
import { sparsevecLiteral, vectorLiteral } from "./vectors.js";

// The literals Atlas wrote by hand before pgvector-node built them, kept here as the reference:
// the stored bytes (and the queries' parameters) must not change with the library.
function handWrittenSparsevec(weights: Map<number, number>, dimensions: number): string {
  const entries = [...weights.entries()].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]);
  return `{${entries.map(([dim, w]) => `${dim + 1}:${Number(w.toPrecision(6))}`).join(",")}}/${dimensions}`;
}
const handWrittenVector = (values: number[]) => `[${values.join(",")}]`;

describe("sparsevecLiteral", () => {
  it("writes 1-based dimensions in ascending order and drops zeros", () => {
    const weights = new Map([
      [41, 0.5],
      [0, 1.25],
      [7, 0],
      [9, 2],
    ]);
    expect(sparsevecLiteral(weights, 100)).toBe("{1:1.25,10:2,42:0.5}/100");
  });

  it("rounds weights to six significant digits", () => {
    expect(sparsevecLiteral(new Map([[2, 1 / 3]]), 5)).toBe("{3:0.333333}/5");
  });

  it("writes an empty vector for no weights", () => {
    expect(sparsevecLiteral(new Map(), 10)).toBe("{}/10");
  });

  it("is the literal the hand-written encoder produced, for BM25-shaped weights in a 10⁹ term space", () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 500; sample++) {
      const weights = new Map<number, number>();
      const size = Math.floor(random() * 60);
      for (let i = 0; i < size; i++) {
        // ids anywhere in [0, 10⁹), weights from tiny (exponent notation) to large, some rounding to zero
        const id = Math.floor(random() * 1_000_000_000);
        const magnitude = 10 ** (Math.floor(random() * 14) - 9);
        weights.set(id, random() < 0.05 ? 0 : random() * magnitude);
      }
      expect(sparsevecLiteral(weights, 1_000_000_000)).toBe(handWrittenSparsevec(weights, 1_000_000_000));
    }
    const edges = new Map([
      [999_999_999, 2.2],
      [0, 1e-7],
      [5, 123456789],
      [6, 1e21],
      [8, 0.1 + 0.2],
    ]);
    expect(sparsevecLiteral(edges, 1_000_000_000)).toBe(handWrittenSparsevec(edges, 1_000_000_000));
  });
});

describe("vectorLiteral", () => {
  it("is the literal the hand-written encoder produced", () => {
    const random = seededRandom(11);
    const samples = [
      fakeEmbedding("disk full on a node"),
      fakeEmbedding("", 8),
      Array.from({ length: 1536 }, () => (random() - 0.5) * 2),
      [0, -0, 1, -1, 1e-7, -2.5e-12, 3e21, 0.1 + 0.2, 123456789.123],
      [],
    ];
    for (const values of samples) expect(vectorLiteral(values)).toBe(handWrittenVector(values));
  });
});
