import { describe, expect, it } from "vitest";
import { seededRandom } from "../bench/corpus.js";
import { documentWeight, idf } from "./bm25.js";
import { buildSegment, type ChunkTermStats, type PostingBlock, unpackIds, unpackWeights } from "./postings.js";
import { best, type RankTerm, type TopKSource, topK } from "./top-k.js";

/** A random corpus with a Zipf-like vocabulary: a few terms in most chunks, many in few. */
function corpus(chunks: number, vocabulary: number, seed: number): { id: number; length: number; tf: Map<number, number> }[] {
  const random = seededRandom(seed);
  return Array.from({ length: chunks }, (_, i) => {
    const tf = new Map<number, number>();
    const length = 5 + Math.floor(random() * 60);
    for (let w = 0; w < length; w++) {
      const term = Math.min(vocabulary - 1, Math.floor(Math.exp(random() * Math.log(vocabulary + 1))) - 1);
      tf.set(term, (tf.get(term) ?? 0) + 1);
    }
    return { id: i + 1, length, tf };
  });
}

/** An in-memory source over segments of the corpus, counting what ranking read. */
function memorySource(chunks: ReturnType<typeof corpus>, avgdl: number, segmentSize: number, dead = new Set<number>(), allowed = (_id: number) => true) {
  const blocks: { termId: number; block: PostingBlock }[] = [];
  for (let i = 0; i < chunks.length; i += segmentSize) {
    for (const posting of buildSegment(chunks.slice(i, i + segmentSize), avgdl)) {
      blocks.push({ termId: posting.termId, block: { chunkIds: unpackIds(posting.chunkIds), weights: unpackWeights(posting.weights) } });
    }
  }
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const read = { postings: 0 };
  const source: TopKSource<null> = {
    async postings(termIds) {
      const wanted = blocks.filter((b) => termIds.includes(b.termId));
      read.postings += wanted.reduce((sum, b) => sum + b.block.chunkIds.length, 0);
      return wanted;
    },
    async candidates(ids) {
      return ids.flatMap((id) => {
        const chunk = byId.get(id);
        if (!chunk || dead.has(id) || !allowed(id)) return [];
        const stats: ChunkTermStats = { ids: Uint32Array.from(chunk.tf.keys()), tfs: Uint32Array.from(chunk.tf.values()) };
        return [{ id, row: null, length: chunk.length, stats }];
      });
    },
  };
  return { source, read };
}

/** Every chunk scored in full, the way a sequential scan ranks. */
function bruteForce(chunks: ReturnType<typeof corpus>, terms: RankTerm[], avgdl: number, limit: number, keep = (_id: number) => true) {
  return chunks
    .filter((chunk) => keep(chunk.id))
    .map((chunk) => ({
      id: chunk.id,
      score: terms.reduce((sum, t) => {
        const tf = chunk.tf.get(t.id);
        return tf ? sum + t.idf * Math.fround(documentWeight(tf, chunk.length, avgdl)) : sum;
      }, 0),
    }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}

function queryTerms(chunks: ReturnType<typeof corpus>, termIds: number[], avgdl: number): RankTerm[] {
  return termIds.flatMap((id) => {
    const holders = chunks.filter((chunk) => chunk.tf.has(id));
    if (holders.length === 0) return [];
    const maxWeight = Math.max(...holders.map((chunk) => Math.fround(documentWeight(chunk.tf.get(id) as number, chunk.length, avgdl))));
    return [{ id, idf: idf(holders.length, chunks.length), df: holders.length, maxWeight }];
  });
}

describe("topK over the inverted index", () => {
  const chunks = corpus(3_000, 2_000, 7);
  const avgdl = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / chunks.length;
  const random = seededRandom(11);
  const queries = Array.from({ length: 60 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.min(1_999, Math.floor(Math.exp(random() * Math.log(2_001))) - 1)),
  );

  it("ranks exactly as scoring every chunk does, for 60 queries of common and rare terms", async () => {
    const { source } = memorySource(chunks, avgdl, 700);
    for (const query of queries) {
      const terms = queryTerms(chunks, [...new Set(query)], avgdl);
      // 0: only the rarest term is read at first, so bounds and later rounds do the work.
      for (const [limit, initialPostings] of [
        [1, 0],
        [10, 0],
        [60, 0],
        [10, 20_000],
      ] as const) {
        const { results } = await topK(terms, limit, avgdl, source, { initialPostings, ...(limit === 10 ? { maxChunkId: chunks.length } : {}) });
        const expected = bruteForce(chunks, terms, avgdl, limit);
        expect(results.map((r) => r.id)).toEqual(expected.map((e) => e.id));
        for (const [i, r] of results.entries()) expect(r.score).toBeCloseTo((expected[i] as { score: number }).score, 9);
      }
    }
  });

  it("reads fewer postings than a full sum when a query mixes rare and common terms", async () => {
    const { source, read } = memorySource(chunks, avgdl, 700);
    let full = 0;
    for (const query of queries) {
      const terms = queryTerms(chunks, [...new Set(query)], avgdl);
      full += terms.reduce((sum, t) => sum + t.df, 0);
      await topK(terms, 10, avgdl, source, { initialPostings: 500 });
    }
    expect(read.postings).toBeLessThan(full);
  });

  it("skips chunks that are gone or filtered out, still exact among the rest", async () => {
    const dead = new Set(chunks.filter((chunk) => chunk.id % 5 === 0).map((chunk) => chunk.id));
    const allowed = (id: number) => id % 3 !== 0;
    const { source } = memorySource(chunks, avgdl, 500, dead, allowed);
    for (const query of queries.slice(0, 20)) {
      const terms = queryTerms(chunks, [...new Set(query)], avgdl);
      const { results } = await topK(terms, 10, avgdl, source, { initialPostings: 0, maxChunkId: 1_000 });
      const expected = bruteForce(chunks, terms, avgdl, 10, (id) => !dead.has(id) && allowed(id));
      expect(results.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    }
  });

  it("returns nothing for no terms or no room", async () => {
    const { source } = memorySource(chunks, avgdl, 700);
    expect((await topK([], 10, avgdl, source)).results).toEqual([]);
    expect((await topK(queryTerms(chunks, [1], avgdl), 0, avgdl, source)).results).toEqual([]);
  });
});

describe("best", () => {
  it("selects the n highest scores, ties to the lower id, as a full sort would", () => {
    const random = seededRandom(3);
    const scores = new Map<number, number>();
    // coarse scores so that ties are common
    for (let id = 1; id <= 2_000; id++) scores.set(id, Math.floor(random() * 50));
    const sorted = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const n of [0, 1, 7, 100, 1_999, 2_000, 5_000]) {
      expect(best(scores.keys(), (id) => scores.get(id) as number, n)).toEqual(sorted.slice(0, n).map(([id]) => id));
    }
  });
});
