import type { Deps } from "../deps.js";

/**
 * Runs a CLI body with dependencies built from the environment, closing them afterwards.
 * Errors print one line to stderr and return `failureCode`. Everything `Deps` stands on (the
 * graph, the database, LangChain) is loaded here, after the CLI has parsed its arguments, so
 * `--help` and usage errors answer at once.
 * @returns the body's exit code (0 when it returns nothing).
 */
export async function runWithDeps(body: (deps: Deps) => Promise<number | undefined>, failureCode = 1): Promise<number> {
  let deps: Deps | undefined;
  try {
    const [{ loadConfig }, { createLogger }, { buildDeps }] = await Promise.all([
      import("../../lib/config.js"),
      import("../../lib/log.js"),
      import("../deps.js"),
    ]);
    const config = loadConfig();
    // CLIs talk to people on stdout; logs go to stderr and only when something is wrong.
    deps = await buildDeps(config, createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, process.stderr as never));
    return (await body(deps)) ?? 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return failureCode;
  } finally {
    await deps?.close();
  }
}
