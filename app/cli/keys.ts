import { userInfo } from "node:os";
import type pg from "pg";
import { parseArgs } from "./runtime.js";
import { loadConfig } from "../../lib/config.js";
import { openDatabase } from "../../lib/db/database.js";
import { migrate } from "../../lib/db/migrate.js";
import { type Actor, type ApiKeyRecord, createKey, listKeys, revokeKey, setSelfApproval } from "../../tenants/keys.js";
import { parseRoles, type Role, tenantSchema } from "../../tenants/roles.js";

const USAGE = `usage: pnpm keys <command>
  create --tenant T --name N --roles viewer|planner|approver|admin[,...] [--json]
                 a new API key; the key is printed once and only its hash is stored
  list [--tenant T] [--json]            keys (never the keys themselves), revoked ones marked
  revoke <id or prefix> [--json]        revoke a key at once
  tenant <T> --self-approval on|off     allow or refuse approving a plan you started
Roles: viewer < planner < approver < admin; each includes the ones before it.`;

type Command =
  | { name: "create"; tenant: string; keyName: string; roles: Role[]; json: boolean }
  | { name: "list"; tenant: string | undefined; json: boolean }
  | { name: "revoke"; ref: string; json: boolean }
  | { name: "tenant"; tenant: string; allow: boolean };

/** Parses the command line; a usage error is thrown as text and exits 2 before touching the database. */
function parseCommand(argv: string[]): Command {
  const { flags, positional } = parseArgs(argv, ["json", "help"]);
  const [name, ...rest] = positional;
  const json = flags.json === true;
  const text = (flag: string): string | undefined => {
    const value = flags[flag];
    if (value === true) throw new Error(`--${flag} needs a value`);
    return value;
  };
  const tenant = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`${what} is required`);
    const parsed = tenantSchema.safeParse(value);
    if (!parsed.success) throw new Error(`tenant "${value}": ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  switch (name) {
    case "create": {
      const keyName = text("name")?.trim();
      if (!keyName) throw new Error("--name is required");
      if (keyName.length > 200) throw new Error("--name is longer than 200 characters");
      const roles = text("roles");
      if (!roles) throw new Error("--roles is required");
      return { name, tenant: tenant(text("tenant"), "--tenant"), keyName, roles: parseRoles(roles), json };
    }
    case "list": {
      const value = text("tenant");
      return { name, tenant: value === undefined ? undefined : tenant(value, "--tenant"), json };
    }
    case "revoke":
      if (rest.length !== 1 || !rest[0]) throw new Error("revoke needs exactly one key id or prefix");
      return { name, ref: rest[0], json };
    case "tenant": {
      const setting = text("self-approval");
      if (setting !== "on" && setting !== "off") throw new Error("--self-approval must be on or off");
      return { name, tenant: tenant(rest[0], "the tenant name"), allow: setting === "on" };
    }
    default:
      throw new Error(name ? `unknown command "${name}"` : "no command given");
  }
}

/** The operating-system user, for the audit log; containers may have none. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

const show = (key: ApiKeyRecord) =>
  [
    key.id.padEnd(17),
    key.prefix.padEnd(15),
    key.tenant.padEnd(12),
    key.name.padEnd(20),
    key.roles.join(",").padEnd(24),
    key.created_at.toISOString().slice(0, 19),
    key.revoked_at ? `revoked ${key.revoked_at.toISOString().slice(0, 19)}` : "active",
  ].join("  ");

async function execute(pool: pg.Pool, command: Command, actor: Actor): Promise<void> {
  switch (command.name) {
    case "create": {
      const { key, record } = await createKey(pool, { tenant: command.tenant, name: command.keyName, roles: command.roles }, actor);
      if (command.json) console.log(JSON.stringify({ ...record, key }, null, 2));
      else {
        console.log(`created key ${record.id} "${record.name}" for tenant ${record.tenant} with roles ${record.roles.join(", ")}`);
        console.log("The key is shown once, now; only its hash is stored:");
        console.log(`\n  ${key}\n`);
      }
      return;
    }
    case "list": {
      const keys = await listKeys(pool, { tenant: command.tenant });
      if (command.json) console.log(JSON.stringify(keys, null, 2));
      else if (!keys.length) console.log("no keys");
      else {
        console.log(["id".padEnd(17), "prefix".padEnd(15), "tenant".padEnd(12), "name".padEnd(20), "roles".padEnd(24), "created (UTC)".padEnd(19), "state"].join("  "));
        for (const key of keys) console.log(show(key));
      }
      return;
    }
    case "revoke": {
      const record = await revokeKey(pool, command.ref, actor);
      if (command.json) console.log(JSON.stringify(record, null, 2));
      else console.log(`revoked key ${record.id} (${record.prefix}, "${record.name}", tenant ${record.tenant})`);
      return;
    }
    case "tenant":
      await setSelfApproval(pool, command.tenant, command.allow);
      console.log(`tenant ${command.tenant}: self-approval ${command.allow ? "allowed" : "refused"}`);
      return;
  }
}

/** `pnpm keys`: create, list and revoke API keys on the configured database. */
async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    if (argv.includes("--help")) {
      console.log(USAGE);
      return 0;
    }
    command = parseCommand(argv);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    await migrate(database.pool);
    await execute(database.pool, command, { keyId: null, name: `cli:${osUser()}`, remoteAddr: null });
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // the database could not be opened (in use by a running server, unreachable, ...)
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
