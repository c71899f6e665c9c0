import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AtlasError } from "../errors.js";
import type { Logger } from "../log.js";

/** The port in the socket's name (`.s.PGSQL.<port>`), which is how `pg` finds a socket in a directory. */
export const EMBEDDED_SOCKET_PORT = 5432;

const socketName = `.s.PGSQL.${EMBEDDED_SOCKET_PORT}`;

/**
 * `sun_path` holds 108 bytes on Linux and 104 on macOS and the BSDs, NUL included. Past it,
 * libuv silently binds a truncated path, which `pg` would then never find.
 */
const maxSocketPathBytes = process.platform === "linux" ? 107 : 103;

/** A directory only this user can enter, holding the embedded database's Unix socket. */
export interface SocketDir {
  /** Absolute directory: what `pg` takes as `host`. */
  dir: string;
  /** The socket file in it. */
  socketPath: string;
  /** Removes the directory and anything left in it. */
  remove(): void;
}

const fits = (dir: string) => Buffer.byteLength(join(dir, socketName)) <= maxSocketPathBytes;

function ownerOnly(dir: string): SocketDir {
  // mkdir's mode is filtered by the umask; set it outright.
  chmodSync(dir, 0o700);
  return { dir, socketPath: join(dir, socketName), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function freshTempDir(): SocketDir {
  const dir = mkdtempSync(join(tmpdir(), "atlas-pg-"));
  if (!fits(dir)) {
    rmSync(dir, { recursive: true, force: true });
    throw new AtlasError("INTERNAL", `The temporary folder ${tmpdir()} is too deep for a Unix socket path; set TMPDIR to a shorter one.`);
  }
  return ownerOnly(dir);
}

/**
 * Makes the socket directory for the embedded database, fresh: `<dataDir>.sock` when given a data
 * folder (the caller must hold that folder's lock, so whatever is there was left by a process that
 * died, e.g. a socket file after `kill -9`, and is removed), else, or when that path is too long for
 * a socket, a new directory under the OS temp folder.
 */
export function makeSocketDir(dataDir: string | undefined, log?: Logger): SocketDir {
  if (!dataDir) return freshTempDir();
  const wanted = resolve(`${dataDir}.sock`);
  if (!fits(wanted)) {
    const fallback = freshTempDir();
    log?.debug(
      { wanted, dir: fallback.dir, max_bytes: maxSocketPathBytes },
      "embedded database socket path too long beside the data folder; using a temporary folder",
    );
    return fallback;
  }
  rmSync(wanted, { recursive: true, force: true });
  // Not recursive: if anything appears here between the removal and now, fail rather than use it.
  mkdirSync(wanted, { mode: 0o700 });
  return ownerOnly(wanted);
}
