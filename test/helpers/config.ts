import { type Config, loadConfig } from "../../lib/config.js";

/** Settings for tests: no seeding and quiet logs, plus `env`. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ ATLAS_SEED_DOCS: "off", LOG_LEVEL: "silent", ...env });
}
