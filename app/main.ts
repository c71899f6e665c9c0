import { loadConfig } from "../lib/config.js";
import { createLogger } from "../lib/log.js";
import { bootstrapAdminKey } from "../tenants/bootstrap.js";
import { buildDeps } from "./deps.js";
import { seedRunbooks } from "./seed.js";
import { serve } from "./serve.js";

/** `pnpm start`: configuration from the environment, embedded database unless DATABASE_URL is set. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const deps = await buildDeps(config, log);
  // first start: an admin key for tenant default, printed once and written to $ATLAS_DATA_DIR/admin.key
  if (config.ATLAS_AUTH === "on") await bootstrapAdminKey(deps);
  await seedRunbooks(deps);
  await serve(deps, { announce: { model: deps.models.length ? config.OPENAI_MODEL : "none (deterministic mode)" } });
}

main().catch((error: Error) => {
  console.error(`atlas: ${error.message}`);
  process.exit(1);
});
