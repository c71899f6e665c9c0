import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { createLogger } from "../log.js";
import { type Database, openDatabase } from "./database.js";

const socketName = ".s.PGSQL.5432";
const isRoot = process.getuid?.() === 0;

/** Inodes of the TCP sockets this process has listening (Linux: its fds matched against /proc/net/tcp{,6}). */
function listeningTcpInodes(): Set<string> {
  const mine = new Set<string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode) mine.add(inode);
    } catch {
      // the fd closed while we read the folder
    }
  }
  const listening = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      // columns: sl, local, remote, state (0A = LISTEN), queues, timers, retransmits, uid, timeout, inode
      if (columns[3] === "0A" && columns[9] && mine.has(columns[9])) listening.add(columns[9]);
    }
  }
  return listening;
}

/** Prints, as JSON, what connecting to each socket and opening the file (last argument) for writing gives. */
const probeScript = `
const net = require("node:net"), fs = require("node:fs");
const args = process.argv.slice(1), file = args.pop();
const socket = (path) => new Promise((done) => net.connect(path).on("connect", function () { this.destroy(); done("connected"); }).on("error", (e) => done(e.code)));
const open = (path) => { try { fs.closeSync(fs.openSync(path, "r+")); return "opened"; } catch (e) { return e.code; } };
(async () => console.log(JSON.stringify([...(await Promise.all(args.map(socket))), open(file)])))();
`;

/** The socket directory the pool connects through (`pg` takes a `host` starting with "/" as one). */
const socketDirOf = (db: Database): string => db.pool.options.host ?? "";

/** Asserts the socket lives in a directory only its owner can enter, and is itself owner-only. */
function expectOwnerOnly(dir: string): void {
  const folder = lstatSync(dir);
  expect(folder.isDirectory()).toBe(true);
  expect(folder.mode & 0o777).toBe(0o700);
  expect(folder.uid).toBe(process.getuid?.());
  const socket = lstatSync(join(dir, socketName));
  expect(socket.isSocket()).toBe(true);
  expect(socket.mode & 0o077).toBe(0);
}

describe("embedded database (PGlite) served on a Unix socket", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTmpDir("atlas-socket-");
  });
  afterAll(() => removeTmpDir(tmp));

  it.runIf(process.platform === "linux")("listens on no TCP port; its socket is in <data>/pgdata.sock, mode 0700, removed on close", async () => {
    const dataDir = join(tmp, "data");
    const before = listeningTcpInodes();
    const db = await openDatabase({ dataDir });
    const socketDir = join(dataDir, "pgdata.sock");
    try {
      const opened = [...listeningTcpInodes()].filter((inode) => !before.has(inode));
      expect(opened).toEqual([]);
      expect(socketDirOf(db)).toBe(resolve(socketDir));
      expectOwnerOnly(socketDir);
      const { rows } = await db.pool.query<{ one: number }>("select 1 as one");
      expect(rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
    expect(existsSync(socketDir)).toBe(false);
  });

  it("starts over a socket file left by a process killed with kill -9", async () => {
    const dataDir = join(tmp, "killed");
    const socketDir = join(dataDir, "pgdata.sock");
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const socketPath = join(socketDir, socketName);
    // A process that listens where the database would, then dies without cleaning up.
    const child = spawn(process.execPath, ["-e", "require('net').createServer().listen(process.argv[1], () => console.log('listening'))", socketPath]);
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", () => done());
      child.on("exit", (code) => fail(new Error(`listener exited early with ${code}`)));
    });
    const exited = new Promise((done) => child.on("exit", done));
    child.kill("SIGKILL");
    await exited;
    expect(lstatSync(socketPath).isSocket()).toBe(true); // what kill -9 leaves behind
    writeFileSync(join(dataDir, "pgdata.lock"), String(child.pid)); // and its lock, naming a dead pid

    const db = await openDatabase({ dataDir });
    try {
      expectOwnerOnly(socketDir);
      const { rows } = await db.pool.query<{ one: number }>("select 1 as one");
      expect(rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("puts the socket in a fresh 0700 temp folder when the data folder is too deep for a socket path, and says so", async () => {
    const dataDir = join(tmp, "d".repeat(60), "e".repeat(40));
    expect(Buffer.byteLength(join(resolve(dataDir), "pgdata.sock", socketName))).toBeGreaterThan(107);
    const lines: string[] = [];
    const log = createLogger("debug", { write: (line: string) => void lines.push(line) });
    const db = await openDatabase({ dataDir, log });
    const socketDir = socketDirOf(db);
    try {
      expect(dirname(socketDir)).toBe(tmpdir());
      expectOwnerOnly(socketDir);
      expect(existsSync(join(dataDir, "pgdata.sock"))).toBe(false);
      const said = lines.map((line) => JSON.parse(line) as { level: number; msg: string; dir?: string });
      expect(said).toContainEqual(expect.objectContaining({ level: 20, dir: socketDir, msg: expect.stringMatching(/too long/) }));
      const { rows } = await db.pool.query<{ one: number }>("select 1 as one");
      expect(rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
    expect(existsSync(socketDir)).toBe(false);
    expect(existsSync(join(dataDir, "pgdata", "PG_VERSION"))).toBe(true); // the data itself stayed where it was asked to be
  });

  it.runIf(isRoot)("another user can neither connect to the sockets nor open the data files, even in folders open to all", async () => {
    chmodSync(tmp, 0o755); // as open as ~/project or /tmp: only Atlas's own folders stand between the user and the database
    const dataDir = join(tmp, "shared");
    mkdirSync(join(dataDir, "pgdata"), { recursive: true, mode: 0o755 }); // a data folder made before the fix
    chmodSync(join(dataDir, "pgdata"), 0o755);
    const onDisk = await openDatabase({ dataDir });
    const inMemory = await openDatabase({});
    const probes = [join(socketDirOf(onDisk), socketName), join(socketDirOf(inMemory), socketName), join(dataDir, "pgdata", "global", "pg_control")];
    try {
      expect(dirname(socketDirOf(inMemory))).toBe(tmpdir()); // the world-writable temp dir
      expectOwnerOnly(socketDirOf(inMemory));
      expect(lstatSync(join(dataDir, "pgdata")).mode & 0o777).toBe(0o700);
      const asNobody = spawnSync(process.execPath, ["-e", probeScript, ...probes], { uid: 65534, gid: 65534, cwd: "/", encoding: "utf8" });
      expect(JSON.parse(asNobody.stdout)).toEqual(["EACCES", "EACCES", "EACCES"]);
      // the same probes as this user get through: the refusals above are the permissions, not wrong paths
      const asOwner = spawnSync(process.execPath, ["-e", probeScript, ...probes], { cwd: "/", encoding: "utf8" });
      expect(JSON.parse(asOwner.stdout)).toEqual(["connected", "connected", "opened"]);
      const client = new pg.Client({ host: socketDirOf(inMemory), port: 5432, user: "postgres", database: "postgres" });
      await client.connect();
      await client.end();
    } finally {
      await inMemory.close();
      await onDisk.close();
      chmodSync(tmp, 0o700);
    }
    expect(existsSync(dirname(probes[1] ?? ""))).toBe(false);
  });
});
