import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Deps } from "../app/deps.js";
import { seedRunbooks } from "../app/seed.js";
import type { Database } from "../lib/db/database.js";
import { createLogger } from "../lib/log.js";
import { indexedText, lexicalTerms } from "../rag/lexical.js";
import { makeRunbookSearch } from "../rag/search.js";
import { badFileReasons, writeBadFilesFolder } from "../test/fixtures/bad-files.js";
import { fakeEmbedding, makeFakeEmbedder } from "../test/fixtures/fake-embedder.js";
import { testConfig } from "../test/helpers/config.js";
import { embeddedTestDatabase } from "../test/helpers/databases.js";
import { postedWeights, resetRunbookStore, statisticsCheck } from "../test/helpers/runbook-store.js";
import { copyFixtureRunbooks, fixtureRunbooksDir, makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { chunkDocument } from "./chunker.js";
import { readSourceRoot } from "./files.js";
import { ingestPaths } from "./ingest.js";

let db: Database;
let tmp: string;

beforeAll(async () => {
  db = await embeddedTestDatabase();
  tmp = makeTmpDir("atlas-ingest-");
});
afterAll(async () => {
  await db?.close();
  removeTmpDir(tmp);
});

async function expectExactStatistics(): Promise<void> {
  const check = await statisticsCheck(db.pool);
  expect(check.storedDf).toEqual(check.recomputedDf);
  expect(check.stored).toEqual(check.recomputed);
  expect(check.indexProblems).toEqual([]);
  const { rows } = await db.pool.query<{ n: number }>("select count(*)::int as n from rag_terms where df <= 0");
  expect(rows[0]?.n).toBe(0);
}

async function chunkCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>("select count(*)::int as n from rag_chunks");
  return rows[0]?.n ?? -1;
}

/** Chunk ids of one document, to tell rewritten chunks from untouched ones. */
async function chunkIds(source: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    "select c.id from rag_chunks c join rag_documents d on d.id = c.document_id where d.source = $1 order by c.id",
    [source],
  );
  return rows.map((row) => row.id);
}

