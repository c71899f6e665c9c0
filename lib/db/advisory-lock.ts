import type { Database } from "./database.js";

/**
 * Keys of the session advisory locks Atlas takes, one per purpose (arbitrary constants, kept
 * in one place so no two purposes share one).
 */
export const LOCK_KEYS = {
  migrations: 7_142_001,
  ingest: 7_142_002,
  bootstrap: 7_142_003,
  checkpointSetup: 7_142_004,
  gitops: 7_142_005,
} as const;

/**
 * Runs `fn` holding a session advisory lock on an external Postgres, so replicas take turns.
 * The embedded database serves one process (and has one connection, which `fn` may need).
 */
export async function withAdvisoryLock<T>(db: Database, key: number, fn: () => Promise<T>): Promise<T> {
  if (db.kind === "embedded") return fn();
  const client = await db.pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("select pg_advisory_lock($1)", [key]);
    return await fn();
  } finally {
    // a connection that could not unlock is destroyed, which drops the lock with it
    await client.query("select pg_advisory_unlock($1)", [key]).catch((error: Error) => {
      broken = error;
    });
    client.release(broken);
  }
}
