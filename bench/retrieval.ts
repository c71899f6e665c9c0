import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { buildDeps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { loadConfig } from "../lib/config.js";
import { openDatabase } from "../lib/db/database.js";
import { createLogger } from "../lib/log.js";
import { analyze, termId } from "../rag/analyzer.js";
import { idf } from "../rag/bm25.js";
import { indexedChunks } from "../rag/store/chunks.js";
import { emptyStore, queryTermStatistics } from "../rag/store/corpus.js";
import { rankByTerms } from "../rag/store/ranking.js";
import type { RankedChunk } from "../rag/store/rows.js";
import type { RankTerm } from "../rag/top-k.js";
import { buildServer } from "../server/app.js";
import { type CorpusSize, type GeneratedCorpus, generateCorpus, SECTIONS_PER_FILE } from "./corpus.js";
import { dropCopies, INDEXED_COPIES, ingestTables, plainLoad, prepareCopies, snapshotTable, type TableSnapshot } from "./ingest-baseline.js";
import { type IngestProcessFigures, measureIngestFloor, measureIngestProcess, RSS_TARGET_MIB } from "./ingest-rss.js";
import { buildMemoryIndex, type MemoryDocument, type MemoryIndex, searchMemoryIndex } from "./memory-bm25.js";
import { type LoadFigures, listen, load, preflight } from "./server.js";
import {
  formatSummary,
  interleaveRepetitions,
  type Percentiles,
  percentiles,
  printTable,
  ratio,
  type Summary,
  summarise,
  timeEach,
  timeInterleaved,
} from "./stats.js";

/** Candidates the lexical ranking returns for search()'s defaults without embeddings (top_k 15 × 3 for collapsing by file). */
const RANKING_LIMIT = 15 * 3;
/** The issue's targets. */
export const TARGETS = { ingest_ratio_min: 0.5, http_over_raw_max: 1.2, rss_mib_max: RSS_TARGET_MIB, load_rps_min: 200 };
/** The issue's "today" figure for `POST /rag/search` at 20k chunks, 10 connections. */
const LOAD_TODAY = { requests_per_s: 8, p95_ms: 2200 };

/**
 * The raw-store-ranking baseline's one call into the store: its ranking with the query's IDF
 * weights already computed. Kept to this one function so a change of the store's ranking
 * signature is fixed in one place.
 */
async function rawStoreRanking(pool: pg.Pool, prepared: PreparedQuery, limit: number): Promise<RankedChunk[]> {
  return rankByTerms(pool, prepared.rank, prepared.corpus, {}, limit);
}

/** A query as search() prepares it before ranking: its terms, their statistics and IDF. */
interface PreparedQuery {
  query: string;
  terms: string[];
  rank: RankTerm[];
  corpus: { avgdl: number; maxChunkId: number };
}

/** Each query's terms with IDF, df and score bound, as search() computes them; queries with no stored term are dropped. */
async function queryWeights(pool: pg.Pool, queries: string[]): Promise<PreparedQuery[]> {
  const out: PreparedQuery[] = [];
  for (const query of queries) {
    const terms = analyze(query);
    const stats = await queryTermStatistics(pool, [...new Set(terms.map(termId))]);
    const rank = [...stats.terms.values()].map((term) => ({ ...term, idf: idf(term.df, stats.chunkCount) }));
    if (rank.length) out.push({ query, terms, rank, corpus: stats });
  }
  return out;
}

/** Every stored chunk as the in-memory engine indexes it: `analyze(indexedText(...))`, in id order. */
async function storedChunks(pool: pg.Pool): Promise<MemoryDocument[]> {
  const documents: MemoryDocument[] = [];
  let afterId = "0";
  for (;;) {
    const chunks = await indexedChunks(pool, { afterId, limit: 20_000 });
    for (const chunk of chunks) documents.push({ id: chunk.id, terms: analyze(chunk.text) });
    if (chunks.length < 20_000) return documents;
    afterId = (chunks[chunks.length - 1] as { id: string }).id;
  }
}

/** Ingest at one size: Atlas and the plain-load baseline, interleaved repetitions. */
export interface IngestComparison {
  repetitions: number;
  chunks: number;
  /** the tables the baseline wrote (what Atlas's ingest filled), with their rows and columns */
  tables: { table: string; columns: number; rows: number }[];
  atlas_seconds: Summary;
  atlas_chunks_per_s: Summary;
  baseline_seconds: Summary;
  baseline_chunks_per_s: Summary;
  /** Atlas median chunks/s ÷ baseline median chunks/s */
  ratio_atlas_to_baseline: number | null;
  /** the same load into copies keeping the tables' indexes (as Atlas's own writes must) */
  baseline_indexed_chunks_per_s: Summary;
  ratio_atlas_to_baseline_indexed: number | null;
}

export interface QueryPaths {
  raw_store_ranking: Percentiles;
  search_function: Percentiles;
  http_rag_search: Percentiles;
  memory_bm25: Percentiles;
}

export interface SizeResult {
  label: string;
  chunks: number;
  files: number;
  queries: number;
  ingest: IngestComparison;
  reingest_unchanged_seconds: number;
  query_ms: QueryPaths;
  http_over_raw: { p50: number | null; p95: number | null };
  /** the in-memory engine: index build time, and how often its top 10 equals the store's */
  memory_bm25: { build_seconds: number; top10_equal_share: number; checked_queries: number };
  load?: { label: string; chunks: number; figures: LoadFigures };
  ingest_process?: IngestProcessFigures;
  native_postgres?: { baseline_plain_insert_seconds: number; baseline_chunks_per_s: number; ts_rank_cd_gin_ms: Percentiles };
}

export interface GrowthStep {
  from: string;
  to: string;
  size_ratio: number;
  p95_ratio: Record<keyof QueryPaths, number | null>;
}

export interface RetrievalBenchResult {
  machine: { cpus: number; node: string };
  notes: string[];
  targets: typeof TARGETS;
  sizes: SizeResult[];
  growth: GrowthStep[];
  /** `pnpm ingest` of one small file into a fresh data dir: the RSS floor under the per-size figures */
  ingest_process_floor?: IngestProcessFigures;
}

export interface RetrievalOptions {
  root: string;
  sizes: CorpusSize[];
  queries: number;
  /** ingest repetitions per size (Atlas and baseline each) */
  repetitions: (size: CorpusSize) => number;
  /** the size the HTTP load runs at, and for how long */
  load?: { label: string; seconds: number; warmupSeconds: number; connections: number };
  /** sizes whose `pnpm ingest` process's peak RSS is measured */
  rssSizes: string[];
  nativeUrl?: string;
}

/** Atlas's ingest into an empty store, interleaved with the plain load of the rows it wrote. */
async function compareIngest(pool: pg.Pool, folder: string, repetitions: number): Promise<{ comparison: IngestComparison; snapshots: TableSnapshot[] }> {
  let snapshots: TableSnapshot[] | null = null;
  let chunks = 0;
  const results = await interleaveRepetitions<number>(repetitions, [
    {
      name: "atlas",
      run: async () => {
        await emptyStore(pool);
        const started = performance.now();
        const summary = await ingestPaths({ pool, embedder: null }, [folder]);
        const seconds = (performance.now() - started) / 1000;
        chunks = summary.chunks;
        return seconds;
      },
    },
    {
      name: "baseline",
      run: async () => {
        // read back once, after Atlas's first ingest, outside the timing
        if (!snapshots) {
          snapshots = [];
          for (const table of await ingestTables(pool)) snapshots.push(await snapshotTable(pool, table));
        }
        await prepareCopies(pool, snapshots);
        const started = performance.now();
        await plainLoad(pool, snapshots);
        return (performance.now() - started) / 1000;
      },
    },
    {
      // the same load into copies that keep the tables' indexes, which Atlas's writes maintain too
      name: "baseline_indexed",
      run: async () => {
        if (!snapshots) throw new Error("the bare baseline reads the rows first");
        await prepareCopies(pool, snapshots, INDEXED_COPIES);
        const started = performance.now();
        await plainLoad(pool, snapshots, INDEXED_COPIES);
        return (performance.now() - started) / 1000;
      },
    },
  ]);
  const atlas = results.get("atlas") ?? [];
  const baseline = results.get("baseline") ?? [];
  const indexed = results.get("baseline_indexed") ?? [];
  const indexedRate = summarise(indexed.map((seconds) => chunks / seconds));
  const atlasRate = summarise(atlas.map((seconds) => chunks / seconds));
  const baselineRate = summarise(baseline.map((seconds) => chunks / seconds));
  const taken = (snapshots ?? []) as TableSnapshot[];
  return {
    snapshots: taken,
    comparison: {
      repetitions,
      chunks,
      tables: taken.map((snapshot) => ({ table: snapshot.table, columns: snapshot.columns.length, rows: snapshot.rows.length })),
      atlas_seconds: summarise(atlas),
      atlas_chunks_per_s: atlasRate,
      baseline_seconds: summarise(baseline),
      baseline_chunks_per_s: baselineRate,
      ratio_atlas_to_baseline: ratio(atlasRate.median, baselineRate.median),
      baseline_indexed_chunks_per_s: indexedRate,
      ratio_atlas_to_baseline_indexed: ratio(atlasRate.median, indexedRate.median),
    },
  };
}

/** Share of queries whose top 10 ids are the same, in the same order, from the store and from the in-memory engine. */
async function topTenAgreement(pool: pg.Pool, index: MemoryIndex, queries: PreparedQuery[]): Promise<number> {
  let equal = 0;
  for (const query of queries) {
    const stored = (await rawStoreRanking(pool, query, 10)).map((row) => String(row.id));
    const memory = searchMemoryIndex(index, query.terms, 10).map((hit) => hit.id);
    if (stored.join(",") === memory.join(",")) equal++;
  }
  return queries.length ? Number((equal / queries.length).toFixed(3)) : 0;
}

/** One corpus size: ingest comparison, query latency on four paths, and the load run if it is this size. */
async function benchSize(size: CorpusSize, corpus: GeneratedCorpus, options: RetrievalOptions): Promise<SizeResult> {
  // the data dir config asks for; the in-memory database never writes to it
  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-"));
  const log = createLogger("error");
  // Auth off and no rate limit: this measures retrieval and the HTTP stack, not key checks.
  const config = loadConfig({
    ATLAS_DATA_DIR: folder,
    ATLAS_SEED_DOCS: "off",
    LOG_LEVEL: "error",
    RAG_RELEVANCY_THRESHOLD: "0",
    ATLAS_AUTH: "off",
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const deps = await buildDeps(config, log, { db: await openDatabase({}), models: [], embedder: null });
  const pool = deps.db.pool;
  try {
    const { comparison, snapshots } = await compareIngest(pool, corpus.folder, options.repetitions(size));
    await dropCopies(pool, snapshots);
    await dropCopies(pool, snapshots, INDEXED_COPIES);
    snapshots.length = 0; // let the rows go before the query phase
    const reingestStarted = performance.now();
    await ingestPaths({ pool, embedder: null }, [corpus.folder]);
    const reingestSeconds = (performance.now() - reingestStarted) / 1000;

    const queries = await queryWeights(pool, corpus.queries);
    const buildStarted = performance.now();
    const index = buildMemoryIndex(await storedChunks(pool));
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const checked = queries.slice(0, 20);
    const agreement = await topTenAgreement(pool, index, checked);

    const app = await buildServer(deps);
    const url = `${await listen(app)}/rag/search`;
    try {
      const samples = await timeInterleaved(queries, [
        { name: "raw_store_ranking", run: (q) => rawStoreRanking(pool, q, RANKING_LIMIT) },
        { name: "search_function", run: (q) => deps.search(q.query) },
        {
          name: "http_rag_search",
          run: async (q) => {
            const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: q.query }) });
            if (!response.ok) throw new Error(`POST /rag/search answered ${response.status}`);
            await response.json();
          },
        },
        { name: "memory_bm25", run: async (q) => searchMemoryIndex(index, q.terms, RANKING_LIMIT) },
      ]);
      const query_ms: QueryPaths = {
        raw_store_ranking: percentiles(samples.get("raw_store_ranking") ?? []),
        search_function: percentiles(samples.get("search_function") ?? []),
        http_rag_search: percentiles(samples.get("http_rag_search") ?? []),
        memory_bm25: percentiles(samples.get("memory_bm25") ?? []),
      };
      const result: SizeResult = {
        label: size.label,
        chunks: comparison.chunks,
        files: size.files,
        queries: queries.length,
        ingest: comparison,
        reingest_unchanged_seconds: Number(reingestSeconds.toFixed(3)),
        query_ms,
        http_over_raw: {
          p50: ratio(query_ms.http_rag_search.p50, query_ms.raw_store_ranking.p50),
          p95: ratio(query_ms.http_rag_search.p95, query_ms.raw_store_ranking.p95),
        },
        memory_bm25: { build_seconds: Number(buildSeconds.toFixed(2)), top10_equal_share: agreement, checked_queries: checked.length },
      };
      if (options.load?.label === size.label) {
        const bodies = queries.map((q) => JSON.stringify({ query: q.query }));
        await preflight(url, bodies[0] as string);
        const figures = await load({ url, bodies, ...options.load });
        result.load = { label: size.label, chunks: comparison.chunks, figures };
      }
      return result;
    } finally {
      await app.close();
    }
  } finally {
    // the process ingest and the native baseline run after this, with the in-process store closed
    await deps.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The figures of one size measured outside the bench's store: the CLI process's peak RSS, native Postgres. */
async function benchSizeOutOfProcess(size: CorpusSize, corpus: GeneratedCorpus, options: RetrievalOptions, result: SizeResult): Promise<void> {
  if (options.rssSizes.includes(size.label)) result.ingest_process = await measureIngestProcess(options.root, corpus.folder);
  if (!options.nativeUrl) return;
  // 50 queries at most: ts_rank_cd ranks every match, about a second a query at 100k
  const native = await benchNative(options.nativeUrl, plainRows(corpus.folder), corpus.queries.slice(0, 50)).catch((error: Error) => {
    if (!/ECONNREFUSED|connect/.test(error.message)) throw error;
    console.log(`native Postgres unreachable (${error.message}); embedded figures only`);
    return undefined;
  });
  if (native) result.native_postgres = native;
}

/** p95 growth from each size to the next, beside the growth in chunks. */
function growth(sizes: SizeResult[]): GrowthStep[] {
  const steps: GrowthStep[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const from = sizes[i - 1] as SizeResult;
    const to = sizes[i] as SizeResult;
    const p95 = (path: keyof QueryPaths) => ratio(to.query_ms[path].p95, from.query_ms[path].p95);
    steps.push({
      from: from.label,
      to: to.label,
      size_ratio: ratio(to.chunks, from.chunks, 1) ?? 0,
      p95_ratio: {
        raw_store_ranking: p95("raw_store_ranking"),
        search_function: p95("search_function"),
        http_rag_search: p95("http_rag_search"),
        memory_bm25: p95("memory_bm25"),
      },
    });
  }
  return steps;
}

/**
 * Retrieval and ingest at each corpus size, every figure beside a baseline measured in the
 * same run and interleaved with it: ingest beside a plain load of the same rows, queries
 * beside the store's raw ranking and an in-process BM25 engine on the same chunks.
 */
export async function benchRetrieval(options: RetrievalOptions): Promise<RetrievalBenchResult> {
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) {
    console.log(`retrieval bench: ${size.label} (${size.chunks} chunks in ${size.files} files)…`);
    const folder = mkdtempSync(join(tmpdir(), "atlas-bench-corpus-"));
    try {
      const corpus = generateCorpus(join(folder, "corpus"), size.files, SECTIONS_PER_FILE, options.queries);
      const result = await benchSize(size, corpus, options);
      await benchSizeOutOfProcess(size, corpus, options, result);
      sizes.push(result);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const floor = options.rssSizes.length ? await measureIngestFloor(options.root) : undefined;
  return {
    ...(floor ? { ingest_process_floor: floor } : {}),
    machine: { cpus: cpus().length, node: process.version },
    notes: [
      "embedded in-memory PGlite (openDatabase({})), no embedder, ATLAS_AUTH=off, no rate limit, LOG_LEVEL=error",
      "spread is min–max over the repetitions (too few for quartiles); subject and baseline repetitions alternate A B A B",
      "ingest baseline: the rows Atlas wrote (all columns of every rag_* table it filled, read back as text) loaded with multi-row INSERT ... VALUES, " +
        "≤500 rows and ≤65535 parameters a statement, one autocommit transaction each, into `create table bench_<t> (like <t>)` copies (no indexes or keys), and again into `(like <t> including indexes)` copies (primary, unique and secondary indexes kept, no foreign keys)",
      "Atlas ingest timed around ingestPaths (reading, chunking, analysing and writing) into a store emptied by emptyStore",
      `queries: each path runs on every query in turn, the first path rotating; 10 warm-up rounds untimed; ranking limit ${RANKING_LIMIT}`,
      "raw store ranking: the store's ranking query with the IDF weights precomputed; memory BM25: same chunks, analyser, K1, B and IDF, query terms precomputed",
      "peak RSS: `node scripts/run.mjs app/cli/ingest.ts <folder>` into a fresh ATLAS_DATA_DIR (PGlite on disk), the process's own ru_maxrss at exit " +
        "(a build run.mjs might spawn is not counted); the floor is the same command on one small file",
    ],
    targets: TARGETS,
    sizes,
    growth: growth(sizes),
  };
}

/** Every chunk of the generated corpus as plain rows, for the native insert baseline. */
function plainRows(folder: string): { source: string; content: string }[] {
  const rows: { source: string; content: string }[] = [];
  for (const team of readdirSync(folder)) {
    for (const file of readdirSync(join(folder, team))) {
      const text = readFileSync(join(folder, team, file), "utf8");
      for (const section of text.split(/\n(?=## )/)) rows.push({ source: `${team}/${file}`, content: section });
    }
  }
  return rows;
}

/** Native baseline ingest: the same chunk texts bulk-inserted straight through pg into a plain table. */
async function plainInsert(pool: pg.Pool, rows: { source: string; content: string }[]): Promise<number> {
  await pool.query("drop table if exists bench_plain_chunks");
  await pool.query("create table bench_plain_chunks (id bigserial primary key, source text not null, content text not null)");
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 500) {
    await pool.query(
      "insert into bench_plain_chunks (source, content) select r.source, r.content from jsonb_to_recordset($1::jsonb) as r(source text, content text)",
      [JSON.stringify(rows.slice(i, i + 500))],
    );
  }
  return (performance.now() - started) / 1000;
}

/** Native Postgres has no pgvector here: the vector-free baselines only (plain insert, ts_rank_cd with GIN). */
async function benchNative(url: string, rows: { source: string; content: string }[], queries: string[]) {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const name = `atlas_bench_${process.pid}`;
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 2 });
  try {
    const seconds = await plainInsert(pool, rows);
    await pool.query("alter table bench_plain_chunks add column tsv tsvector generated always as (to_tsvector('english', content)) stored");
    await pool.query("create index on bench_plain_chunks using gin (tsv)");
    await pool.query("analyze bench_plain_chunks");
    const samples = await timeEach(queries, (query) =>
      pool.query(
        "select id, source, ts_rank_cd(tsv, q) as rank from bench_plain_chunks, websearch_to_tsquery('english', $1) q where tsv @@ q order by rank desc limit 15",
        [query.replace(/\s+/g, " or ")],
      ),
    );
    return {
      baseline_plain_insert_seconds: Number(seconds.toFixed(3)),
      baseline_chunks_per_s: Math.round(rows.length / seconds),
      ts_rank_cd_gin_ms: percentiles(samples),
    };
  } finally {
    await pool.end();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  }
}

const fmt = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? "n/a" : value.toFixed(digits));

export function printRetrievalBench(result: RetrievalBenchResult): void {
  console.log(`\nIngest into an empty store, chunks/s: median (min–max) over interleaved repetitions (embedded PGlite, ${result.machine.cpus} CPUs)`);
  printTable(
    [
      "size",
      "chunks",
      "reps",
      "atlas chunks/s",
      "baseline chunks/s (bare copies)",
      "atlas ÷ baseline",
      `target ≥ ${TARGETS.ingest_ratio_min}`,
      "baseline with indexes",
      "atlas ÷ that",
      "re-ingest unchanged s",
    ],
    result.sizes.map((size) => [
      size.label,
      String(size.chunks),
      String(size.ingest.repetitions),
      formatSummary(size.ingest.atlas_chunks_per_s),
      formatSummary(size.ingest.baseline_chunks_per_s),
      fmt(size.ingest.ratio_atlas_to_baseline),
      size.ingest.ratio_atlas_to_baseline !== null && size.ingest.ratio_atlas_to_baseline >= TARGETS.ingest_ratio_min ? "met" : "NOT met",
      formatSummary(size.ingest.baseline_indexed_chunks_per_s),
      fmt(size.ingest.ratio_atlas_to_baseline_indexed),
      String(size.reingest_unchanged_seconds),
    ]),
  );
  for (const size of result.sizes) {
    console.log(`  ${size.label} baseline tables: ${size.ingest.tables.map((t) => `${t.table} ${t.rows} rows × ${t.columns} cols`).join(", ")}`);
  }

  console.log("\nQuery latency, ms (embedded PGlite; paths interleaved per query)");
  const paths: [keyof QueryPaths, string][] = [
    ["raw_store_ranking", "baseline: raw store ranking (IDF precomputed)"],
    ["memory_bm25", "baseline: in-process BM25 (same chunks)"],
    ["search_function", "search()"],
    ["http_rag_search", "HTTP POST /rag/search (loopback)"],
  ];
  const rows: string[][] = [];
  for (const size of result.sizes) {
    for (const [key, name] of paths) {
      const p = size.query_ms[key];
      rows.push([size.label, name, String(p.n), String(p.p50), String(p.p95), String(p.p99), String(p.mean)]);
    }
  }
  printTable(["size", "path", "n", "p50", "p95", "p99", "mean"], rows);
  for (const size of result.sizes) {
    console.log(
      `  ${size.label}: HTTP ÷ raw ${fmt(size.http_over_raw.p50)} at p50, ${fmt(size.http_over_raw.p95)} at p95 (target ≤ ${TARGETS.http_over_raw_max}); ` +
        `in-process BM25 built in ${size.memory_bm25.build_seconds} s, top 10 equal to the store's on ${(size.memory_bm25.top10_equal_share * 100).toFixed(0)} % of ${size.memory_bm25.checked_queries} queries`,
    );
  }

  if (result.growth.length) {
    console.log("\nLatency growth with corpus size: p95 ratio (sub-linear: well under the size ratio)");
    printTable(
      ["step", "size ratio", "raw p95", "memory p95", "search() p95", "HTTP p95"],
      result.growth.map((step) => [
        `${step.from} → ${step.to}`,
        `${step.size_ratio}×`,
        `${fmt(step.p95_ratio.raw_store_ranking)}×`,
        `${fmt(step.p95_ratio.memory_bm25)}×`,
        `${fmt(step.p95_ratio.search_function)}×`,
        `${fmt(step.p95_ratio.http_rag_search)}×`,
      ]),
    );
  }

  const processes: [string, IngestProcessFigures][] = result.sizes.flatMap((size) => (size.ingest_process ? [[size.label, size.ingest_process]] : []));
  if (result.ingest_process_floor) processes.push(["floor: 1 small file", result.ingest_process_floor]);
  if (processes.length) {
    console.log(`\nPeak RSS of \`pnpm ingest\` as a process (PGlite on disk, fresh data dir; target < ${TARGETS.rss_mib_max} MiB)`);
    printTable(
      ["corpus", "peak RSS MiB", "seconds", "exit", "target"],
      processes.map(([label, p]) => [
        label,
        fmt(p.peak_rss_mib, 1),
        String(p.seconds),
        String(p.exit_code),
        p.peak_rss_mib !== null && p.peak_rss_mib < TARGETS.rss_mib_max ? "met" : "NOT met",
      ]),
    );
  }

  for (const size of result.sizes) {
    if (!size.load) continue;
    const f = size.load.figures;
    console.log(`\nPOST /rag/search under load at ${size.load.label} (${size.load.chunks} chunks): ${f.connections} connections, ${f.duration_s} s`);
    printTable(
      ["what", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "non-2xx"],
      [
        [
          "measured",
          f.requests_per_s.toFixed(1),
          String(f.latency_ms.p50),
          String(f.latency_ms.p95),
          String(f.latency_ms.p99),
          String(f.errors + f.timeouts),
          String(f.non_2xx),
        ],
        ["issue's today (20k)", String(LOAD_TODAY.requests_per_s), "", String(LOAD_TODAY.p95_ms), "", "", ""],
      ],
    );
    const note = size.load.label === "20k" ? "" : " (not the 20k size: indicative only)";
    console.log(
      `  target ≥ 25× today (${TARGETS.load_rps_min} req/s): measured ${f.requests_per_s.toFixed(1)} req/s = ${fmt(ratio(f.requests_per_s, LOAD_TODAY.requests_per_s, 1), 1)}× today${note}`,
    );
  }

  const natives = result.sizes.filter((size) => size.native_postgres);
  if (natives.length) {
    console.log("\nNative Postgres (no pgvector: vector-free baselines only)");
    printTable(
      ["size", "plain insert of same texts", "ts_rank_cd + GIN p50/p95/p99 ms"],
      natives.map((size) => {
        const nat = size.native_postgres as NonNullable<SizeResult["native_postgres"]>;
        return [
          size.label,
          `${nat.baseline_plain_insert_seconds} s (${nat.baseline_chunks_per_s} chunks/s)`,
          `${nat.ts_rank_cd_gin_ms.p50} / ${nat.ts_rank_cd_gin_ms.p95} / ${nat.ts_rank_cd_gin_ms.p99}`,
        ];
      }),
    );
  }
  for (const note of result.notes) console.log(`- ${note}`);
}
