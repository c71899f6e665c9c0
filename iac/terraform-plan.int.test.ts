import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gateCost } from "../nodes/validator/cost-gate.js";
import { validateIac } from "../policies/engine.js";
import { makeTmpDir, removeTmpDir, repoRoot } from "../test/helpers/tmp.js";
import { parseTerraformPlan } from "./terraform-plan.js";
import type { IacFile } from "./types.js";

/*
 * The committed plan fixture is only as good as the terraform that made it: this runs
 * scripts/plan-fixtures.sh (the real terraform, offline, the AWS provider from a filesystem
 * mirror) on fixture modules-count and checks the fresh plan validates and prices exactly as the
 * committed plan.json does.
 */

const MIRROR = process.env.ATLAS_TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
const hasTerraform = spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0;
const hasMirror = existsSync(join(MIRROR, "registry.terraform.io", "hashicorp", "aws"));
const skipReason = !hasTerraform
  ? "skipped: terraform is not on the PATH"
  : !hasMirror
    ? `skipped: no hashicorp/aws provider mirror at ${MIRROR} (set ATLAS_TF_PLUGIN_MIRROR)`
    : "";

const FIXTURE = join(repoRoot, "test", "fixtures", "iac", "plan-json", "modules-count");

describe.skipIf(skipReason !== "")(`a fresh terraform plan of fixture modules-count${skipReason ? ` (${skipReason})` : ""}`, () => {
  const out = makeTmpDir("atlas-plan-json-");
  afterAll(() => removeTmpDir(out));

  it("validates to the same findings, resources and cost as the committed plan.json", { timeout: 600_000 }, async () => {
    const run = spawnSync("bash", [join(repoRoot, "scripts", "plan-fixtures.sh"), "--out", out, "modules-count"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, ATLAS_TF_PLUGIN_MIRROR: MIRROR },
    });
    expect(run.status, run.stderr || run.stdout).toBe(0);
    const fresh: IacFile = { path: "plan.json", content: readFileSync(join(out, "modules-count.json"), "utf8") };
    const committed: IacFile = { path: "plan.json", content: readFileSync(join(FIXTURE, "plan.json"), "utf8") };
    // a new plan is a new file (its timestamp differs), not new content
    expect(JSON.parse(fresh.content).terraform_version).toMatch(/^1\./);
    expect(parseTerraformPlan(fresh)).toEqual(parseTerraformPlan(committed));

    const [freshReport, committedReport] = await Promise.all([
      validateIac([fresh], { environment: "prod" }),
      validateIac([committed], { environment: "prod" }),
    ]);
    expect(freshReport.findings).toEqual(committedReport.findings);
    expect(freshReport.findings.map((f) => f.rule_id)).toContain("AWS_RDS_PUBLIC");
    const options = { region: "eu-west-1", budgetUsd: null, allowUnpriced: false, failOn: "high" as const };
    expect(gateCost(freshReport, freshReport.resources, options).cost).toEqual(gateCost(committedReport, committedReport.resources, options).cost);
  });
});
