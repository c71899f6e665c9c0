import { isMain, parseCli, runMain } from "./args.js";

const usage = (command: string) => `usage: ${command}
  Applies pending database migrations to the configured database (DATABASE_URL, or the embedded
  database in ATLAS_DATA_DIR) and exits. The server also applies them at start-up.`;

/** `pnpm migrate` / `atlas migrate`: applies pending migrations and exits; returns the exit code. */
export async function main(argv: string[], command = "pnpm migrate"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options: {} });
  if (typeof args === "number") return args;
  // loaded only now: --help and usage errors need none of it (the embedded database is heavy)
  const [{ loadConfig }, { openDatabase }, { migrate }] = await Promise.all([
    import("../../lib/config.js"),
    import("../../lib/db/database.js"),
    import("../../lib/db/migrate.js"),
  ]);
  const config = loadConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    const applied = await migrate(database.pool);
    console.log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await database.close();
  }
}

if (isMain(import.meta.url)) runMain(main);
