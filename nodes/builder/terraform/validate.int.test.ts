import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTerraform } from "../../../iac/terraform.js";
import { goalStatementSchema } from "../../../schemas/goal.js";
import { type PlanSpec, planSpecSchema } from "../../../schemas/plan.js";
import { componentPlans } from "../../../test/fixtures/plans/components.js";
import { staticSitePlan, webApiProdPlan, workerDevPlan } from "../../../test/fixtures/plans/index.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../../../test/helpers/tmp.js";
import { planDeterministic } from "../../architect/engine.js";
import { renderArtifacts } from "../engine.js";

/*
 * Every eval goal that plans, and a variant of a sample plan per PlanSpec field added for
 * issue 9, rendered and checked by `terraform validate` against the real AWS provider schema,
 * offline: providers come from a filesystem mirror (hashicorp/aws 5.100 on this machine).
 *
 * Each case is written to its own folder, as the builder renders it. Validating them one by one
 * costs a provider start-up and the 13 MB schema load per case (about 8 s on a two-core machine),
 * so one root module calls every case as a module: one `terraform init`, one `terraform validate`.
 * A case's default `provider "aws"` block (region and default tags) starts a provider process of
 * its own (about 1 s of CPU each), so only the first case of each provider layout keeps it; the
 * others use the root's. An unknown argument planted in a canary case proves errors inside
 * modules are reported.
 */

/** Where the provider mirror is; `ATLAS_TF_PLUGIN_MIRROR` overrides the machine's default. */
const MIRROR = process.env.ATLAS_TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
/** Reused across runs so `terraform init` links the provider instead of copying 700 MB. */
const PLUGIN_CACHE = process.env.ATLAS_TF_PLUGIN_CACHE ?? join(tmpdir(), "atlas-terraform-plugin-cache");

const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const hasMirror = existsSync(join(MIRROR, "registry.terraform.io", "hashicorp", "aws"));
const skipReason = !hasTerraform
  ? "skipped: terraform is not on the PATH"
  : !hasMirror
    ? `skipped: no hashicorp/aws provider mirror at ${MIRROR} (set ATLAS_TF_PLUGIN_MIRROR)`
    : "";

const GOALS = join(repoRoot, "evals", "goals");

/** Plans of every eval goal that plans (blocked goals have no Terraform). */
function evalPlans(): Record<string, PlanSpec> {
  const plans: Record<string, PlanSpec> = {};
  for (const file of readdirSync(GOALS).filter((f) => f.endsWith(".json") && f !== "expectations.json")) {
    const goal = goalStatementSchema.parse(JSON.parse(readFileSync(join(GOALS, file), "utf8")));
    const outcome = planDeterministic(goal, { planId: "plan-validate", traceId: "c".repeat(32), version: 1, parentVersion: null, citations: [] });
    if (outcome.kind === "plan") plans[`goal-${file.replace(/\.json$/, "")}`] = outcome.plan;
  }
  return plans;
}

/** The three designs of the user's own components (test/fixtures/plans/components.ts): one Pod Identity association per component. */
function componentCases(): Record<string, PlanSpec> {
  return Object.fromEntries(Object.entries(componentPlans).map(([name, plan]) => [`components-${name}`, plan]));
}

/** A sample plan with one field changed, parsed again so defaults and checks apply. */
function variant(base: PlanSpec, edit: (plan: PlanSpec) => void): PlanSpec {
  const plan = structuredClone(base);
  edit(plan);
  return planSpecSchema.parse(plan);
}

const db = webApiProdPlan.databases[0] as PlanSpec["databases"][number];
const noIngress = { type: "none", public: false, tls: false } as const;

