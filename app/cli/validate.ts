import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { readIacFolder } from "../../iac/read-folder.js";
import { isAtlasError } from "../../lib/errors.js";
import { formatReport, formatRules, reportJson } from "../../policies/report-format.js";
import { activeRules, effectiveSeverity, validateIac } from "../../policies/engine.js";
import { loadOrgPolicy } from "../../policies/org-policy.js";
import { defaultOrgPolicy } from "../../policies/org-policy-schema.js";
import { ENVIRONMENTS, type Environment } from "../../policies/types.js";

const USAGE = `Usage:
  pnpm validate <dir> [--json] [--env dev|staging|prod] [--policy <dir>]
  pnpm validate --rules [--json] [--policy <dir>]

Exit codes: 0 PASS, 1 FAIL, 2 usage or input error.
`;

/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the validator CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const env = values.env;
  if (env !== undefined && !(ENVIRONMENTS as readonly string[]).includes(env)) {
    io.stderr(`--env must be one of ${ENVIRONMENTS.join(", ")}, got "${env}"\n`);
    return 2;
  }
  if (values.rules ? positionals.length > 0 : positionals.length !== 1) {
    io.stderr(USAGE);
    return 2;
  }
  try {
    const policy = values.policy ? await loadOrgPolicy(values.policy) : defaultOrgPolicy();
    if (values.rules) {
      io.stdout(formatRules(activeRules(policy).map((rule) => ({ rule, severity: effectiveSeverity(rule, policy) })), values.json === true));
      return 0;
    }
    const dir = positionals[0] as string;
    if (!(await stat(dir).catch(() => null))?.isDirectory()) {
      io.stderr(`Not a folder: ${dir}\n`);
      return 2;
    }
    const files = await readIacFolder(resolve(dir));
    const report = await validateIac(files, { policy, ...(env ? { environment: env as Environment } : {}) });
    if (values.json) {
      io.stdout(reportJson(report, { environment: env ?? null, fail_on: policy.fail_on, policy_files: policy.sources, files: files.length }));
    } else {
      io.stdout(formatReport(report, policy.fail_on, files.length));
    }
    return report.status === "FAIL" ? 1 : 0;
  } catch (error) {
    if (isAtlasError(error)) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean" },
      env: { type: "string" },
      policy: { type: "string" },
      rules: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
