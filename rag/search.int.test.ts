import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Document } from "@langchain/core/documents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestPaths } from "../ingest/ingest.js";
import type { Database } from "../lib/db/database.js";
import { fakeEmbedding, makeFakeEmbedder } from "../test/fixtures/fake-embedder.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { fixtureRunbooksDir, makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { makeRunbookSearchTool } from "../tools/runbook-search.js";
import { analyze } from "./analyzer.js";
import { indexedText } from "./lexical.js";
import { RunbookRetriever } from "./retriever.js";
import { makeRunbookSearch, type RunbookSearch } from "./search.js";

interface StoredChunk {
  id: string;
  collection: string;
  source: string;
  title: string | null;
  heading_path: string[];
  content: string;
  terms: string[];
}

let db: Database;
let tmp: string;
let chunks: StoredChunk[];
let weightsAvgdl: number;
let lexical: RunbookSearch;
const embedder = makeFakeEmbedder({ model: "fake-hash-64", dims: 64 });

const everything = { top_k: 100, threshold: 0, collapse_by_file: false } as const;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  tmp = makeTmpDir("atlas-search-");
  const archive = join(tmp, "archive");
  mkdirSync(archive);
  writeFileSync(
    join(archive, "old-disk-full.md"),
    "# Disk full (2019 runbook)\n\n## Resolution\n\nDelete old logs in /var/log and old kernels to free the disk.\n",
  );
  await ingestPaths({ pool: db.pool, embedder }, [fixtureRunbooksDir, archive]);
  const { rows } = await db.pool.query<Omit<StoredChunk, "terms">>(
    `select c.id, d.collection, d.source, d.title, c.heading_path, c.content
     from rag_chunks c join rag_documents d on d.id = c.document_id order by c.id`,
  );
  chunks = rows.map((row) => ({
    ...row,
    terms: analyze(indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content })),
  }));
  const corpus = await db.pool.query<{ weights_avgdl: number }>("select weights_avgdl from rag_corpus");
  weightsAvgdl = corpus.rows[0]?.weights_avgdl ?? Number.NaN;
  lexical = makeRunbookSearch({ pool: db.pool, embedder: null, defaults: { top_k: 15, threshold: 0.1, collapse_by_file: true } });
});

afterAll(async () => {
  await db?.close();
  removeTmpDir(tmp);
});

