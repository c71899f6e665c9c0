import type pg from "pg";

/**
 * Runs `work` in one transaction on a dedicated client: commit on success, rollback on any
 * error (which is rethrown). Keep awaits on anything but this client out of `work`: the
 * embedded database is one backend, and an open transaction blocks every other query.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
