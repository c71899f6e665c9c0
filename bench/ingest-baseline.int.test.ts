import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../lib/db/database.js";
import { batchRows, dropCopies, insertStatement, plainLoad, prepareCopies, snapshotTable } from "./ingest-baseline.js";

describe("batch arithmetic", () => {
  it("keeps ~500 rows a statement unless the columns would pass 65535 parameters", () => {
    expect(batchRows(12)).toBe(500);
    expect(batchRows(200)).toBe(327); // 200 × 327 = 65 400 ≤ 65 535 < 200 × 328
    expect(batchRows(70_000)).toBe(1);
  });

  it("numbers the parameters row by row", () => {
    expect(insertStatement("bench_t", ["a", "b"], 2)).toBe('insert into "bench_t" ("a", "b") values ($1,$2),($3,$4)');
  });
});

describe("snapshot and plain load", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await db.pool.query("create table rag_sample (id bigint, tags text[], note text, at timestamptz, blob bytea)");
    // more rows than one read page (20 000), so the paging by ctid is exercised
    await db.pool.query(
      `insert into rag_sample
       select g, array['a', 'b c', g::text], case when g % 7 = 0 then null else 'note ' || g end,
              timestamptz '2026-01-01' + g * interval '1 second', decode(lpad(to_hex(g), 8, '0'), 'hex')
       from generate_series(1, 45000) g`,
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it("reads every row once and writes the same rows, every column, into the copy", async () => {
    const snapshot = await snapshotTable(db.pool, "rag_sample");
    expect(snapshot.columns).toEqual(["id", "tags", "note", "at", "blob"]);
    expect(snapshot.rows).toHaveLength(45_000);
    expect(new Set(snapshot.rows.map((row) => row[0])).size).toBe(45_000);

    await prepareCopies(db.pool, [snapshot]);
    expect(await plainLoad(db.pool, [snapshot])).toBe(45_000);
    const { rows } = await db.pool.query<{ missing: string; extra: string }>(
      `select (select count(*) from (select * from rag_sample except all select * from bench_rag_sample) s) as missing,
              (select count(*) from (select * from bench_rag_sample except all select * from rag_sample) s) as extra`,
    );
    expect(rows[0]).toEqual({ missing: "0", extra: "0" });

    await prepareCopies(db.pool, [snapshot]); // empties the copy for the next repetition
    const { rows: left } = await db.pool.query<{ n: string }>("select count(*) as n from bench_rag_sample");
    expect(left[0]?.n).toBe("0");
    await dropCopies(db.pool, [snapshot]);
  });
});
