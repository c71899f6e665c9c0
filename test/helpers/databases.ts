import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../lib/db/database.js";
import { migrate } from "../../lib/db/migrate.js";

/** Server-level URL of the machine's native Postgres (no pgvector), used to create per-file databases. */
export const nativeAdminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** An in-memory embedded database (PGlite with pgvector) with Atlas's migrations applied. */
export async function embeddedTestDatabase(): Promise<Database> {
  const db = await openDatabase({});
  try {
    await migrate(db.pool);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** A fresh database on the native Postgres, dropped by `drop()`. */
export interface NativeTestDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting any client still on it. */
  drop(): Promise<void>;
}

/** Creates `atlas_test_<random>` on the native Postgres server for one test file. */
export async function nativeTestDatabase(): Promise<NativeTestDatabase> {
  const name = `atlas_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: nativeAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(nativeAdminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: nativeAdminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
