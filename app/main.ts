import { loadConfig } from "../lib/config.js";
import { createLogger } from "../lib/log.js";
import { buildServer } from "../server/app.js";
import { bootstrapAdminKey } from "../tenants/bootstrap.js";
import { buildDeps } from "./deps.js";
import { seedRunbooks } from "./seed.js";

/** `pnpm start`: configuration from the environment, embedded database unless DATABASE_URL is set. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const deps = await buildDeps(config, log);
  // first start: an admin key for tenant default, printed once and written to $ATLAS_DATA_DIR/admin.key
  if (config.ATLAS_AUTH === "on") await bootstrapAdminKey(deps);
  await seedRunbooks(deps);
  const app = await buildServer(deps);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await app.close();
    await deps.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ port: config.PORT, host: config.HOST });
  log.info(
    { database: deps.db.kind, model: deps.models.length ? config.OPENAI_MODEL : "none (deterministic mode)" },
    `Atlas listening on http://${config.HOST}:${config.PORT}`,
  );
}

main().catch((error: Error) => {
  console.error(`atlas: ${error.message}`);
  process.exit(1);
});
