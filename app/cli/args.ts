import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What a CLI accepts: its usage text, its flags (`help` is added) and how many positional arguments. */
export interface CliSpec<O extends Options> {
  usage: string;
  options: O;
  /** Fewest positional arguments (default 0); fewer prints the usage and exits 2. */
  minPositionals?: number;
  /** Most positional arguments (default: none allowed when `minPositionals` is 0, any number otherwise). */
  maxPositionals?: number;
}

/** Flags and positional arguments as `node:util` `parseArgs` returns them. */
export type CliArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>;

/** Where a CLI writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const HELP = { help: { type: "boolean", short: "h" } } as const;

/**
 * Parses `argv` strictly with `node:util` `parseArgs`. Returns the parsed arguments, or the
 * exit code after printing: 0 with the usage on stdout for `--help` (nothing else runs), 2 with
 * the error and the usage on stderr for an unknown flag, a flag missing its value or the wrong
 * number of positional arguments. A leading `--` (left by `pnpm run x -- args`) is dropped.
 */
export function parseCli<O extends Options>(argv: string[], spec: CliSpec<O>, io: CliIo = processIo): CliArgs<O> | number {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const usage = spec.usage.endsWith("\n") ? spec.usage : `${spec.usage}\n`;
  let parsed: CliArgs<O>;
  try {
    parsed = parseArgs({ args, options: { ...spec.options, ...HELP }, strict: true, allowPositionals: true }) as CliArgs<O>;
  } catch (error) {
    // `--help` wins over any other mistake on the same line: the person asked how to use it.
    if (wantsHelp(args)) return printed(io.stdout, usage, 0);
    return printed(io.stderr, `error: ${describe(error)}\n${usage}`, 2);
  }
  if ((parsed.values as { help?: boolean }).help) return printed(io.stdout, usage, 0);
  const count = parsed.positionals.length;
  const min = spec.minPositionals ?? 0;
  const max = spec.maxPositionals ?? (min === 0 ? 0 : Number.POSITIVE_INFINITY);
  if (count < min) return printed(io.stderr, usage, 2);
  if (count > max) return printed(io.stderr, `error: unexpected argument "${parsed.positionals[max]}"\n${usage}`, 2);
  return parsed;
}

function wantsHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

function printed(write: (text: string) => void, text: string, code: number): number {
  write(text);
  return code;
}

/** parseArgs' messages, in the words the CLIs have always used. */
function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = message.match(/'(-{1,2}[^' ]+)/)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing|argument is ambiguous/.test(message)) {
    return `${option} needs a value`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /does not take an argument/.test(message)) return `${option} takes no value`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  return message;
}

/**
 * True when the module at `moduleUrl` is the script node was started with, so a CLI module
 * runs itself when executed and only exports its `main` when imported (by `atlas`, or a test).
 */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Runs a CLI's `main` and sets the exit code from its result; an unexpected error prints one line and exits `failureCode`. */
export function runMain(main: (argv: string[]) => Promise<number>, failureCode = 1): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = failureCode;
    },
  );
}