/** One variant per new PlanSpec field (and the cases each one branches on). */
const fieldVariants: Record<string, PlanSpec> = {
  "arm64-ecs": variant(webApiProdPlan, (p) => {
    p.compute.architecture = "arm64";
  }),
  "arm64-eks": variant(workerDevPlan, (p) => {
    p.compute.architecture = "arm64";
    p.compute.node_instance_type = "m7g.large";
  }),
  "spot-service": variant(webApiProdPlan, (p) => {
    p.compute.capacity = "spot";
  }),
  "spot-scheduled": variant(webApiProdPlan, (p) => {
    p.compute.capacity = "spot";
    p.network.ingress = noIngress;
    p.compute.schedule = { expression: "cron(0 2 * * ? *)", run_minutes: 30, tasks_per_run: 2 };
  }),
  "public-tasks-ecs": variant(webApiProdPlan, (p) => {
    p.network.task_subnets = "public";
    p.network.nat_gateways = 0;
  }),
  "public-tasks-scheduled": variant(webApiProdPlan, (p) => {
    p.network.task_subnets = "public";
    p.network.nat_gateways = 0;
    p.network.ingress = noIngress;
    p.compute.schedule = { expression: "rate(1 hour)", run_minutes: 10, tasks_per_run: 1 };
  }),
  "public-nodes-eks": variant(workerDevPlan, (p) => {
    p.network.task_subnets = "public";
    p.network.nat_gateways = 0;
  }),
  "vpc-endpoints": variant(webApiProdPlan, (p) => {
    p.network.nat_gateways = 0;
    p.network.vpc_endpoints = ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "sts"];
  }),
  "existing-vpc-ids": variant(webApiProdPlan, (p) => {
    p.network.existing_vpc = { vpc_id: "vpc-0abc1234", subnet_ids: ["subnet-0aaa1111", "subnet-0bbb2222"] };
    p.network.vpc_endpoints = ["s3", "logs"];
  }),
  "existing-vpc-tagged-eks": variant(workerDevPlan, (p) => {
    p.network.existing_vpc = { vpc_id: "vpc-0abc1234", subnet_ids: [] };
  }),
  mysql: variant(webApiProdPlan, (p) => {
    p.databases = [{ ...db, engine: "mysql", engine_version: "8.0.39" }];
  }),
  "aurora-postgresql": variant(webApiProdPlan, (p) => {
    p.databases = [{ ...db, engine: "aurora-postgresql", engine_version: "16.4", read_replicas: 1 }];
  }),
  "aurora-mysql": variant(webApiProdPlan, (p) => {
    p.databases = [{ ...db, engine: "aurora-mysql", engine_version: "8.0.mysql_aurora.3.08.0", read_replicas: 0, backup_retention_days: 0 }];
  }),
  "postgres-and-mysql": variant(webApiProdPlan, (p) => {
    p.databases = [db, { ...db, id: "ledger-db", engine: "mysql", engine_version: "8.4.3", read_replicas: 0 }];
  }),
  "one-private-subnet": variant(webApiProdPlan, (p) => {
    p.network = { ...p.network, availability_zones: ["us-east-1a"], public_subnets: ["10.20.0.0/24"], private_subnets: ["10.20.16.0/20"] };
    p.network.nat_gateways = 1;
    p.network.ingress = noIngress;
  }),
  "waf-alb": variant(webApiProdPlan, (p) => {
    p.security.waf = true;
  }),
  "waf-cloudfront-us-west-2": variant(staticSitePlan, (p) => {
    p.security.waf = true;
  }),
  "waf-eks": variant(workerDevPlan, (p) => {
    p.security.waf = true;
    p.network.ingress = { type: "alb", public: true, tls: true };
  }),
};

