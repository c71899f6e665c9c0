import { loadConfig } from "../../lib/config.js";
import { buildDeps, type Deps } from "../deps.js";
import { createLogger } from "../../lib/log.js";

/**
 * Runs a CLI body with dependencies built from the environment, closing them afterwards.
 * Errors print one line to stderr and set exit code `failureCode`.
 */
export async function runWithDeps(body: (deps: Deps) => Promise<number | undefined>, failureCode = 1): Promise<void> {
  let deps: Deps | undefined;
  try {
    const config = loadConfig();
    // CLIs talk to people on stdout; logs go to stderr and only when something is wrong.
    deps = await buildDeps(config, createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL, process.stderr as never));
    process.exitCode = (await body(deps)) ?? 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = failureCode;
  } finally {
    await deps?.close();
  }
}

/** Minimal flag parser: `--name value`, `--flag`, and positional arguments. */
export function parseArgs(argv: string[], booleanFlags: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") continue;
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (inline !== undefined) flags[name] = inline;
      else if (booleanFlags.includes(name)) flags[name] = true;
      else {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
        flags[name] = value;
        i++;
      }
    } else positional.push(arg);
  }
  return { flags, positional };
}

/**
 * Parses a CLI's arguments or exits: 2 with the usage on a malformed flag or a missing
 * positional argument, 0 after printing the usage for --help.
 */
export function parseArgsOrExit(argv: string[], booleanFlags: string[], usage: string, minPositional = 1): ReturnType<typeof parseArgs> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, [...booleanFlags, "help"]);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (args.flags.help || args.positional.length < minPositional) {
    console.error(usage);
    process.exit(args.flags.help ? 0 : 2);
  }
  return args;
}
