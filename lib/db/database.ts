import { join } from "node:path";
import pg from "pg";
import { AtlasError } from "../errors.js";
import type { Logger } from "../log.js";
import { startEmbeddedPostgres } from "./embedded.js";

/** The one database handle Atlas uses, embedded or not: a `pg` pool and how to close it. */
export interface Database {
  pool: pg.Pool;
  kind: "embedded" | "postgres";
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres URL; unset starts the embedded database. */
  url?: string | undefined;
  /** Data folder for the embedded database; `undefined` with no url keeps it in memory. */
  dataDir?: string | undefined;
  /** Pool size for an external Postgres (the embedded one always uses 1). */
  maxConnections?: number;
  /** For the embedded database's debug lines (e.g. where its socket went). */
  log?: Logger | undefined;
}

/**
 * Opens the database: the Postgres at `url`, or embedded PGlite in `dataDir/pgdata`.
 * Both are reached through the same `pg.Pool`, so every query runs the same code path.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
    pool.on("error", () => {}); // idle-client errors surface on the next query instead
    try {
      await pool.query("select 1");
    } catch (error) {
      await pool.end();
      throw new AtlasError("UNAVAILABLE", `Cannot reach Postgres at DATABASE_URL: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return { pool, kind: "postgres", close: () => pool.end() };
  }
  const embedded = await startEmbeddedPostgres(options.dataDir ? join(options.dataDir, "pgdata") : undefined, options.log);
  // PGlite is a single backend: one connection, so no session state leaks between clients.
  // A `host` starting with "/" is a socket directory to `pg`; no TLS on a socket, whatever PGSSLMODE says.
  const pool = new pg.Pool({ host: embedded.socketDir, port: embedded.port, user: "postgres", database: "postgres", ssl: false, max: 1 });
  pool.on("error", () => {});
  return {
    pool,
    kind: "embedded",
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
