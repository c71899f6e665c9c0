import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { AtlasError } from "../errors.js";

/** A running embedded Postgres: PGlite with pgvector, served on a loopback port. */
export interface EmbeddedPostgres {
  /** `postgres://` URL for `pg` clients. */
  url: string;
  stop(): Promise<void>;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Lock files this process holds. A lock file naming our own pid is ours only if it is in
 * here; otherwise it was left by an earlier process that had the same pid (e.g. pid 1 in
 * a restarted container) and is stale.
 */
const heldLocks = new Set<string>();

/**
 * Takes an exclusive lock on the data directory with an O_EXCL pid file. PGlite itself
 * does not stop two processes (or two opens in one process) using the same directory,
 * which corrupts it.
 */
function lockDataDir(path: string): () => void {
  const lockPath = resolve(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(lockPath);
      return () => {
        heldLocks.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      const heldHere = holder === process.pid && heldLocks.has(lockPath);
      if (heldHere || (Number.isInteger(holder) && holder !== process.pid && processIsAlive(holder))) {
        throw new AtlasError(
          "CONFLICT",
          `The embedded database in ${lockPath.replace(/\.lock$/, "")} is in use by process ${holder}. ` +
            "Stop that process, point ATLAS_DATA_DIR at another folder, or set DATABASE_URL.",
        );
      }
      rmSync(lockPath, { force: true }); // stale lock from a process that died
    }
  }
  throw new AtlasError("CONFLICT", `Could not lock ${lockPath}`);
}

/**
 * Starts PGlite (pgvector loaded) on `dataDir` and serves it over the Postgres wire
 * protocol on an ephemeral loopback port, so the rest of Atlas uses plain `pg`.
 * Pass `dataDir: undefined` for an in-memory database (tests, benchmarks).
 */
export async function startEmbeddedPostgres(dataDir: string | undefined): Promise<EmbeddedPostgres> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(`${dataDir}.lock`);
  }
  try {
    const db = await PGlite.create(dataDir ? join(dataDir) : undefined, { extensions: { vector } });
    // One backend serves every connection; pg pools of 1 keep sessions from interleaving.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      async stop() {
        await server.stop();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
