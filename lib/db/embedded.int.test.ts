import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { isAtlasError } from "../errors.js";
import { openDatabase } from "./database.js";

/** The pid of a process that has exited, so no live process holds it. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("embedded database (PGlite) on a data folder", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTmpDir("atlas-embedded-");
  });
  afterAll(() => removeTmpDir(tmp));

  it("keeps data across close and reopen of the same folder, and releases its lock", async () => {
    const dataDir = join(tmp, "persist");
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe("embedded");
    expect(readFileSync(join(dataDir, "pgdata.lock"), "utf8")).toBe(String(process.pid));
    await first.pool.query("create table notes (body text)");
    await first.pool.query("insert into notes values ('written before close')");
    await first.close();
    expect(existsSync(join(dataDir, "pgdata.lock"))).toBe(false);

    const second = await openDatabase({ dataDir });
    try {
      const { rows } = await second.pool.query<{ body: string }>("select body from notes");
      expect(rows).toEqual([{ body: "written before close" }]);
    } finally {
      await second.close();
    }
  });

  it("refuses a second open of a folder that is in use, with code CONFLICT", async () => {
    const dataDir = join(tmp, "busy");
    const first = await openDatabase({ dataDir });
    try {
      let caught: unknown;
      try {
        const second = await openDatabase({ dataDir });
        await second.close();
      } catch (error) {
        caught = error;
      }
      expect(isAtlasError(caught)).toBe(true);
      expect((caught as { code: string }).code).toBe("CONFLICT");
      expect((caught as Error).message).toMatch(/is in use/);
      expect((caught as Error).message).toContain(String(process.pid));
      // The refused open must leave the holder's lock and database alone.
      expect(readFileSync(join(dataDir, "pgdata.lock"), "utf8")).toBe(String(process.pid));
      const { rows } = await first.pool.query<{ one: number }>("select 1 as one");
      expect(rows[0]?.one).toBe(1);
      // ... and its socket: a new connection still gets through.
      const client = new pg.Client({ host: join(dataDir, "pgdata.sock"), port: 5432, user: "postgres", database: "postgres" });
      await client.connect();
      await client.end();
    } finally {
      await first.close();
    }
  });

  it("takes over a stale lock left by a process that died", async () => {
    const dataDir = join(tmp, "stale");
    mkdirSync(dataDir, { recursive: true });
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    writeFileSync(join(dataDir, "pgdata.lock"), String(pid));
    const db = await openDatabase({ dataDir });
    try {
      expect(readFileSync(join(dataDir, "pgdata.lock"), "utf8")).toBe(String(process.pid));
      const { rows } = await db.pool.query<{ one: number }>("select 1 as one");
      expect(rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("in memory: no folder, no lock; the socket folder is a temp one, removed on close", async () => {
    const db = await openDatabase({});
    const socketDir = db.pool.options.host ?? "";
    expect(dirname(socketDir)).toBe(tmpdir());
    try {
      const { rows } = await db.pool.query<{ v: string }>("select '[1,2]'::text as v");
      expect(rows[0]?.v).toBe("[1,2]");
      expect(db.kind).toBe("embedded");
    } finally {
      await db.close();
    }
    expect(existsSync(socketDir)).toBe(false);
  });
});