describe("ingestPaths: add, skip unchanged, update, prune", () => {
  let folder: string;
  let expectedChunks: number;

  beforeAll(async () => {
    await resetRunbookStore(db.pool);
    folder = copyFixtureRunbooks(tmp, "runbooks");
    const root = await readSourceRoot(folder);
    expectedChunks = root.files.reduce((sum, file) => sum + chunkDocument(file.text, { markdown: file.markdown }).length, 0);
  });

  it("first run adds every file and records exact statistics", async () => {
    const progress: [number, number][] = [];
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder], {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(summary).toMatchObject({
      files_seen: 5,
      added: 5,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      pruned: 0,
      chunks: expectedChunks,
      collections: ["runbooks"],
      skipped_files: [],
      embedded: 0,
    });
    expect(await chunkCount()).toBe(expectedChunks);
    expect(progress.at(-1)).toEqual([5, 5]);

    const { rows } = await db.pool.query<{ source: string; title: string | null; chunk_count: number; collection: string }>(
      "select source, title, chunk_count, collection from rag_documents order by source",
    );
    expect(rows.map((row) => row.source)).toEqual([
      "compute/kube-pod-crashlooping.md",
      "databases/postgres-replication-lag.md",
      "networking/dns-resolution.md",
      "notes/oncall-handover.txt",
      "storage/disk-full.md",
    ]);
    expect(rows.find((row) => row.source.startsWith("databases/"))?.title).toBe("Postgres replication lag");
    expect(rows.find((row) => row.source.endsWith(".txt"))?.title).toBeNull();
    for (const row of rows) expect(row.collection).toBe("runbooks");

    // Front matter is not stored as content.
    const frontMatter = await db.pool.query("select 1 from rag_chunks where content like '%owner: platform-db%'");
    expect(frontMatter.rows).toHaveLength(0);

    // First ingest weights with the batch's own average chunk length.
    const corpus = await db.pool.query<{ weights_avgdl: number; chunk_count: string; term_total: string }>(
      "select weights_avgdl, chunk_count, term_total from rag_corpus",
    );
    const stats = corpus.rows[0];
    expect(stats?.weights_avgdl).toBeCloseTo(Number(stats?.term_total) / Number(stats?.chunk_count), 9);
    await expectExactStatistics();
  });

  it("second run finds every file unchanged and writes nothing", async () => {
    const before = await chunkIds("storage/disk-full.md");
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary).toMatchObject({ files_seen: 5, added: 0, updated: 0, unchanged: 5, chunks: 0, reweighted: false });
    expect(await chunkIds("storage/disk-full.md")).toEqual(before);
    await expectExactStatistics();
  });

  it("a modified file is updated and its old chunks are gone", async () => {
    const path = join(folder, "storage", "disk-full.md");
    const before = await chunkIds("storage/disk-full.md");
    writeFileSync(path, readFileSync(path, "utf8").replace("resize2fs", "growpart-then-resize"));
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary).toMatchObject({ added: 0, updated: 1, unchanged: 4 });
    expect(summary.chunks).toBe(chunkDocument(readFileSync(path, "utf8")).length);
    const after = await chunkIds("storage/disk-full.md");
    expect(after.some((id) => before.includes(id))).toBe(false);
    const old = await db.pool.query("select 1 from rag_chunks where content like '%resize2fs%'");
    expect(old.rows).toHaveLength(0);
    const fresh = await db.pool.query("select 1 from rag_chunks where content like '%growpart-then-resize%'");
    expect(fresh.rows).toHaveLength(1);
    await expectExactStatistics();
  });

  it("a new file is added next to unchanged ones", async () => {
    mkdirSync(join(folder, "security"), { recursive: true });
    writeFileSync(
      join(folder, "security", "rotate-keys.md"),
      "# Rotate leaked keys\n\n## Resolution\n\nRevoke the leaked access key, issue a new one and audit CloudTrail.\n",
    );
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary).toMatchObject({ files_seen: 6, added: 1, updated: 0, unchanged: 5 });
    await expectExactStatistics();
  });

  it("a deleted file stays without --prune and is removed with it", async () => {
    const [coreDnsId] = [...lexicalTerms("coredns").tf.keys()];
    const dfBefore = await db.pool.query<{ df: number }>("select df from rag_terms where term_id = $1", [coreDnsId]);
    expect(dfBefore.rows[0]?.df).toBeGreaterThan(0);
    rmSync(join(folder, "networking", "dns-resolution.md"));
    const kept = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(kept.pruned).toBe(0);
    expect(await chunkIds("networking/dns-resolution.md")).not.toHaveLength(0);

    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder], { prune: true });
    expect(summary).toMatchObject({ pruned: 1, unchanged: 5, added: 0 });
    expect(await chunkIds("networking/dns-resolution.md")).toHaveLength(0);
    const docs = await db.pool.query("select 1 from rag_documents where source = 'networking/dns-resolution.md'");
    expect(docs.rows).toHaveLength(0);
    // A term only that runbook used (CoreDNS) no longer has a document frequency.
    const df = await db.pool.query("select df from rag_terms where term_id = $1", [coreDnsId]);
    expect(df.rows).toHaveLength(0);
    await expectExactStatistics();
  });

  it("a file changed to hold nothing indexable no longer serves its old text", async () => {
    const path = join(folder, "security", "rotate-keys.md");
    writeFileSync(path, "---\ntitle: emptied\n---\n");
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary.skipped_files).toEqual([{ source: "security/rotate-keys.md", reason: "no text to index", collection: "runbooks" }]);
    expect(await chunkIds("security/rotate-keys.md")).toHaveLength(0);
    const old = await db.pool.query("select 1 from rag_chunks where content like '%CloudTrail%'");
    expect(old.rows).toHaveLength(0);
    await expectExactStatistics();
  });

  it("files under another collection name are separate documents", async () => {
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [join(folder, "storage")], { collection: "copy" });
    expect(summary).toMatchObject({ added: 1, collections: ["copy"] });
    const { rows } = await db.pool.query<{ collection: string }>("select collection from rag_documents where source = 'disk-full.md'");
    expect(rows).toEqual([{ collection: "copy" }]);
    await expectExactStatistics();
  });
});

