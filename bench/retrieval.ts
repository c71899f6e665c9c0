import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { buildDeps } from "../app/deps.js";
import { ingestPaths } from "../ingest/ingest.js";
import { loadConfig } from "../lib/config.js";
import { openDatabase } from "../lib/db/database.js";
import { createLogger } from "../lib/log.js";
import { analyze, TERM_SPACE, termId } from "../rag/analyzer.js";
import { idf } from "../rag/bm25.js";
import { termStatistics } from "../rag/store/corpus.js";
import { lexicalRanking } from "../rag/store/ranking.js";
import { sparsevecLiteral } from "../rag/store/vectors.js";
import { buildServer } from "../server/app.js";
import { generateCorpus } from "./corpus.js";
import { type Percentiles, percentiles, printTable, timeEach } from "./stats.js";

/** Every chunk of the generated corpus as plain rows, for the insert baseline. */
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

/** Baseline ingest: the same chunk texts bulk-inserted straight through pg into a plain table. */
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

export interface RetrievalBenchResult {
  chunks: number;
  ingest: { atlas_seconds: number; atlas_chunks_per_s: number; baseline_plain_insert_seconds: number; baseline_chunks_per_s: number };
  reingest_unchanged: { seconds: number; ratio_to_first: number };
  query_ms: { raw_sql: Percentiles; search_function: Percentiles; http_rag_search: Percentiles };
  native_postgres?: { baseline_plain_insert_seconds: number; baseline_chunks_per_s: number; ts_rank_cd_gin_ms: Percentiles };
}

/**
 * Retrieval and ingest benchmark on a generated corpus, each figure beside a raw-SQL
 * baseline measured in the same run.
 */
export async function benchRetrieval(options: { files: number; sectionsPerFile: number; queries: number; nativeUrl?: string }): Promise<RetrievalBenchResult> {
  const folder = mkdtempSync(join(tmpdir(), "atlas-bench-"));
  const corpus = generateCorpus(join(folder, "corpus"), options.files, options.sectionsPerFile, options.queries);
  const db = await openDatabase({});
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
  const deps = await buildDeps(config, log, { db, models: [], embedder: null });
  try {
    const first = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [corpus.folder]);
    const second = await ingestPaths({ pool: deps.db.pool, embedder: deps.embedder }, [corpus.folder]);
    const rows = plainRows(corpus.folder);
    const plainSeconds = await plainInsert(deps.db.pool, rows);

    // The baseline gets the query vector precomputed, so it measures only the ranking query:
    // the store's one SQL statement, straight through pg, without IDF lookup or snippets.
    const vectors: string[] = [];
    for (const query of corpus.queries) {
      const { chunkCount, df } = await termStatistics(deps.db.pool, [...new Set(analyze(query).map(termId))]);
      vectors.push(sparsevecLiteral(new Map([...df].map(([id, frequency]) => [id, idf(frequency, chunkCount)])), TERM_SPACE));
    }
    const raw = await timeEach(vectors, (vector) => lexicalRanking(deps.db.pool, vector, {}, 15 * 4 * 3));
    const fn = await timeEach(corpus.queries, (query) => deps.search(query));
    const app = await buildServer(deps);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/rag/search`;
    const http = await timeEach(corpus.queries, async (query) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      await response.json();
    });
    await app.close();

    const result: RetrievalBenchResult = {
      chunks: first.chunks,
      ingest: {
        atlas_seconds: first.seconds,
        atlas_chunks_per_s: Math.round(first.chunks / first.seconds),
        baseline_plain_insert_seconds: Number(plainSeconds.toFixed(3)),
        baseline_chunks_per_s: Math.round(rows.length / plainSeconds),
      },
      reingest_unchanged: { seconds: second.seconds, ratio_to_first: Number((second.seconds / first.seconds).toFixed(4)) },
      query_ms: { raw_sql: percentiles(raw), search_function: percentiles(fn), http_rag_search: percentiles(http) },
    };
    if (options.nativeUrl) result.native_postgres = await benchNative(options.nativeUrl, rows, corpus.queries);
    return result;
  } finally {
    await deps.close();
    rmSync(folder, { recursive: true, force: true });
  }
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

export function printRetrievalBench(result: RetrievalBenchResult): void {
  console.log(`\nIngest (${result.chunks} chunks, embedded PGlite)`);
  printTable(
    ["what", "seconds", "chunks/s"],
    [
      ["atlas ingest (chunk + BM25 + df stats)", String(result.ingest.atlas_seconds), String(result.ingest.atlas_chunks_per_s)],
      ["baseline: plain insert of same texts", String(result.ingest.baseline_plain_insert_seconds), String(result.ingest.baseline_chunks_per_s)],
      [
        "atlas re-ingest, corpus unchanged",
        String(result.reingest_unchanged.seconds),
        `${(result.reingest_unchanged.ratio_to_first * 100).toFixed(2)} % of first`,
      ],
    ],
  );
  console.log("\nQuery latency, ms (embedded PGlite)");
  const q = result.query_ms;
  printTable(
    ["path", "n", "p50", "p95", "p99"],
    [
      ["baseline: raw ranking SQL via pg", q.raw_sql],
      ["search() (IDF lookup + ranking + snippets)", q.search_function],
      ["HTTP POST /rag/search (loopback)", q.http_rag_search],
    ].map(([name, p]) => [
      name as string,
      String((p as Percentiles).n),
      String((p as Percentiles).p50),
      String((p as Percentiles).p95),
      String((p as Percentiles).p99),
    ]),
  );
  console.log(`server overhead over raw SQL at p95: ${(q.http_rag_search.p95 / q.raw_sql.p95).toFixed(2)}x`);
  if (result.native_postgres) {
    const nat = result.native_postgres;
    console.log("\nNative Postgres 15 (no pgvector: vector-free baselines only)");
    printTable(
      ["what", "value"],
      [
        ["plain insert of same texts", `${nat.baseline_plain_insert_seconds} s (${nat.baseline_chunks_per_s} chunks/s)`],
        ["ts_rank_cd + GIN query p50/p95/p99 ms", `${nat.ts_rank_cd_gin_ms.p50} / ${nat.ts_rank_cd_gin_ms.p95} / ${nat.ts_rank_cd_gin_ms.p99}`],
      ],
    );
  }
}
