import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { AtlasError } from "../errors.js";
import { LOCK_KEYS } from "./advisory-lock.js";

/** Default folder of versioned SQL migrations: `NNN_name.sql`. */
export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "migrations");

/** Arbitrary constant key for the advisory lock that serialises migrators. */

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  /** Declared with a `-- requires: vector` line: needs the pgvector extension. */
  requiresVector: boolean;
}

/** Reads `NNN_name.sql` files in version order. */
export function readMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_[\w-]+\.sql$/.test(file))
    .map((file) => {
      const sql = readFileSync(join(dir, file), "utf8");
      const [version, ...rest] = file.replace(/\.sql$/, "").split("_");
      return {
        version: Number(version),
        name: rest.join("_"),
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
        requiresVector: /^--\s*requires:\s*vector\s*$/m.test(sql),
      };
    })
    .sort((a, b) => a.version - b.version);
}

function explainVectorFailure(error: unknown): never {
  throw new AtlasError(
    "UNAVAILABLE",
    'The Postgres at DATABASE_URL cannot create the "vector" extension. Install pgvector there ' +
      "(the pgvector/pgvector images, RDS, Cloud SQL, Supabase and Neon ship it) and run " +
      '"create extension vector" as a superuser, or unset DATABASE_URL to use the embedded database.',
    { cause: error },
  );
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so two
 * processes starting at once apply each migration exactly once. Safe to run repeatedly.
 * @returns the versions applied by this call.
 */
export async function migrate(pool: pg.Pool, migrations = readMigrations()): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK_KEYS.migrations]);
    await client.query(`create table if not exists atlas_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: number; checksum: string }>("select version, checksum from atlas_migrations");
    const done = new Map(rows.map((row) => [row.version, row.checksum]));
    for (const migration of migrations) {
      const checksum = done.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new AtlasError("CONFLICT", `Migration ${migration.version}_${migration.name} changed after it was applied; add a new migration instead.`);
        }
        continue;
      }
      await client.query("begin");
      try {
        await client.query(migration.sql);
        await client.query("insert into atlas_migrations (version, name, checksum) values ($1, $2, $3)", [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query("commit");
        applied.push(migration.version);
      } catch (error) {
        await client.query("rollback");
        if (migration.requiresVector && /vector/.test((error as Error).message)) explainVectorFailure(error);
        throw error;
      }
    }
  } finally {
    await client.query("select pg_advisory_unlock($1)", [LOCK_KEYS.migrations]).catch(() => {});
    client.release();
  }
  return applied;
}

/** Versions known to the code but not yet recorded in the database. */
export async function pendingMigrations(pool: pg.Pool, migrations = readMigrations()): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>("select version from atlas_migrations").catch(() => ({ rows: [] as { version: number }[] }));
  const done = new Set(rows.map((row) => row.version));
  return migrations.filter((migration) => !done.has(migration.version)).map((m) => m.version);
}
