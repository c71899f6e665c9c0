import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { AtlasError } from "../errors.js";
import type { Logger } from "../log.js";
import { EMBEDDED_SOCKET_PORT, makeSocketDir, type SocketDir } from "./socket-dir.js";

/**
 * A running embedded Postgres: PGlite with pgvector, served on a Unix socket in a directory only
 * this user can enter. It trusts every connection, so it must never be reachable by anyone else.
 */
export interface EmbeddedPostgres {
  /** Directory of the socket: `pg`'s `host`. */
  socketDir: string;
  /** `pg`'s `port`, which names the socket file (`.s.PGSQL.<port>`). */
  port: number;
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
 * Starts PGlite (pgvector loaded) on `dataDir` (made owner-only) and serves it over the Postgres wire protocol on a
 * Unix socket (see `makeSocketDir`), so the rest of Atlas uses plain `pg`. No TCP port: the server
 * trusts whoever connects, and a loopback port would let any local user in.
 * Pass `dataDir: undefined` for an in-memory database (tests, benchmarks).
 */
export async function startEmbeddedPostgres(dataDir: string | undefined, log?: Logger): Promise<EmbeddedPostgres> {
  let unlock = () => {};
  let socket: SocketDir | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(`${dataDir}.lock`);
  }
  try {
    // PGlite writes its files 0666 in 0755 folders: shut the data folder to others, as Postgres insists
    // on for its own (existing folders too, made before this).
    if (dataDir) chmodSync(dataDir, 0o700);
    // Only after taking the lock: the socket directory of a live holder must be left alone.
    socket = makeSocketDir(dataDir, log);
    const db = await PGlite.create(dataDir ? join(dataDir) : undefined, { extensions: { vector } });
    // One backend serves every connection; pg pools of 1 keep sessions from interleaving.
    const server = new PGLiteSocketServer({ db, path: socket.socketPath, maxConnections: 8 });
    try {
      await server.start();
      chmodSync(socket.socketPath, 0o600); // the directory already shuts others out; the socket too, should it ever move
    } catch (error) {
      await server.stop();
      await db.close();
      throw error;
    }
    const opened = socket;
    return {
      socketDir: opened.dir,
      port: EMBEDDED_SOCKET_PORT,
      async stop() {
        await server.stop();
        await db.close();
        opened.remove();
        unlock();
      },
    };
  } catch (error) {
    socket?.remove();
    unlock();
    throw error;
  }
}