describe("ingestPaths: several paths in one collection", () => {
  beforeAll(async () => {
    await resetRunbookStore(db.pool);
  });

  it("--prune keeps the documents of every path given, not only the last", async () => {
    const first = join(tmp, "team-a");
    const second = join(tmp, "team-b");
    mkdirSync(first, { recursive: true });
    mkdirSync(second, { recursive: true });
    writeFileSync(join(first, "a.md"), "# Runbook A\n\nRestart the alpha service.\n");
    writeFileSync(join(first, "gone.md"), "# Gone\n\nThis runbook will be deleted.\n");
    writeFileSync(join(second, "b.md"), "# Runbook B\n\nRestart the beta service.\n");
    const options = { collection: "ops", prune: true };
    const initial = await ingestPaths({ pool: db.pool, embedder: null }, [first, second], options);
    expect(initial).toMatchObject({ added: 3, pruned: 0 });

    rmSync(join(first, "gone.md"));
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [first, second], options);
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: 2, pruned: 1 });
    const { rows } = await db.pool.query<{ source: string }>("select source from rag_documents where collection = 'ops' order by source");
    expect(rows.map((row) => row.source)).toEqual(["a.md", "b.md"]);
    await expectExactStatistics();
  });
});

describe("ingestPaths: a folder with bad files", () => {
  beforeAll(async () => {
    await resetRunbookStore(db.pool);
  });

  it("skips each bad file with its reason and still ingests the good one", async () => {
    const folder = writeBadFilesFolder(tmp, "mixed");
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary.added).toBe(1);
    expect(summary.skipped).toBe(Object.keys(badFileReasons).length);
    expect(summary.files_seen).toBe(Object.keys(badFileReasons).length + 1);
    for (const [source, reason] of Object.entries(badFileReasons)) {
      const skipped = summary.skipped_files.find((file) => file.source === source);
      expect(skipped?.collection).toBe("mixed");
      expect(skipped?.reason).toMatch(reason);
    }
    const { rows } = await db.pool.query<{ source: string }>("select source from rag_documents");
    expect(rows).toEqual([{ source: "nested/deeper/good-runbook.md" }]);
    await expectExactStatistics();
  });

  it("reports a document without indexable text as skipped", async () => {
    const folder = join(tmp, "front-matter-only");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "only-meta.md"), "---\ntitle: nothing else\n---\n");
    const summary = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(summary).toMatchObject({ added: 0, skipped: 1 });
    expect(summary.skipped_files).toEqual([{ source: "only-meta.md", reason: "no text to index", collection: "front-matter-only" }]);
  });
});