/** Okapi BM25 (k1 1.2, b 0.75, Lucene idf) computed here from the stored chunk texts, by term string. */
function independentBm25(query: string): Map<string, number> {
  const n = chunks.length;
  const df = new Map<string, number>();
  for (const chunk of chunks) for (const term of new Set(chunk.terms)) df.set(term, (df.get(term) ?? 0) + 1);
  const queryTerms = [...new Set(analyze(query))].filter((term) => df.has(term));
  const scores = new Map<string, number>();
  for (const chunk of chunks) {
    let score = 0;
    for (const term of queryTerms) {
      const tf = chunk.terms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const documentFrequency = df.get(term) ?? 0;
      const idf = Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
      score += (idf * (tf * 2.2)) / (tf + 1.2 * (1 - 0.75 + (0.75 * chunk.terms.length) / weightsAvgdl));
    }
    if (score > 0) scores.set(chunk.id, score);
  }
  return scores;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

describe("lexical search (BM25 in SQL)", () => {
  it("stores weights computed with the corpus's real average chunk length", () => {
    const avgdl = chunks.reduce((sum, chunk) => sum + chunk.terms.length, 0) / chunks.length;
    // Weights are recomputed once the average drifts by more than 15 %.
    expect(Math.abs(weightsAvgdl - avgdl) / avgdl).toBeLessThanOrEqual(0.15);
  });

  it.each(["replication lag on the replica", "pod restarts OOMKilled exit code 137", "disk full inode exhaustion", "kubectl logs"])(
    "scores %j exactly as BM25 computed independently",
    async (query) => {
      const expected = independentBm25(query);
      const hits = await lexical(query, everything);
      expect(hits.length).toBe(expected.size);
      expect(new Set(hits.map((hit) => hit.chunk_id))).toEqual(new Set(expected.keys()));
      for (const hit of hits) {
        const mine = expected.get(hit.chunk_id) ?? Number.NaN;
        expect(Math.abs(hit.score - mine) / mine).toBeLessThan(1e-3);
        expect(hit.lexical_score).not.toBeNull();
        expect(hit.dense_score).toBeNull();
      }
      const best = Math.max(...expected.values());
      expect(Math.abs((hits[0]?.score ?? 0) - best) / best).toBeLessThan(1e-3);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    },
  );

  it("returns citations whose line range is exactly the chunk's text in the file", async () => {
    const hits = await lexical("replication lag", { ...everything, filters: { collection: "runbooks" } });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      const lines = readFileSync(join(fixtureRunbooksDir, hit.source), "utf8").split("\n");
      expect(hit.content).toBe(lines.slice(hit.line_start - 1, hit.line_end).join("\n"));
      expect(hit.snippet.length).toBeGreaterThan(0);
      expect(hit.relevance).toBeGreaterThanOrEqual(0);
      expect(hit.relevance).toBeLessThanOrEqual(1);
    }
    expect(hits[0]).toMatchObject({ source: "databases/postgres-replication-lag.md", title: "Postgres replication lag" });
  });

  it("collapse_by_file keeps one hit per file; without it a file can give several", async () => {
    const collapsed = await lexical("kubectl pod logs restart", { ...everything, collapse_by_file: true });
    const sources = collapsed.map((hit) => `${hit.collection}/${hit.source}`);
    expect(new Set(sources).size).toBe(sources.length);

    const all = await lexical("kubectl pod logs restart", everything);
    const perFile = new Map<string, number>();
    for (const hit of all) perFile.set(hit.source, (perFile.get(hit.source) ?? 0) + 1);
    expect(Math.max(...perFile.values())).toBeGreaterThan(1);
    // Collapsing keeps each file's best chunk.
    for (const hit of collapsed) expect(all.find((other) => other.source === hit.source)?.chunk_id).toBe(hit.chunk_id);
  });

  it("filters by collection and by source prefix", async () => {
    const both = await lexical("disk full delete old logs", everything);
    expect(new Set(both.map((hit) => hit.collection))).toEqual(new Set(["runbooks", "archive"]));

    const archived = await lexical("disk full delete old logs", { ...everything, filters: { collection: "archive" } });
    expect(archived.length).toBeGreaterThan(0);
    for (const hit of archived) expect(hit.collection).toBe("archive");

    const databases = await lexical("lag replica disk", { ...everything, filters: { source_prefix: "databases/" } });
    expect(databases.length).toBeGreaterThan(0);
    for (const hit of databases) expect(hit.source.startsWith("databases/")).toBe(true);

    expect(await lexical("disk full", { ...everything, filters: { collection: "no-such-collection" } })).toEqual([]);
  });

  it("respects top_k", async () => {
    const hits = await lexical("kubectl pod logs restart disk", { ...everything, top_k: 2 });
    expect(hits).toHaveLength(2);
  });

  it("threshold drops weak hits and keeps the rest", async () => {
    const all = await lexical("replication lag replica disk storage", everything);
    const relevances = [...new Set(all.map((hit) => hit.relevance))].sort((a, b) => a - b);
    expect(relevances.length).toBeGreaterThan(2);
    const cut = ((relevances[0] ?? 0) + (relevances[1] ?? 0)) / 2;
    const kept = await lexical("replication lag replica disk storage", { ...everything, threshold: cut });
    expect(kept.map((hit) => hit.chunk_id)).toEqual(all.filter((hit) => hit.relevance >= cut).map((hit) => hit.chunk_id));
    expect(kept.length).toBeLessThan(all.length);
  });

  it("an unrelated query, a stop-word query and an empty one return nothing", async () => {
    expect(await lexical("banana bread recipe with walnuts")).toEqual([]);
    expect(await lexical("what is the")).toEqual([]);
    expect(await lexical("   ")).toEqual([]);
  });
});

