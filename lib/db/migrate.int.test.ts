import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedTestDatabase, type NativeTestDatabase, nativeTestDatabase } from "../../test/helpers/databases.js";
import { isAtlasError } from "../errors.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import { type Migration, migrate, pendingMigrations, readMigrations } from "./migrate.js";

const fixtureMigrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "fixtures", "migrations");

describe("readMigrations", () => {
  it("reads the real migrations in version order, flagging the vector one", () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations[0]).toMatchObject({ version: 1, name: "runbooks", requiresVector: true });
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    for (const migration of migrations) expect(migration.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reads a fixture folder of migrations that need no vector type", () => {
    const migrations = readMigrations(fixtureMigrationsDir);
    expect(migrations.map((m) => [m.version, m.name, m.requiresVector])).toEqual([
      [1, "widgets", false],
      [2, "widget_seed", false],
    ]);
  });
});

describe("migrate on native Postgres (no pgvector)", () => {
  let database: NativeTestDatabase;
  const pools: pg.Pool[] = [];
  const pool = () => {
    const created = new pg.Pool({ connectionString: database.url, max: 2 });
    // Dropping the database terminates idle connections; that is expected, not a failure.
    created.on("error", () => {});
    pools.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await nativeTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await database?.drop();
  });

  it("explains how to get pgvector when the real migrations need it", async () => {
    let caught: unknown;
    try {
      await migrate(pool());
    } catch (error) {
      caught = error;
    }
    expect(isAtlasError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe("UNAVAILABLE");
    expect((caught as Error).message).toMatch(/Install pgvector/i);
    expect((caught as Error).message).toMatch(/unset DATABASE_URL/);
    // The failed migration left nothing behind.
    const { rows } = await pool().query("select to_regclass('rag_documents') as t");
    expect(rows[0]?.t).toBeNull();
    const recorded = await pool().query("select count(*)::int as n from atlas_migrations");
    expect(recorded.rows[0]?.n).toBe(0);
  });

  it("applies fixture migrations once, then nothing, each under one row", async () => {
    const migrations = readMigrations(fixtureMigrationsDir);
    const p = pool();
    await p.query("drop table if exists widgets; drop table if exists atlas_migrations");
    expect(await pendingMigrations(p, migrations)).toEqual([1, 2]);
    expect(await migrate(p, migrations)).toEqual([1, 2]);
    expect(await migrate(p, migrations)).toEqual([]);
    expect(await pendingMigrations(p, migrations)).toEqual([]);
    const widgets = await p.query<{ n: number }>("select count(*)::int as n from widgets");
    expect(widgets.rows[0]?.n).toBe(1);
    const recorded = await p.query<{ version: number; name: string }>("select version, name from atlas_migrations order by version");
    expect(recorded.rows).toEqual([
      { version: 1, name: "widgets" },
      { version: 2, name: "widget_seed" },
    ]);
  });

  it("two pools migrating at once apply each migration exactly once", async () => {
    const migrations = readMigrations(fixtureMigrationsDir);
    await pool().query("drop table if exists widgets; drop table if exists atlas_migrations");
    const results = await Promise.all([migrate(pool(), migrations), migrate(pool(), migrations), migrate(pool(), migrations)]);
    expect(results.flat().sort()).toEqual([1, 2]);
    const widgets = await pool().query<{ n: number }>("select count(*)::int as n from widgets");
    expect(widgets.rows[0]?.n).toBe(1);
    const recorded = await pool().query<{ version: number; n: number }>(
      "select version, count(*)::int as n from atlas_migrations group by version order by version",
    );
    expect(recorded.rows).toEqual([
      { version: 1, n: 1 },
      { version: 2, n: 1 },
    ]);
  });

  it("refuses a migration whose text changed after it was applied", async () => {
    const migrations = readMigrations(fixtureMigrationsDir);
    const p = pool();
    await p.query("drop table if exists widgets; drop table if exists atlas_migrations");
    await migrate(p, migrations);
    const edited: Migration[] = migrations.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: "0".repeat(64) } : m));
    await expect(migrate(p, edited)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/2_widget_seed changed after it was applied/),
    });
    // The lock was released: a later correct run still works.
    expect(await migrate(p, migrations)).toEqual([]);
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const p = pool();
    await p.query("drop table if exists widgets; drop table if exists atlas_migrations");
    const broken: Migration[] = [
      ...readMigrations(fixtureMigrationsDir),
      { version: 3, name: "broken", sql: "create table half_done (id int); select * from no_such_table;", checksum: "c", requiresVector: false },
    ];
    await expect(migrate(p, broken)).rejects.toThrow(/no_such_table/);
    const { rows } = await p.query("select to_regclass('half_done') as t");
    expect(rows[0]?.t).toBeNull();
    expect(await pendingMigrations(p, broken)).toEqual([3]);
  });

  it("openDatabase with a URL returns a postgres handle; an unreachable URL is UNAVAILABLE", async () => {
    const db = await openDatabase({ url: database.url, maxConnections: 2 });
    try {
      expect(db.kind).toBe("postgres");
      const { rows } = await db.pool.query<{ current_database: string }>("select current_database()");
      expect(rows[0]?.current_database).toBe(database.name);
    } finally {
      await db.close();
    }
    await expect(openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining("Cannot reach Postgres at DATABASE_URL"),
    });
  });
});

describe("migrate on embedded PGlite (real pgvector)", () => {
  let db: Database;
  beforeAll(async () => {
    db = await embeddedTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("applies the real migrations, leaving none pending and nothing to apply again", async () => {
    expect(await pendingMigrations(db.pool)).toEqual([]);
    expect(await migrate(db.pool)).toEqual([]);
    const { rows } = await db.pool.query<{ extversion: string }>("select extversion from pg_extension where extname = 'vector'");
    expect(rows).toHaveLength(1);
    const corpus = await db.pool.query("select chunk_count, term_total, weights_avgdl from rag_corpus");
    expect(corpus.rows).toEqual([{ chunk_count: "0", term_total: "0", weights_avgdl: null }]);
  });

  it("reports every migration pending on a database that never ran any", async () => {
    const fresh = await openDatabase({});
    try {
      expect(await pendingMigrations(fresh.pool)).toEqual(readMigrations().map((m) => m.version));
    } finally {
      await fresh.close();
    }
  });
});
