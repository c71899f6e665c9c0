import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../lib/db/database.js";
import { migrate, readMigrations } from "../lib/db/migrate.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { contentDigest, makeArtifactStore } from "./artifact-store.js";

// The artifact store on the machine's PostgreSQL: contents by SHA-256, written once.

describe("artifact store", () => {
  let native: NativeTestDatabase;
  let db: Database;

  beforeAll(async () => {
    native = await nativeTestDatabase();
    db = await openDatabase({ url: native.url });
    await migrate(
      db.pool,
      readMigrations().filter((m) => !m.requiresVector),
    );
  });
  afterAll(async () => {
    await db?.close();
    await native?.drop();
  });

  const rows = async () => (await db.pool.query<{ sha256: string; bytes: number }>("select sha256, bytes from atlas_artifacts order by sha256")).rows;

  it("keys each content by the SHA-256 of its UTF-8 bytes and stores it once, however often it is put", async () => {
    const store = makeArtifactStore(db.pool);
    const contents = ["abc", "kind: Namespace\nmetadata:\n  name: é\n"];
    const digests = await store.put(contents);
    expect(digests[0]).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // SHA-256("abc"), FIPS 180-2
    expect(digests).toEqual(contents.map(contentDigest));
    await store.put([...contents, contents[0] as string]);
    // another process (its own cache) putting the same contents adds nothing either
    await makeArtifactStore(db.pool).put(contents);
    expect(await rows()).toEqual(
      contents.map((content) => ({ sha256: contentDigest(content), bytes: Buffer.byteLength(content, "utf8") })).sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1)),
    );
  });

  it("reads contents back by digest, from the table when this process never saw them, and leaves unknown digests out", async () => {
    const writer = makeArtifactStore(db.pool);
    const [digest] = await writer.put(['variable "region" {}\n']);
    const reader = makeArtifactStore(db.pool);
    const unknown = contentDigest("never stored");
    const found = await reader.get([digest as string, unknown]);
    expect(found.get(digest as string)).toBe('variable "region" {}\n');
    expect(found.has(unknown)).toBe(false);
    expect(found.size).toBe(1);
  });

  it("answers what this process stored or read lately without a query (the validator, right after the builder)", async () => {
    const queries: string[] = [];
    const counted = {
      query: ((text: string, values?: unknown[]) => {
        queries.push(text);
        return db.pool.query(text, values);
      }) as typeof db.pool.query,
    };
    const store = makeArtifactStore(counted);
    const digests = await store.put(['output "url" {}\n', "locals {}\n"]);
    expect(queries).toHaveLength(1);
    expect([...(await store.get(digests)).values()]).toEqual(['output "url" {}\n', "locals {}\n"]);
    await store.put(["locals {}\n"]);
    expect(queries).toHaveLength(1);
  });
});
