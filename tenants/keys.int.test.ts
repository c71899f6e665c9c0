import { readFileSync, statSync } from "node:fs";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../lib/db/database.js";
import { migrate, readMigrations } from "../lib/db/migrate.js";
import { createLogger } from "../lib/log.js";
import { type NativeTestDatabase, nativeTestDatabase } from "../test/helpers/databases.js";
import { makeTmpDir, removeTmpDir } from "../test/helpers/tmp.js";
import { makeAuditLog } from "./audit.js";
import { adminKeyPath, bootstrapAdminKey } from "./bootstrap.js";
import { authenticateKey, countKeys, createKey, hashKey, listKeys, looksLikeKey, revokeKey, setSelfApproval } from "./keys.js";

// Key and audit SQL on the machine's native PostgreSQL (no pgvector: the runbook migration is left out).

let native: NativeTestDatabase;
let db: Database;
const cli = { keyId: null, name: "cli:test", remoteAddr: null };

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

/** Every value of every row of a table as one string, to search for what must not be there. */
async function tableText(table: string): Promise<string> {
  const { rows } = await db.pool.query<{ row: string }>(`select row_to_json(t)::text as row from ${table} t`);
  return rows.map((r) => r.row).join("\n");
}

describe("API keys", () => {
  it("stores only the SHA-256 and a short display prefix, never the key", async () => {
    const { key, record } = await createKey(db.pool, { tenant: "acme", name: "ci", roles: ["planner", "approver"] }, cli);
    expect(looksLikeKey(key)).toBe(true);
    expect(key).toMatch(/^atlas_[0-9A-Za-z]{43}$/);
    expect(record).toMatchObject({ tenant: "acme", name: "ci", roles: ["planner", "approver"], revoked_at: null, created_by: "cli:test" });
    expect(key.startsWith(record.prefix)).toBe(true);
    expect(record.prefix).toHaveLength("atlas_".length + 8);
    expect(record).not.toHaveProperty("hash");

    const stored = await tableText("atlas_api_keys");
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(record.prefix.length)); // nor the secret part alone
    expect(stored).toContain(hashKey(key));
    expect(await tableText("atlas_audit")).not.toContain(key);
    const { rows } = await db.pool.query("select hash from atlas_api_keys where id = $1", [record.id]);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("two keys never collide and each authenticates as itself", async () => {
    const a = await createKey(db.pool, { tenant: "acme", name: "a", roles: ["viewer"] }, cli);
    const b = await createKey(db.pool, { tenant: "beta", name: "b", roles: ["admin"] }, cli);
    expect(a.key).not.toBe(b.key);
    const who = await authenticateKey(db.pool, b.key);
    expect(who).toEqual({ ok: true, principal: { keyId: b.record.id, name: "b", tenant: "beta", roles: ["admin"], allowSelfApproval: false } });
    expect(await authenticateKey(db.pool, `${a.key.slice(0, -1)}${a.key.endsWith("x") ? "y" : "x"}`)).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticateKey(db.pool, "not-a-key")).toEqual({ ok: false, reason: "invalid" });
  });

  it("the tenant's self-approval setting travels with the principal", async () => {
    const { key } = await createKey(db.pool, { tenant: "gamma", name: "g", roles: ["approver"] }, cli);
    expect(await authenticateKey(db.pool, key)).toMatchObject({ ok: true, principal: { allowSelfApproval: false } });
    await setSelfApproval(db.pool, "gamma", true);
    expect(await authenticateKey(db.pool, key)).toMatchObject({ principal: { allowSelfApproval: true } });
  });

  it("revokes by id or by display prefix, at once, and audits it", async () => {
    const one = await createKey(db.pool, { tenant: "acme", name: "one", roles: ["viewer"] }, cli);
    const two = await createKey(db.pool, { tenant: "acme", name: "two", roles: ["viewer"] }, cli);
    const revoked = await revokeKey(db.pool, one.record.prefix, { keyId: "key_admin", name: "root", remoteAddr: "10.0.0.9" });
    expect(revoked.id).toBe(one.record.id);
    expect(revoked.revoked_at).toBeInstanceOf(Date);
    expect(await authenticateKey(db.pool, one.key)).toEqual({ ok: false, reason: "revoked" });
    expect((await authenticateKey(db.pool, two.key)).ok).toBe(true);
    await expect(revokeKey(db.pool, one.record.id, cli)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already revoked/) });
    await expect(revokeKey(db.pool, "key_nope", cli)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // a tenant-scoped revoke cannot reach another tenant's key
    await expect(revokeKey(db.pool, two.record.id, cli, { tenant: "beta" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await revokeKey(db.pool, two.record.id, cli, { tenant: "acme" });

    const entries = await makeAuditLog(db.pool).list("acme", { target: one.record.id });
    expect(entries.map((e) => e.action)).toEqual(["key.revoke", "key.create"]);
    expect(entries[0]).toMatchObject({
      actor_key_id: "key_admin",
      actor_name: "root",
      remote_addr: "10.0.0.9",
      detail: { name: "one", prefix: one.record.prefix },
    });
    expect(entries[1]).toMatchObject({ actor_key_id: null, actor_name: "cli:test", detail: { roles: ["viewer"] } });
  });

  it("an ambiguous prefix is refused with the matching ids", async () => {
    await db.pool.query("insert into atlas_tenants (id) values ('dup') on conflict do nothing");
    for (const id of ["key_dup1", "key_dup2"]) {
      await db.pool.query(
        "insert into atlas_api_keys (id, tenant, name, prefix, hash, roles, created_by) values ($1, 'dup', $1, 'atlas_SAMEPREF', $2, '{viewer}', 'test')",
        [id, hashKey(id)],
      );
    }
    await expect(revokeKey(db.pool, "atlas_SAMEPREF", cli)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("key_dup1, key_dup2") });
  });

  it("lists keys without secrets, per tenant", async () => {
    const all = await listKeys(db.pool);
    const acme = await listKeys(db.pool, { tenant: "acme" });
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((k) => k.tenant === "acme")).toBe(true);
    expect(all.length).toBeGreaterThan(acme.length);
    for (const key of all) {
      expect(key).not.toHaveProperty("hash");
      expect(key).not.toHaveProperty("key");
    }
  });

  it("the schema refuses unknown roles and malformed hashes", async () => {
    await expect(
      db.pool.query("insert into atlas_api_keys (id, tenant, name, prefix, hash, roles, created_by) values ('k', 'acme', 'n', 'p', $1, '{root}', 't')", [
        hashKey("x"),
      ]),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.pool.query(
        "insert into atlas_api_keys (id, tenant, name, prefix, hash, roles, created_by) values ('k', 'acme', 'n', 'p', 'atlas_raw', '{viewer}', 't')",
      ),
    ).rejects.toThrow(/check constraint/);
  });
});

