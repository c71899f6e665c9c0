import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isAtlasError } from "../../lib/errors.js";
import { ENVIRONMENTS, type Environment } from "../../policies/types.js";
import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";

const usage = (command: string) => `Usage:
  ${command} <dir> [--json] [--env dev|staging|prod] [--policy <dir>]
  ${command} --rules [--json] [--policy <dir>]

Exit codes: 0 PASS, 1 FAIL, 2 usage or input error.
`;

const options = {
  json: { type: "boolean" },
  env: { type: "string" },
  policy: { type: "string" },
  rules: { type: "boolean" },
} as const;

/** Runs the validator CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo, command = "pnpm validate"): Promise<number> {
  const text = usage(command);
  const args = parseCli(argv, { usage: text, options, maxPositionals: Number.POSITIVE_INFINITY }, io);
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const env = values.env;
  if (env !== undefined && !(ENVIRONMENTS as readonly string[]).includes(env)) {
    io.stderr(`--env must be one of ${ENVIRONMENTS.join(", ")}, got "${env}"\n`);
    return 2;
  }
  if (values.rules ? positionals.length > 0 : positionals.length !== 1) {
    io.stderr(text);
    return 2;
  }
  // loaded only now: --help and usage errors need none of it (the rules load the Kubernetes schemas)
  const [
    { readIacFolder },
    { activeRules, effectiveSeverity, validateIac },
    { loadOrgPolicy },
    { defaultOrgPolicy },
    { formatReport, formatRules, reportJson },
  ] = await Promise.all([
    import("../../iac/read-folder.js"),
    import("../../policies/engine.js"),
    import("../../policies/org-policy.js"),
    import("../../policies/org-policy-schema.js"),
    import("../../policies/report-format.js"),
  ]);
  try {
    const policy = values.policy ? await loadOrgPolicy(values.policy) : defaultOrgPolicy();
    if (values.rules) {
      io.stdout(
        formatRules(
          activeRules(policy).map((rule) => ({ rule, severity: effectiveSeverity(rule, policy) })),
          values.json === true,
        ),
      );
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

/** `atlas validate`: the same CLI on the process's streams. */
export function main(argv: string[], command = "pnpm validate"): Promise<number> {
  return runCli(argv, processIo, command);
}

// 2, not 1: exit 1 means FAIL to scripts that run the validator
if (isMain(import.meta.url)) runMain(main, 2);