describe("hybrid search (BM25 + dense, fake embedder fixture)", () => {
  it("returns dense cosine scores and fuses both rankings", async () => {
    const hybrid = makeRunbookSearch({ pool: db.pool, embedder, defaults: { top_k: 15, threshold: 0, collapse_by_file: false } });
    const query = "postgres replication lag replica";
    const hits = await hybrid(query);
    expect(hits.length).toBeGreaterThan(0);
    const queryVector = fakeEmbedding(query);
    for (const hit of hits) {
      expect(hit.dense_score).not.toBeNull();
      const chunk = chunks.find((c) => c.id === hit.chunk_id) as StoredChunk;
      const expected = cosine(
        queryVector,
        fakeEmbedding(indexedText({ title: chunk.title, source: chunk.source, headingPath: chunk.heading_path, content: chunk.content })),
      );
      expect(hit.dense_score ?? Number.NaN).toBeCloseTo(expected, 3);
      // Reciprocal-rank fusion of two rankings: at most 2/(60+1).
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(2 / 61 + 1e-6); // scores are rounded to 6 decimals
    }
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    const fromBoth = hits.filter((hit) => hit.lexical_score !== null && hit.dense_score !== null);
    expect(fromBoth.length).toBeGreaterThan(0);
    expect(hits[0]?.source).toBe("databases/postgres-replication-lag.md");
    // The fused best hit is ranked first by both halves, so it scores 1/61 + 1/61.
    expect(hits[0]?.score).toBeCloseTo(2 / 61, 6);
  });
});

describe("RunbookRetriever and the runbook_search tool", () => {
  it("retriever.invoke returns LangChain Documents with citation metadata", async () => {
    const retriever = new RunbookRetriever({ search: lexical, options: { top_k: 3 } });
    const documents = await retriever.invoke("replication lag on the replica");
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.length).toBeLessThanOrEqual(3);
    const first = documents[0] as Document;
    expect(first).toBeInstanceOf(Document);
    expect(first.metadata).toMatchObject({ source: "databases/postgres-replication-lag.md", collection: "runbooks" });
    for (const document of documents) {
      expect(document.id).toBe(document.metadata.chunk_id);
      expect(document.metadata).not.toHaveProperty("content");
      expect(Array.isArray(document.metadata.heading_path)).toBe(true);
      expect(document.metadata.line_start).toBeLessThanOrEqual(document.metadata.line_end);
      const lines = readFileSync(join(fixtureRunbooksDir, document.metadata.source), "utf8").split("\n");
      expect(document.pageContent).toBe(lines.slice(document.metadata.line_start - 1, document.metadata.line_end).join("\n"));
    }
  });

  it("the tool returns status ok JSON with citations", async () => {
    const tool = makeRunbookSearchTool(lexical);
    const output = JSON.parse(String(await tool.invoke({ query: "disk full inode", top_k: 2 }))) as {
      status: string;
      results: { citation: string; heading: string; relevance: number; text: string }[];
    };
    expect(output.status).toBe("ok");
    expect(output.results.length).toBeGreaterThan(0);
    expect(output.results.length).toBeLessThanOrEqual(2);
    expect(output.results[0]?.citation).toMatch(/^storage\/disk-full\.md#L\d+-L\d+$/);
    const prefixed = JSON.parse(String(await tool.invoke({ query: "disk", source_prefix: "databases/" }))) as {
      results: { citation: string }[];
    };
    for (const result of prefixed.results) expect(result.citation.startsWith("databases/")).toBe(true);
  });

  it("the tool returns status error JSON when the search throws", async () => {
    const tool = makeRunbookSearchTool(async () => {
      throw new Error("database is unreachable");
    });
    const output = JSON.parse(String(await tool.invoke({ query: "anything" })));
    expect(output).toEqual({ status: "error", message: "database is unreachable" });
  });
});