describe("ingestPaths: BM25 weights follow the average chunk length", () => {
  beforeEach(async () => {
    await resetRunbookStore(db.pool);
  });

  it("recomputes every chunk's weights when avgdl drifts (short docs, then long docs)", async () => {
    const short = join(tmp, "short");
    const long = join(tmp, "long");
    mkdirSync(short, { recursive: true });
    mkdirSync(long, { recursive: true });
    for (let i = 0; i < 4; i++) writeFileSync(join(short, `short-${i}.md`), `# Short ${i}\n\nRestart service ${i} quickly.\n`);
    const words = "replica primary lag replay storage volume network latency throughput capacity".split(" ");
    for (let i = 0; i < 4; i++) {
      const body = Array.from({ length: 120 }, (_, w) => `${words[(w + i) % words.length]}${w % 7}`).join(" ");
      writeFileSync(join(long, `long-${i}.md`), `# Long ${i}\n\n${body}\n`);
    }

    const first = await ingestPaths({ pool: db.pool, embedder: null }, [short]);
    expect(first.reweighted).toBe(false);
    const before = await db.pool.query<{ weights_avgdl: number }>("select weights_avgdl from rag_corpus");
    const shortAvgdl = before.rows[0]?.weights_avgdl ?? 0;

    const second = await ingestPaths({ pool: db.pool, embedder: null }, [long]);
    expect(second.reweighted).toBe(true);
    const after = await db.pool.query<{ weights_avgdl: number; chunk_count: string; term_total: string }>(
      "select weights_avgdl, chunk_count, term_total from rag_corpus",
    );
    const stats = after.rows[0];
    const actualAvgdl = Number(stats?.term_total) / Number(stats?.chunk_count);
    expect(stats?.weights_avgdl).toBeCloseTo(actualAvgdl, 9);
    expect(actualAvgdl).toBeGreaterThan(shortAvgdl * 2);

    // Every stored weight, short chunks included, now uses the new average length.
    const { rows } = await db.pool.query<{ id: string; title: string | null; source: string; heading_path: string[]; content: string }>(
      "select c.id, d.title, d.source, c.heading_path, c.content from rag_chunks c join rag_documents d on d.id = c.document_id",
    );
    expect(rows).toHaveLength(8);
    const posted = await postedWeights(db.pool);
    for (const row of rows) {
      const terms = lexicalTerms(indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content }));
      const stored = posted.get(Number(row.id)) ?? new Map<number, number>();
      expect(stored.size).toBe(terms.tf.size);
      for (const [id, tf] of terms.tf) {
        const expected = (tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * terms.length) / actualAvgdl));
        const weight = stored.get(id) ?? Number.NaN;
        expect(Math.abs(weight - expected) / expected).toBeLessThan(1e-5);
      }
    }
    await expectExactStatistics();
  });
});

describe("ingestPaths: index segments", () => {
  beforeEach(async () => {
    await resetRunbookStore(db.pool);
  });

  async function segments(): Promise<{ chunks: number; dead: number }[]> {
    const { rows } = await db.pool.query<{ chunks: number; dead: number }>("select chunks, dead from rag_segments order by id");
    return rows;
  }

  it("merges small segments once there are more than eight, and the search still finds every file", async () => {
    const folder = join(tmp, "one-by-one");
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(folder, `note-${i}.md`), `# Note ${i}\n\nThe quokka${i} service restarts nightly.\n`);
      // one file per ingest: one small segment each
      await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
      expect((await segments()).length).toBeLessThanOrEqual(9);
    }
    await expectExactStatistics();
    const search = makeRunbookSearch({ pool: db.pool, embedder: null, defaults: { top_k: 20, threshold: 0, collapse_by_file: true } });
    for (let i = 0; i < 12; i++) expect((await search(`quokka${i}`)).map((hit) => hit.source)).toEqual([`note-${i}.md`]);
  });

  it("counts replaced chunks as dead and rebuilds a segment once a quarter of it is gone", async () => {
    const folder = join(tmp, "churn");
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 8; i++) writeFileSync(join(folder, `page-${i}.md`), `# Page ${i}\n\nwombat ${i}\n`);
    await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    expect(await segments()).toEqual([{ chunks: 8, dead: 0 }]);
    writeFileSync(join(folder, "page-0.md"), "# Page 0\n\nwombat zero, revised\n");
    await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    // one of eight gone: kept, with the dead entry counted
    expect(await segments()).toEqual([
      { chunks: 8, dead: 1 },
      { chunks: 1, dead: 0 },
    ]);
    await expectExactStatistics();
    writeFileSync(join(folder, "page-1.md"), "# Page 1\n\nwombat one, revised\n");
    await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    // two of eight gone (25 %): the segments are rebuilt without their dead entries
    const after = await segments();
    expect(after.every((segment) => segment.dead === 0)).toBe(true);
    expect(after.reduce((sum, segment) => sum + segment.chunks, 0)).toBe(8);
    await expectExactStatistics();
    const search = makeRunbookSearch({ pool: db.pool, embedder: null, defaults: { top_k: 20, threshold: 0, collapse_by_file: false } });
    expect((await search("revised")).map((hit) => hit.source).sort()).toEqual(["page-0.md", "page-1.md"]);
  });
});

