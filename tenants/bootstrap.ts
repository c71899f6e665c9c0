import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { LOCK_KEYS } from "../lib/db/advisory-lock.js";
import { withTransaction } from "../lib/db/transaction.js";
import type { Logger } from "../lib/log.js";
import { type ApiKeyRecord, countKeys, createKeyIn } from "./keys.js";
import { DEFAULT_TENANT } from "./roles.js";
import { ensureTenant } from "./tenants.js";

/** Where the bootstrap admin key is written: `$ATLAS_DATA_DIR/admin.key`. */
export const adminKeyPath = (dataDir: string) => join(dataDir, "admin.key");

export interface BootstrapDeps {
  db: { kind: "embedded" | "postgres"; pool: pg.Pool };
  config: { dataDir: string; HOST?: string; PORT?: number };
  log: Logger;
}

/**
 * On a database without any API key: creates tenant `default` and an admin key for it, prints
 * the key once to `out` (stdout; never through the logger) and writes it to
 * `$ATLAS_DATA_DIR/admin.key` with mode 0600. Does nothing once any key exists.
 *
 * On the embedded database the default tenant allows approving your own plan, so the
 * two-command start works for one person alone; on an external Postgres it does not.
 */
export async function bootstrapAdminKey(
  deps: BootstrapDeps,
  out: NodeJS.WritableStream = process.stdout,
): Promise<{ key: string; record: ApiKeyRecord; path: string } | null> {
  const created = await withTransaction(deps.db.pool, async (client) => {
    await client.query("select pg_advisory_xact_lock($1)", [LOCK_KEYS.bootstrap]);
    if ((await countKeys(client)) > 0) return null;
    await ensureTenant(client, DEFAULT_TENANT, { allowSelfApproval: deps.db.kind === "embedded" });
    return createKeyIn(client, { tenant: DEFAULT_TENANT, name: "bootstrap-admin", roles: ["admin"] }, { keyId: null, name: "bootstrap" });
  });
  if (!created) return null;

  const path = adminKeyPath(deps.config.dataDir);
  let written = true;
  try {
    mkdirSync(deps.config.dataDir, { recursive: true });
    writeFileSync(path, `${created.key}\n`, { mode: 0o600 });
    chmodSync(path, 0o600); // the mode above applies only when the file is new
  } catch (error) {
    written = false;
    deps.log.warn({ path, err: error }, "could not write the admin key file; copy the key printed on stdout");
  }
  const rule = "=".repeat(78);
  const { HOST: host = "127.0.0.1", PORT: port = 8787 } = deps.config;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/schemas`;
  out.write(
    [
      "",
      rule,
      `  Atlas created the first API key: admin of tenant "${DEFAULT_TENANT}" (id ${created.record.id}).`,
      "  It is shown once, here. Keep it secret.",
      "",
      `    ${created.key}`,
      "",
      written ? `  It is also in ${path} (mode 0600):` : "  Use it as:",
      `    curl -H "Authorization: Bearer ${written ? `$(cat ${path})` : "<key>"}" ${url}`,
      "  More keys: pnpm keys create --tenant T --name N --roles planner,approver",
      rule,
      "",
      "",
    ].join("\n"),
  );
  deps.log.info({ key_id: created.record.id, prefix: created.record.prefix, path: written ? path : null }, "created the bootstrap admin key");
  return { ...created, path };
}