describe("bootstrap admin key", () => {
  let fresh: NativeTestDatabase;
  let freshDb: Database;
  let dataDir: string;

  beforeAll(async () => {
    fresh = await nativeTestDatabase();
    freshDb = await openDatabase({ url: fresh.url, maxConnections: 4 });
    await migrate(
      freshDb.pool,
      readMigrations().filter((m) => !m.requiresVector),
    );
    dataDir = makeTmpDir("atlas-bootstrap-");
  });
  afterAll(async () => {
    await freshDb?.close();
    await fresh?.drop();
    removeTmpDir(dataDir);
  });

  const capture = () => {
    let text = "";
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString("utf8");
        done();
      },
    });
    return { stream, text: () => text };
  };

  it("creates one admin key even when replicas start at once, prints it once, writes admin.key 0600, never logs it", async () => {
    const logLines = capture();
    const log = createLogger("info", logLines.stream);
    const outputs = [capture(), capture(), capture()];
    const deps = { db: { kind: "postgres" as const, pool: freshDb.pool }, config: { dataDir }, log };
    const results = await Promise.all(outputs.map((out) => bootstrapAdminKey(deps, out.stream)));
    const made = results.filter((r) => r !== null);
    expect(made).toHaveLength(1);
    expect(await countKeys(freshDb.pool)).toBe(1);
    const { key, record, path } = made[0] as NonNullable<(typeof results)[number]>;
    expect(record).toMatchObject({ tenant: "default", roles: ["admin"], created_by: "bootstrap" });

    expect(path).toBe(adminKeyPath(dataDir));
    expect(readFileSync(path, "utf8")).toBe(`${key}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const printed = outputs.map((out) => out.text()).filter(Boolean);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(key);
    expect(printed[0]).toContain(path);
    expect(logLines.text()).toContain("created the bootstrap admin key");
    expect(logLines.text()).not.toContain(key);

    // on an external Postgres the default tenant does not allow self-approval
    expect(await authenticateKey(freshDb.pool, key)).toMatchObject({ ok: true, principal: { tenant: "default", allowSelfApproval: false } });

    // a second start finds a key and does nothing
    const again = capture();
    expect(await bootstrapAdminKey(deps, again.stream)).toBeNull();
    expect(again.text()).toBe("");
    expect(await countKeys(freshDb.pool)).toBe(1);
    expect(readFileSync(path, "utf8")).toBe(`${key}\n`);
  });
});
