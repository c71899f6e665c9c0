import { readFile, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { isAtlasError } from "../../lib/errors.js";
import { ENVIRONMENTS, type Environment } from "../../policies/types.js";
import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";
import { commandLineVars } from "./validate-vars.js";

const usage = (command: string) => `Usage:
  ${command} <dir | plan.json> [--json] [--env dev|staging|prod] [--policy <dir>]
      [--region <region>] [--budget USD] [--allow-unpriced] [--usage-file <infracost-usage.yml>]
      [--var name=value ...] [--var-file <file.tfvars | file.tfvars.json> ...]
  ${command} --rules [--json] [--policy <dir>]

Terraform is read as Terraform evaluates it: variable defaults, terraform.tfvars, *.auto.tfvars, then
--var and --var-file in command-line order (strongest), locals, count, for_each, dynamic blocks and
local modules. Registry and git modules cannot be fetched: each is a TF_MODULE_NOT_EVALUATED finding.
A value that stays unknown and decides a high-severity check is a "Cannot verify" finding, not a pass.
A plan JSON (terraform plan -out plan.out && terraform show -json plan.out > plan.json) is read with the
values Terraform resolved, modules included; give the plan alone, not beside the .tf it came from.
Every report has a cost section (region: --region, else the region the Terraform names: the aws
provider's, an azurerm location, a google region; else us-east-1, eastus or us-central1). With --budget, the status FAILs over the budget and while any resource is unpriced, unless
--allow-unpriced.
Exit codes: 0 PASS, 1 FAIL, 2 usage or input error.
`;

const options = {
  json: { type: "boolean" },
  env: { type: "string" },
  policy: { type: "string" },
  rules: { type: "boolean" },
  region: { type: "string" },
  budget: { type: "string" },
  "allow-unpriced": { type: "boolean" },
  "usage-file": { type: "string" },
  var: { type: "string", multiple: true },
  "var-file": { type: "string", multiple: true },
} as const;

/** A budget in USD of at least one cent, or why not. */
function parseBudget(text: string | undefined): number | null | string {
  if (text === undefined) return null;
  const amount = Number(text);
  return text.trim() !== "" && Number.isFinite(amount) && amount >= 0.01 ? amount : `--budget must be an amount in USD of at least 0.01, got "${text}"`;
}

/**
 * The region to price in when --region is not given: the one the Terraform names (the aws
 * provider, an azurerm `location`, a google `region`; in .tf or a plan JSON), else the cloud's
 * default. Several aws regions: the first, with a note to say so.
 */
function pricingRegion<R>(
  resources: readonly R[],
  named: readonly string[],
  io: CliIo,
  pick: (resources: readonly R[], named: readonly string[]) => string,
): string {
  if (named.length > 1) io.stderr(`The aws providers name several regions (${named.join(", ")}); pricing uses ${named[0]}. Pass --region to choose.\n`);
  return pick(resources, named);
}

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
  const budget = parseBudget(values.budget);
  if (typeof budget === "string") {
    io.stderr(`${budget}\n`);
    return 2;
  }
  // loaded only now: --help and usage errors need none of it (the rules load the Kubernetes schemas)
  const [
    { readIacFolder },
    { activeRules, effectiveSeverity, validateIac },
    { loadOrgPolicy },
    { defaultOrgPolicy },
    { formatReport, formatRules, reportJson },
    { gateCost },
    { parseUsageFile },
    { formatCost },
    { defaultPricingRegion },
  ] = await Promise.all([
    import("../../iac/read-folder.js"),
    import("../../policies/engine.js"),
    import("../../policies/org-policy.js"),
    import("../../policies/org-policy-schema.js"),
    import("../../policies/report-format.js"),
    import("../../nodes/validator/cost-gate.js"),
    import("../../pricing/usage-file.js"),
    import("./cost-text.js"),
    import("../../pricing/clouds.js"),
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
    const target = await stat(dir).catch(() => null);
    if (!target || (!target.isDirectory() && !target.isFile())) {
      io.stderr(`Not a folder or file: ${dir}\n`);
      return 2;
    }
    let usage: Awaited<ReturnType<typeof parseUsageFile>> | undefined;
    const usageFile = values["usage-file"];
    if (usageFile !== undefined) {
      const content = await readFile(usageFile, "utf8").catch(() => null);
      if (content === null) {
        io.stderr(`Cannot read usage file ${usageFile}\n`);
        return 2;
      }
      usage = parseUsageFile(content);
      if (!usage.ok) {
        io.stderr(`Invalid usage file ${usageFile}${usage.path === "" ? "" : ` at ${usage.path}`}: ${usage.message}\n`);
        return 2;
      }
    }
    const vars = await commandLineVars(argv, options);
    if (typeof vars === "string") {
      io.stderr(`${vars}\n`);
      return 2;
    }
    // a single file (a plan JSON, one .tf) is validated alone, under its own name
    const files = target.isFile() ? [{ path: basename(dir), content: await readFile(dir, "utf8") }] : await readIacFolder(resolve(dir));
    const scanned = await validateIac(files, { policy, terraform: { vars }, ...(env ? { environment: env as Environment } : {}) });
    const gated = gateCost(scanned, scanned.resources, {
      region: values.region ?? pricingRegion(scanned.resources, scanned.regions, io, defaultPricingRegion),
      usage: usage?.ok ? usage.usage : undefined,
      budgetUsd: budget,
      allowUnpriced: values["allow-unpriced"] === true,
      failOn: policy.fail_on,
      unpricedSeverity: policy.severity_overrides.COST_UNPRICED,
    });
    const report = { ...scanned, status: gated.status, findings: gated.findings, summary: gated.summary };
    if (values.json) {
      const extra = { environment: env ?? null, fail_on: policy.fail_on, policy_files: policy.sources, files: files.length, cost: gated.cost };
      io.stdout(reportJson(report, extra));
    } else {
      io.stdout(`${formatReport(report, policy.fail_on, files.length)}\n${formatCost(gated.cost)}`);
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
