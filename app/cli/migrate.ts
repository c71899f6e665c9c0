import { loadConfig } from "../../lib/config.js";
import { openDatabase } from "../../lib/db/database.js";
import { migrate } from "../../lib/db/migrate.js";

/** `pnpm migrate`: applies pending migrations to the configured database and exits. */
const config = loadConfig();
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
try {
  const applied = await migrate(database.pool);
  console.log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
