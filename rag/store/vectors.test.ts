import { describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/corpus.js";
import { fakeEmbedding } from "../../test/fixtures/fake-embedder.js";
import { vectorLiteral } from "./vectors.js";

// The literals Atlas wrote by hand before pgvector-node built them, kept here as the reference:
// the stored bytes (and the queries' parameters) must not change with the library.
const handWrittenVector = (values: number[]) => `[${values.join(",")}]`;

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