describe("ingestPaths: write-ahead log on the embedded database", () => {
  beforeEach(async () => {
    await resetRunbookStore(db.pool);
  });

  /** Where the last checkpoint's redo starts, and where the log ends, as byte positions. */
  async function walPositions(): Promise<{ redo: bigint; insert: bigint }> {
    const { rows } = await db.pool.query<{ redo: string; insert: string }>(
      "select (redo_lsn - '0/0'::pg_lsn)::text as redo, (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text as insert from pg_control_checkpoint()",
    );
    return { redo: BigInt(rows[0]?.redo ?? "0"), insert: BigInt(rows[0]?.insert ?? "0") };
  }

  it("checkpoints after writing when asked, so the log written by the load can be recycled", async () => {
    const before = await walPositions();
    await ingestPaths({ pool: db.pool, embedder: null, checkpoint: true }, [copyFixtureRunbooks(tmp, "wal-on")]);
    const after = await walPositions();
    expect(after.insert).toBeGreaterThan(before.insert);
    // the checkpoint happened after the load's writes: redo starts past where the load began
    expect(after.redo).toBeGreaterThan(before.insert);
  });

  it("leaves checkpoints to the database when not asked (a server Postgres)", async () => {
    const before = await walPositions();
    await ingestPaths({ pool: db.pool, embedder: null }, [copyFixtureRunbooks(tmp, "wal-off")]);
    const after = await walPositions();
    expect(after.insert).toBeGreaterThan(before.insert);
    expect(after.redo).toBeLessThanOrEqual(before.insert);
  });
});

