import type pg from "pg";

/**
 * The ingest baseline: the very rows Atlas's ingest wrote, every column of every table it
 * fills, read back once and then written by a plain loader (multi-row `INSERT ... VALUES`)
 * into `bench_<table>` copies. It measures what writing those rows costs without Atlas's
 * chunking, analysis and bookkeeping, so Atlas ÷ baseline is the price of the rest.
 */

/** One table's rows as text, in the order read (ctid order), columns as the catalogue lists them. */
export interface TableSnapshot {
  table: string;
  columns: string[];
  /** row-major: rows.length × columns.length values, each the column's text form or null */
  rows: (string | null)[][];
}

/** Rows a batch aims for, as a typical loader's batch size. */
const BATCH_ROWS = 500;
/** The protocol's bind-parameter limit (a 16-bit count). */
const MAX_PARAMETERS = 65_535;
/** Rows read back per query, so a large table never makes one enormous result. */
const READ_PAGE = 20_000;

/**
 * The tables an ingest writes: every `rag_*` table that holds rows after one, found in the
 * catalogue so the baseline follows the store's schema as it changes. `rag_corpus` is left
 * out: it is one statistics row that ingest updates, not rows it writes.
 */
export async function ingestTables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE'
       and table_name like 'rag\\_%' and table_name <> 'rag_corpus'
     order by table_name`,
  );
  const tables: string[] = [];
  for (const { table_name: table } of rows) {
    const { rows: any } = await pool.query(`select 1 from ${quoteIdent(table)} limit 1`);
    if (any.length) tables.push(table);
  }
  return tables;
}

/** The columns of `table` in their declared order, from information_schema. */
export async function tableColumns(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.map((row) => row.column_name);
}

/**
 * Reads every row of `table`, each column as text, page by page in ctid order. The tid comes
 * back under another name: an output column called `ctid` would make `order by ctid` sort its text.
 */
export async function snapshotTable(pool: pg.Pool, table: string): Promise<TableSnapshot> {
  const columns = await tableColumns(pool, table);
  const select = columns.map((column) => `${quoteIdent(column)}::text`).join(", ");
  const rows: (string | null)[][] = [];
  let after = "(0,0)";
  for (;;) {
    const page = await pool.query<(string | null)[]>({
      text: `select ctid::text as row_tid, ${select} from ${quoteIdent(table)} where ctid > $1::tid order by ctid limit ${READ_PAGE}`,
      values: [after],
      rowMode: "array",
    });
    for (const row of page.rows) rows.push(row.slice(1));
    if (page.rows.length < READ_PAGE) break;
    after = (page.rows[page.rows.length - 1] as (string | null)[])[0] as string;
  }
  return { table, columns, rows };
}

/** Where a plain load writes: `bench_<table>` copies, bare, or with the table's own indexes (primary and unique keys too). */
export interface CopyKind {
  prefix: string;
  indexes: boolean;
}

export const BARE_COPIES: CopyKind = { prefix: "bench_", indexes: false };
export const INDEXED_COPIES: CopyKind = { prefix: "bench_indexed_", indexes: true };

/** Creates (or empties) a copy of each snapshot's table: `create table ... (like <table>)`, with `including indexes` when asked. */
export async function prepareCopies(pool: pg.Pool, snapshots: TableSnapshot[], kind: CopyKind = BARE_COPIES): Promise<void> {
  for (const { table } of snapshots) {
    const like = `${quoteIdent(table)}${kind.indexes ? " including indexes" : ""}`;
    await pool.query(`create table if not exists ${quoteIdent(`${kind.prefix}${table}`)} (like ${like})`);
    await pool.query(`truncate ${quoteIdent(`${kind.prefix}${table}`)}`);
  }
}

export async function dropCopies(pool: pg.Pool, snapshots: TableSnapshot[], kind: CopyKind = BARE_COPIES): Promise<void> {
  for (const { table } of snapshots) await pool.query(`drop table if exists ${quoteIdent(`${kind.prefix}${table}`)}`);
}

/** Rows per statement: ~500, fewer when the columns would pass the parameter limit. */
export function batchRows(columnCount: number): number {
  return Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / Math.max(1, columnCount))));
}

/** `insert into t (a, b) values ($1,$2),($3,$4)...` for `rowCount` rows. */
export function insertStatement(table: string, columns: string[], rowCount: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const base = row * columns.length;
    tuples.push(`(${columns.map((_, column) => `$${base + column + 1}`).join(",")})`);
  }
  return `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) values ${tuples.join(",")}`;
}

/**
 * Writes every snapshot into its `bench_` copy, batch by batch. Each batch is one statement
 * in autocommit, so one transaction per batch, as a loader that commits as it goes; values go
 * as text parameters and the server casts them to the column types, as a CSV-fed loader's would.
 * Returns the rows written.
 */
export async function plainLoad(pool: pg.Pool, snapshots: TableSnapshot[], kind: CopyKind = BARE_COPIES): Promise<number> {
  let written = 0;
  for (const snapshot of snapshots) {
    const size = batchRows(snapshot.columns.length);
    const target = `${kind.prefix}${snapshot.table}`;
    const fullStatement = insertStatement(target, snapshot.columns, size);
    for (let start = 0; start < snapshot.rows.length; start += size) {
      const batch = snapshot.rows.slice(start, start + size);
      const text = batch.length === size ? fullStatement : insertStatement(target, snapshot.columns, batch.length);
      await pool.query(text, batch.flat());
      written += batch.length;
    }
  }
  return written;
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