/** `case_<name>`: module names must start with a letter. */
function moduleName(name: string): string {
  return `case_${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The default (alias-less) provider block as the builder writes it, from its opening line to its closing brace. */
const DEFAULT_PROVIDER = /^provider "aws" \{\n(?:(?!\s*alias\s*=)(?!\}\n).*\n)*\}\n\n?/m;

/** What a provider block looks like with its values blanked, to tell layouts apart. */
function providerLayout(content: string): string {
  return content.replace(/"[^"\n]*"/g, '""').replace(/^#.*$/gm, "");
}

/** Values for each case's variables that have no default (what a user passes at apply). */
async function moduleArguments(files: { path: string; content: string }[]): Promise<Record<string, string>> {
  const { variables } = await parseTerraform(files);
  const known: Record<string, string> = { certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000" };
  const args: Record<string, string> = {};
  for (const v of variables.filter((v) => v.attributes.default === undefined)) {
    const value = known[v.name];
    if (value === undefined) throw new Error(`no test value for variable ${v.name}; add one to moduleArguments`);
    args[v.name] = value;
  }
  return args;
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync("terraform", args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

describe.skipIf(skipReason !== "")(`terraform validate on rendered plans${skipReason ? ` (${skipReason})` : ""}`, () => {
  let root = "";
  let env: NodeJS.ProcessEnv = {};
  const cases: Record<string, PlanSpec> = {};

  beforeAll(async () => {
    Object.assign(cases, evalPlans(), fieldVariants, componentCases());
    root = makeTmpDir("atlas-tf-validate-");
    mkdirSync(PLUGIN_CACHE, { recursive: true });
    const cli = join(root, "terraform.rc");
    writeFileSync(
      cli,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(MIRROR)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
    );
    env = { ...process.env, TF_CLI_CONFIG_FILE: cli, TF_PLUGIN_CACHE_DIR: PLUGIN_CACHE, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    const modules: string[] = [];
    const layouts = new Set<string>();
    for (const [name, plan] of Object.entries(cases)) {
      const files = renderArtifacts(plan)
        .files.filter((f) => f.kind === "terraform")
        .map((f) => ({ path: f.path.replace(/^terraform\//, ""), content: f.content }));
      for (const file of files) {
        let content = file.content;
        if (file.path === "providers.tf") {
          const layout = providerLayout(content);
          if (layouts.has(layout)) {
            content = content.replace(DEFAULT_PROVIDER, "");
            if (content === file.content) throw new Error(`no default provider block found in providers.tf of ${name}`);
          }
          layouts.add(layout);
        }
        const path = join(root, "cases", name, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
      const args = Object.entries(await moduleArguments(files)).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}\n`);
      modules.push(`module "${moduleName(name)}" {\n  source = "./cases/${name}"\n${args.join("")}}\n`);
    }
    // The canary: a copy of the first case with an argument the provider does not have.
    const canary = join(root, "cases", "canary");
    mkdirSync(canary, { recursive: true });
    writeFileSync(join(canary, "main.tf"), 'resource "aws_sqs_queue" "canary" {\n  name             = "canary"\n  not_an_argument  = true\n}\n');
    modules.push('module "canary" {\n  source = "./cases/canary"\n}\n');
    writeFileSync(join(root, "main.tf"), ['provider "aws" {\n  region = "us-east-1"\n}\n', ...modules].join("\n"));
  });

  afterAll(() => removeTmpDir(root));

  it("has a case for every new PlanSpec field and for the eval goals that plan", () => {
    expect(Object.keys(cases).filter((n) => n.startsWith("goal-")).length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(fieldVariants).length).toBeGreaterThanOrEqual(8);
  });

  // terraform starts a provider process per layout: on a loaded 2-core machine this takes minutes, not seconds
  it("initialises offline from the mirror and validates every case against the AWS provider schema", { timeout: 600_000 }, () => {
    const init = run(["init", "-backend=false", "-input=false", "-no-color"], root, env);
    expect(init.status, init.stderr || init.stdout).toBe(0);
    const validate = run(["validate", "-json", "-no-color"], root, env);
    const report = JSON.parse(validate.stdout) as { diagnostics: Diagnostic[] };
    const where = (d: Diagnostic) => `${d.range?.filename ?? "?"}:${d.range?.start.line ?? "?"} ${d.severity}: ${d.summary} ${d.detail ?? ""}`.trim();
    const canary = report.diagnostics.filter((d) => d.range?.filename.startsWith("cases/canary/"));
    const others = report.diagnostics.filter((d) => !canary.includes(d));
    // Warnings count too: a deprecated argument is one AWS will refuse later.
    expect(others.map(where)).toEqual([]);
    expect(canary.map((d) => d.summary)).toEqual(["Unsupported argument"]);
  });

  it("is already `terraform fmt` formatted, every case", () => {
    const fmt = run(["fmt", "-check", "-recursive", "-list=true", "-no-color", "cases"], root, env);
    const unformatted = fmt.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("cases/canary/"));
    expect(unformatted).toEqual([]);
  });
});
