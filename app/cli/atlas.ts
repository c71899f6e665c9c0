#!/usr/bin/env node
import { parseCli, runMain } from "./args.js";

/**
 * `atlas <command> [args]`: one entry point for the CLIs, compiled to dist/app/cli/atlas.js so
 * they run where there is no pnpm and no tsx (the production image links it as `atlas`).
 * Each command is imported only when named, so `atlas validate` never loads the database code.
 * `schemas` is left out: it rewrites the repository's schemas/*.json, which an image has no use
 * for (the server publishes them at GET /schemas).
 */
type CliMain = (argv: string[], command?: string) => Promise<number>;

interface Command {
  summary: string;
  load: () => Promise<{ main: CliMain }>;
  /** Exit code of an unexpected error (validate keeps 1 for FAIL). */
  failureCode?: number;
}

const COMMANDS: Record<string, Command> = {
  keys: { summary: "create, list and revoke API keys; a tenant's self-approval setting", load: () => import("./keys.js") },
  migrate: { summary: "apply pending database migrations", load: () => import("./migrate.js") },
  ingest: { summary: "ingest runbooks (Markdown, text, YAML, JSON) from files or folders", load: () => import("./ingest.js") },
  search: { summary: "see what retrieval returns for a query, and why", load: () => import("./search.js") },
  plan: { summary: "design, build and validate a goal; stop at approval or apply", load: () => import("./plan.js") },
  runs: { summary: "list a running server's runs, plans waiting for approval first", load: () => import("./runs.js") },
  approve: { summary: "approve, reject or revise a waiting plan on a running server", load: () => import("./approve.js") },
  answer: { summary: "answer a described plan's clarify questions on a running server", load: () => import("./answer.js") },
  validate: { summary: "run the validator on a Terraform / Kubernetes folder", load: () => import("./validate.js"), failureCode: 2 },
  verify: { summary: "check an artifact folder against its ATLAS-SIGNATURE.json", load: () => import("./verify.js"), failureCode: 2 },
  prices: { summary: "rebuild price sheets from the AWS Price List bulk offer files", load: () => import("./prices.js"), failureCode: 2 },
};

const USAGE = `usage: atlas <command> [args]
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.summary}`)
  .join("\n")}
'atlas <command> --help' shows a command's arguments. Commands read the same environment as the
server (DATABASE_URL, ATLAS_DATA_DIR, ...); the embedded database allows one process at a time.`;

/** Runs `atlas <command> [args]` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `atlas help [command]` is `atlas [command] --help`
  if (argv[0] === "help") return main(argv[1] ? [argv[1], "--help"] : ["--help"]);
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith("-")) {
    // only --help is valid here; parseCli prints the usage for it and refuses anything else
    const args = parseCli(argv, { usage: USAGE, options: {} });
    if (typeof args === "number") return args;
    console.error(USAGE);
    return 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`error: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  const { main: run } = await command.load();
  try {
    return await run(rest, `atlas ${name}`);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return command.failureCode ?? 1;
  }
}

runMain(main);
