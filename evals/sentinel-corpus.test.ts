import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readIacFolder } from "../iac/read-folder.js";
import type { IacFile } from "../iac/types.js";
import { gateCost } from "../nodes/validator/cost-gate.js";
import { validateIac } from "../policies/engine.js";
import { defaultOrgPolicy } from "../policies/org-policy-schema.js";

/**
 * Sentinel on layouts teams really have (evals/sentinel/<case>/): each case's expected.json lists
 * every finding (severity, rule, resource, and "cannot verify" when unverified), the status, and
 * the cost lines worked out by hand from the list prices its `about` names. A case's input is its
 * own folder, or the file `input` names.
 */
const ROOT = join(import.meta.dirname, "sentinel");

interface Expected {
  input?: string;
  status: "PASS" | "FAIL";
  findings: string[][];
  cost: { region: string; monthly_total_usd: number; fixed: Record<string, number>; unpriced: string[] };
}

async function inputOf(dir: string, expected: Expected): Promise<IacFile[]> {
  if (!expected.input) return (await readIacFolder(dir)).filter((file) => file.path !== "expected.json");
  const path = resolve(dir, expected.input);
  return [{ path: basename(path), content: readFileSync(path, "utf8") }];
}

const cases = readdirSync(ROOT).filter((name) => existsSync(join(ROOT, name, "expected.json")));

describe("Sentinel corpus", () => {
  it("has the layouts the issue asks for: modules with tfvars, a plan JSON, Kubernetes with a removed API", () => {
    expect(cases).toEqual(expect.arrayContaining(["modules-layout", "plan-json", "k8s-cluster"]));
  });

  describe.each(cases)("%s", (name) => {
    const dir = join(ROOT, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;

    it("reports exactly the expected findings, in order, and the expected status", async () => {
      const files = await inputOf(dir, expected);
      const report = await validateIac(files);
      const region = report.regions[0] ?? "us-east-1";
      const policy = defaultOrgPolicy();
      const gated = gateCost(report, report.resources, { region, budgetUsd: null, allowUnpriced: false, failOn: policy.fail_on });
      const found = gated.findings
        .filter((f) => f.rule_id !== "COST_UNPRICED")
        .map((f) => [f.severity, f.rule_id, f.resource, ...(f.unverified ? ["cannot verify"] : [])]);
      expect(found).toEqual(expected.findings);
      expect(gated.status).toBe(expected.status);
    });

    it("prices every resource line as worked out by hand, in the provider's region", async () => {
      const files = await inputOf(dir, expected);
      const report = await validateIac(files);
      const region = report.regions[0] ?? "us-east-1";
      expect(region).toBe(expected.cost.region);
      const { cost } = gateCost(report, report.resources, { region, budgetUsd: null, allowUnpriced: false, failOn: "high" });
      expect(Object.fromEntries(cost.resources.map((line) => [line.address, line.fixed_usd]))).toEqual(expected.cost.fixed);
      expect(cost.unpriced.map((u) => u.address)).toEqual(expected.cost.unpriced);
      expect(cost.monthly_total_usd).toBe(expected.cost.monthly_total_usd);
    });
  });
});
