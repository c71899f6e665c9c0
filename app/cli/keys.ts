import { userInfo } from "node:os";
import type pg from "pg";
import type { Actor, ApiKeyRecord } from "../../tenants/keys.js";
import type { Role } from "../../tenants/roles.js";
import { type CliArgs, isMain, parseCli, runMain } from "./args.js";

const usage = (command: string) => `usage: ${command} <command>
  create --tenant T --name N --roles viewer|planner|approver|admin[,...] [--json]
                 a new API key; the key is printed once and only its hash is stored
  list [--tenant T] [--json]            keys (never the keys themselves), revoked ones marked
  revoke <id or prefix> [--json]        revoke a key at once
  tenant <T> --self-approval on|off     allow or refuse approving a plan you started
Roles: viewer < planner < approver < admin; each includes the ones before it.`;

const options = {
  tenant: { type: "string" },
  name: { type: "string" },
  roles: { type: "string" },
  "self-approval": { type: "string" },
  json: { type: "boolean" },
} as const;

type Flag = keyof typeof options;

/** The flags each command takes; any other is a usage error, not silently ignored. */
const FLAGS: Record<string, Flag[]> = {
  create: ["tenant", "name", "roles", "json"],
  list: ["tenant", "json"],
  revoke: ["json"],
  tenant: ["self-approval"],
};

type Command =
  | { name: "create"; tenant: string; keyName: string; roles: Role[]; json: boolean }
  | { name: "list"; tenant: string | undefined; json: boolean }
  | { name: "revoke"; ref: string; json: boolean }
  | { name: "tenant"; tenant: string; allow: boolean };

type RolesModule = typeof import("../../tenants/roles.js");

/** Turns parsed arguments into a command; a usage error is thrown as text and exits 2 before touching the database. */
function toCommand({ values, positionals }: CliArgs<typeof options>, { parseRoles, tenantSchema }: RolesModule): Command {
  const [name, ...rest] = positionals;
  if (!name) throw new Error("no command given");
  const allowed = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
  if (!allowed) throw new Error(`unknown command "${name}"`);
  const stray = (Object.keys(values) as Flag[]).find((flag) => !allowed.includes(flag));
  if (stray) throw new Error(`--${stray} does not apply to "${name}"`);
  const json = values.json === true;
  const tenant = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`${what} is required`);
    const parsed = tenantSchema.safeParse(value);
    if (!parsed.success) throw new Error(`tenant "${value}": ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  const noArguments = () => {
    if (rest.length) throw new Error(`unexpected argument "${rest[0]}"`);
  };
  switch (name) {
    case "create": {
      noArguments();
      const keyName = values.name?.trim();
      if (!keyName) throw new Error("--name is required");
      if (keyName.length > 200) throw new Error("--name is longer than 200 characters");
      if (!values.roles) throw new Error("--roles is required");
      return { name, tenant: tenant(values.tenant, "--tenant"), keyName, roles: parseRoles(values.roles), json };
    }
    case "list":
      noArguments();
      return { name, tenant: values.tenant === undefined ? undefined : tenant(values.tenant, "--tenant"), json };
    case "revoke":
      if (rest.length !== 1 || !rest[0]) throw new Error("revoke needs exactly one key id or prefix");
      return { name, ref: rest[0], json };
    default: {
      const setting = values["self-approval"];
      if (setting !== "on" && setting !== "off") throw new Error("--self-approval must be on or off");
      if (rest.length > 1) throw new Error(`unexpected argument "${rest[1]}"`);
      return { name: "tenant", tenant: tenant(rest[0], "the tenant name"), allow: setting === "on" };
    }
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

type KeysModule = typeof import("../../tenants/keys.js");

async function execute(pool: pg.Pool, command: Command, actor: Actor, { createKey, listKeys, revokeKey, setSelfApproval }: KeysModule): Promise<void> {
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
        console.log(
          ["id".padEnd(17), "prefix".padEnd(15), "tenant".padEnd(12), "name".padEnd(20), "roles".padEnd(24), "created (UTC)".padEnd(19), "state"].join("  "),
        );
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

/** `pnpm keys` / `atlas keys`: create, list and revoke API keys on the configured database; returns the exit code. */
export async function main(argv: string[], command = "pnpm keys"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options, maxPositionals: Number.POSITIVE_INFINITY });
  if (typeof args === "number") return args;
  const roles = await import("../../tenants/roles.js");
  let parsed: Command;
  try {
    parsed = toCommand(args, roles);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${usage(command)}`);
    return 2;
  }
  // loaded only now: --help and usage errors need none of it (the embedded database is heavy)
  const [{ loadConfig }, { openDatabase }, { migrate }, keys] = await Promise.all([
    import("../../lib/config.js"),
    import("../../lib/db/database.js"),
    import("../../lib/db/migrate.js"),
    import("../../tenants/keys.js"),
  ]);
  const config = loadConfig();
  // opening can fail (in use by a running server, unreachable, ...): runMain reports it with exit 1
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    await migrate(database.pool);
    await execute(database.pool, parsed, { keyId: null, name: `cli:${osUser()}`, remoteAddr: null }, keys);
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}

if (isMain(import.meta.url)) runMain(main);
