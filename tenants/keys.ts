import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../lib/db/transaction.js";
import { AtlasError } from "../lib/errors.js";
import { type Actor, recordAudit } from "./audit.js";
import type { Queryable } from "./queryable.js";
import type { Role } from "./roles.js";
import { ensureTenant, getTenant } from "./tenants.js";

// The one module that writes SQL against `atlas_api_keys` (migrations/003_auth.sql). A key
// change and its audit row are written in one transaction.

// Kept importable from here, where callers have always found them.
export type { Actor } from "./audit.js";
export { ensureTenant, setSelfApproval } from "./tenants.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters carry 256 bits. */
const KEY_CHARS = 43;
const KEY_PATTERN = /^atlas_[0-9A-Za-z]{43}$/;
/** Characters of the random part shown in listings: enough to tell keys apart, useless to guess. */
const PREFIX_CHARS = 8;

/** Uniform random base62 text: bytes >= 248 are dropped so `% 62` has no bias. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** SHA-256 of a raw key, hex: the only form of a key the database holds. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** True when the text has the shape of an Atlas key (checked before any database look-up). */
export const looksLikeKey = (text: string) => KEY_PATTERN.test(text);

/** A new raw key, its display prefix and its hash. */
export function generateKey(): { key: string; prefix: string; hash: string } {
  const key = `atlas_${randomBase62(KEY_CHARS)}`;
  return { key, prefix: key.slice(0, "atlas_".length + PREFIX_CHARS), hash: hashKey(key) };
}

/** A key as listings show it (a row of `atlas_api_keys` without its hash): never the key itself. */
export interface ApiKeyRecord {
  id: string;
  tenant: string;
  name: string;
  prefix: string;
  roles: Role[];
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const KEY_COLUMNS = "id, tenant, name, prefix, roles, created_at, created_by, last_used_at, revoked_at";

/**
 * Creates a key (and its tenant when new) and records `key.create` in the audit log, in one
 * transaction. The raw key is returned once and never stored.
 */
export async function createKey(
  pool: pg.Pool,
  input: { tenant: string; name: string; roles: Role[] },
  actor: Actor,
): Promise<{ key: string; record: ApiKeyRecord }> {
  return withTransaction(pool, (tx) => createKeyIn(tx, input, actor));
}

/** `createKey` inside the caller's open transaction (`tx`), which commits or rolls back all of it. */
export async function createKeyIn(
  tx: Queryable,
  input: { tenant: string; name: string; roles: Role[] },
  actor: Actor,
): Promise<{ key: string; record: ApiKeyRecord }> {
  await ensureTenant(tx, input.tenant);
  const generated = generateKey();
  const { rows } = await tx.query<ApiKeyRecord>(
    `insert into atlas_api_keys (id, tenant, name, prefix, hash, roles, created_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${KEY_COLUMNS}`,
    [`key_${randomBase62(12)}`, input.tenant, input.name, generated.prefix, generated.hash, input.roles, actor.keyId ?? actor.name],
  );
  const record = rows[0];
  if (!record) throw new AtlasError("INTERNAL", "key insert returned no row");
  await recordAudit(tx, {
    tenant: record.tenant,
    actor,
    action: "key.create",
    target: record.id,
    detail: { name: record.name, prefix: record.prefix, roles: record.roles },
  });
  return { key: generated.key, record };
}

/** Keys, oldest first; one tenant's when `tenant` is given. Revoked keys are included. */
export async function listKeys(db: Queryable, options: { tenant?: string | undefined } = {}): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRecord>(
    `select ${KEY_COLUMNS} from atlas_api_keys where ($1::text is null or tenant = $1) order by tenant, created_at, id`,
    [options.tenant ?? null],
  );
  return rows;
}

/** The names of a tenant's keys by id (revoked ones too: a run keeps who started it). */
export async function keyNames(db: Queryable, tenant: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; name: string }>("select id, name from atlas_api_keys where tenant = $1 and id = any($2::text[])", [
    tenant,
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** How many keys exist, revoked or not. */
export async function countKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from atlas_api_keys");
  return rows[0]?.n ?? 0;
}

/**
 * Revokes the key whose id or display prefix is `ref` (within `tenant` when given) and records
 * `key.revoke` in the audit log, in one transaction.
 * @throws AtlasError NOT_FOUND when nothing matches, CONFLICT when `ref` is ambiguous or already revoked.
 */
export async function revokeKey(pool: pg.Pool, ref: string, actor: Actor, options: { tenant?: string | undefined } = {}): Promise<ApiKeyRecord> {
  return withTransaction(pool, async (tx) => {
    const { rows: matches } = await tx.query<ApiKeyRecord>(
      `select ${KEY_COLUMNS} from atlas_api_keys where (id = $1 or prefix = $1) and ($2::text is null or tenant = $2)`,
      [ref, options.tenant ?? null],
    );
    const live = matches.filter((key) => key.revoked_at === null);
    if (!matches.length) throw new AtlasError("NOT_FOUND", `No API key with id or prefix ${ref}`);
    if (!live.length) throw new AtlasError("CONFLICT", `API key ${ref} is already revoked`);
    if (live.length > 1) {
      throw new AtlasError("CONFLICT", `${ref} matches ${live.length} keys (${live.map((key) => key.id).join(", ")}); revoke by id`);
    }
    // `revoked_at is null` again: a concurrent revoke holding the row makes this one wait, then match nothing
    const { rows } = await tx.query<ApiKeyRecord>(
      `update atlas_api_keys set revoked_at = now() where id = $1 and revoked_at is null returning ${KEY_COLUMNS}`,
      [(live[0] as ApiKeyRecord).id],
    );
    const record = rows[0];
    if (!record) throw new AtlasError("CONFLICT", `API key ${ref} was revoked concurrently`);
    await recordAudit(tx, { tenant: record.tenant, actor, action: "key.revoke", target: record.id, detail: { name: record.name, prefix: record.prefix } });
    return record;
  });
}

/** The authenticated caller: a key, its tenant and what the tenant allows. */
export interface Principal {
  /** the key's id; null when authentication is off */
  keyId: string | null;
  name: string;
  tenant: string;
  roles: Role[];
  allowSelfApproval: boolean;
}

/** Touch `last_used_at` at most this often, so reads do not turn into a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Looks a raw key up by its hash.
 * @returns the principal, or why the key is refused.
 */
export async function authenticateKey(
  db: Queryable,
  key: string,
  now: Date = new Date(),
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: "invalid" | "revoked" }> {
  if (!looksLikeKey(key)) return { ok: false, reason: "invalid" };
  const { rows } = await db.query<ApiKeyRecord>(`select ${KEY_COLUMNS} from atlas_api_keys where hash = $1`, [hashKey(key)]);
  const row = rows[0];
  if (!row) return { ok: false, reason: "invalid" };
  if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
  // the key's tenant always exists (foreign key); a missing row would only ever refuse self-approval
  const tenant = await getTenant(db, row.tenant);
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    // bookkeeping only: a failure here must not fail the request
    db.query("update atlas_api_keys set last_used_at = now() where id = $1", [row.id]).catch(() => {});
  }
  return {
    ok: true,
    principal: { keyId: row.id, name: row.name, tenant: row.tenant, roles: row.roles, allowSelfApproval: tenant?.allow_self_approval ?? false },
  };
}