describe("ingestPaths: embeddings", () => {
  let folder: string;

  beforeAll(async () => {
    await resetRunbookStore(db.pool);
    folder = copyFixtureRunbooks(tmp, "embedded-runbooks");
  });

  it("stores a vector per chunk and records the model (fake embedder fixture)", async () => {
    const embedder = makeFakeEmbedder({ model: "fake-hash-a", dims: 64 });
    const summary = await ingestPaths({ pool: db.pool, embedder }, [folder]);
    expect(summary.added).toBe(5);
    const corpus = await db.pool.query("select embedding_model, embedding_dims from rag_corpus");
    expect(corpus.rows).toEqual([{ embedding_model: "fake-hash-a", embedding_dims: 64 }]);
    const { rows } = await db.pool.query<{ title: string | null; source: string; heading_path: string[]; content: string; embedding: string | null }>(
      "select d.title, d.source, c.heading_path, c.content, c.embedding::text as embedding from rag_chunks c join rag_documents d on d.id = c.document_id",
    );
    expect(rows).toHaveLength(summary.chunks);
    expect(embedder.calls.flat()).toHaveLength(summary.chunks);
    for (const row of rows) {
      const stored = JSON.parse(row.embedding ?? "null") as number[];
      const expected = fakeEmbedding(indexedText({ title: row.title, source: row.source, headingPath: row.heading_path, content: row.content }), 64);
      expect(stored).toHaveLength(64);
      for (const [i, value] of stored.entries()) expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 5);
    }
  });

  it("refuses an embedder of another model and points at --reembed", async () => {
    const other = makeFakeEmbedder({ model: "fake-hash-b", dims: 64 });
    await expect(ingestPaths({ pool: db.pool, embedder: other }, [folder])).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("--reembed"),
    });
    expect(other.calls).toHaveLength(0);
  });

  it("re-embeds every chunk with the new model when asked", async () => {
    const other = makeFakeEmbedder({ model: "fake-hash-b", dims: 64 });
    const summary = await ingestPaths({ pool: db.pool, embedder: other }, [folder], { reembed: true });
    const total = await chunkCount();
    expect(summary).toMatchObject({ unchanged: 5, embedded: total });
    expect(other.calls.flat()).toHaveLength(total);
    const corpus = await db.pool.query("select embedding_model, embedding_dims from rag_corpus");
    expect(corpus.rows).toEqual([{ embedding_model: "fake-hash-b", embedding_dims: 64 }]);
    const missing = await db.pool.query("select 1 from rag_chunks where embedding is null");
    expect(missing.rows).toHaveLength(0);
  });

  it("refuses vectors of another size under the same model and leaves the store as it was", async () => {
    const path = join(folder, "storage", "disk-full.md");
    writeFileSync(path, `${readFileSync(path, "utf8")}\nOne more line.\n`);
    const hashBefore = await db.pool.query("select content_hash from rag_documents where source = 'storage/disk-full.md'");
    const narrow = makeFakeEmbedder({ model: "fake-hash-b", dims: 32 });
    await expect(ingestPaths({ pool: db.pool, embedder: narrow }, [folder])).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/32 dimensions.*64-dimension/),
    });
    const hashAfter = await db.pool.query("select content_hash from rag_documents where source = 'storage/disk-full.md'");
    expect(hashAfter.rows).toEqual(hashBefore.rows);
    const corpus = await db.pool.query("select embedding_model, embedding_dims from rag_corpus");
    expect(corpus.rows).toEqual([{ embedding_model: "fake-hash-b", embedding_dims: 64 }]);
  });

  it("backfills vectors for chunks ingested before an embedder was configured", async () => {
    await resetRunbookStore(db.pool);
    const plain = await ingestPaths({ pool: db.pool, embedder: null }, [folder]);
    const nulls = await db.pool.query("select 1 from rag_chunks where embedding is null");
    expect(nulls.rows).toHaveLength(plain.chunks);
    const embedder = makeFakeEmbedder({ model: "fake-hash-c" });
    const summary = await ingestPaths({ pool: db.pool, embedder }, [folder]);
    expect(summary).toMatchObject({ unchanged: 5, embedded: plain.chunks });
    const still = await db.pool.query("select 1 from rag_chunks where embedding is null");
    expect(still.rows).toHaveLength(0);
  });

  it("--reembed without an embedder is a validation error", async () => {
    await expect(ingestPaths({ pool: db.pool, embedder: null }, [folder], { reembed: true })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("OPENAI_API_KEY"),
    });
  });
});

describe("seedRunbooks (server start-up)", () => {
  /** The parts of Deps that seeding uses; the rest of the container is not needed here. */
  const seedDeps = (seedDocs: string) =>
    ({ config: testConfig({ ATLAS_SEED_DOCS: seedDocs }), db, embedder: null, log: createLogger("silent") }) as unknown as Deps;

  beforeAll(async () => {
    await resetRunbookStore(db.pool);
  });

  it("does nothing when seeding is off or the folder does not exist", async () => {
    await seedRunbooks(seedDeps("off"));
    await seedRunbooks(seedDeps(join(tmp, "no-such-folder")));
    expect(await chunkCount()).toBe(0);
  });

  it("ingests the seed folder into an empty store, and only then", async () => {
    await seedRunbooks(seedDeps(fixtureRunbooksDir));
    const { rows } = await db.pool.query<{ n: number }>("select count(*)::int as n from rag_documents");
    expect(rows[0]?.n).toBe(5);
    const before = await chunkIds("storage/disk-full.md");

    const other = join(tmp, "other-seed");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "extra.md"), "# Extra\n\nShould not be seeded into a store that has documents.\n");
    await seedRunbooks(seedDeps(other));
    const after = await db.pool.query<{ n: number }>("select count(*)::int as n from rag_documents");
    expect(after.rows[0]?.n).toBe(5);
    expect(await chunkIds("storage/disk-full.md")).toEqual(before);
  });
});
