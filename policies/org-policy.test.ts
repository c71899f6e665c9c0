import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAtlasError } from "../lib/errors.js";
import { validateIac } from "./engine.js";
import { loadOrgPolicy, mergeOrgPolicy } from "./org-policy.js";

const BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n}\n';

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("organisation policy", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "atlas-policy-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the shipped sample policy", async () => {
    const policy = await loadOrgPolicy(join(import.meta.dirname, "org"));
    expect(policy.fail_on).toBe("high");
    expect(policy.disable).toContain("AWS_EKS_SECRETS_ENCRYPTION");
    expect(policy.custom_rules.map((r) => r.id)).toEqual(["ORG_S3_OWNER_TAG", "ORG_RDS_ENGINE", "ORG_K8S_SERVICE_ACCOUNT"]);
  });

  it("merges files in name order: last scalar wins, lists combine, maps merge", async () => {
    await writeFile(join(dir, "10-base.yaml"), "fail_on: critical\ndisable: [AWS_S3_VERSIONING]\nreplicas:\n  prod: { min: 3 }\n");
    await writeFile(join(dir, "20-team.yml"), "fail_on: medium\ndisable: [CKV_AWS_19]\nreplicas:\n  prod: { max: 10 }\n");
    await writeFile(join(dir, "notes.txt"), "ignored");
    const policy = await loadOrgPolicy(dir);
    expect(policy.fail_on).toBe("medium");
    expect(policy.disable).toEqual(["AWS_S3_VERSIONING", "CKV_AWS_19"]);
    expect(policy.replicas.prod).toEqual({ min: 3, max: 10 });
    expect(policy.replicas.dev).toEqual({ max: 3 });
    expect(policy.sources.map((s) => s.slice(dir.length + 1))).toEqual(["10-base.yaml", "20-team.yml"]);
  });

  it("disables rules by id or alias and overrides severities", async () => {
    const files = [{ path: "main.tf", content: BUCKET }];
    const before = await validateIac(files);
    expect(before.findings.map((f) => f.rule_id)).toContain("AWS_S3_PUBLIC_ACL");

    const policy = mergeOrgPolicy([
      {
        source: "p.yaml",
        data: {
          disable: ["CKV_AWS_19", "AWS_S3_VERSIONING", "AWS_S3_ACCESS_LOGGING"],
          severity_overrides: { AWS_S3_PUBLIC_ACL: "low", "AWS-0094": "info" },
          fail_on: "medium",
        },
      },
    ]);
    const after = await validateIac(files, { policy });
    const byRule = Object.fromEntries(after.findings.map((f) => [f.rule_id, f.severity]));
    expect(byRule).toEqual({ AWS_S3_PUBLIC_ACL: "low", AWS_S3_PUBLIC_ACCESS_BLOCK: "info" });
    expect(after.status).toBe("PASS");
  });

  it("runs custom rules for Terraform (with provider default_tags) and Kubernetes", async () => {
    const policy = mergeOrgPolicy([
      {
        source: "custom.yaml",
        data: {
          custom_rules: [
            {
              id: "ORG_OWNER",
              title: "owner tag",
              severity: "high",
              target: "terraform",
              resource_type: "aws_s3_bucket",
              attribute: "tags.owner",
              condition: "exists",
              message: "needs an owner",
            },
            {
              id: "ORG_TEAM",
              title: "team label",
              severity: "medium",
              target: "kubernetes",
              kind: ["ConfigMap"],
              path: 'metadata.labels["acme.io/team"]',
              condition: "in",
              value: ["web", "data"],
              message: "team label",
            },
          ],
        },
      },
    ]);
    const files = [
      { path: "a.tf", content: 'provider "aws" {\n  default_tags {\n    tags = { owner = "web" }\n  }\n}\nresource "aws_s3_bucket" "tagged" {}\n' },
      { path: "b/b.tf", content: 'resource "aws_s3_bucket" "untagged" {\n  tags = { team = "x" }\n}\n' },
      { path: "cm.yaml", content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    acme.io/team: ops\n" },
    ];
    const report = await validateIac(files, { policy });
    const custom = report.findings.filter((f) => f.rule_id.startsWith("ORG_"));
    // default_tags apply to every provider-managed resource, including the one in b/.
    expect(custom.map((f) => [f.rule_id, f.resource, f.line, f.message])).toEqual([
      ["ORG_TEAM", "ConfigMap/default/c", 6, 'team label (metadata.labels["acme.io/team"] is "ops")'],
    ]);
    const withoutDefaults = await validateIac(files.slice(1), { policy });
    expect(withoutDefaults.findings.filter((f) => f.rule_id === "ORG_OWNER").map((f) => [f.resource, f.severity, f.message])).toEqual([
      ["module.b.aws_s3_bucket.untagged", "high", "needs an owner (tags.owner is missing)"],
    ]);
  });

  it("rejects invalid YAML values with the file and field path", async () => {
    await writeFile(
      join(dir, "bad.yaml"),
      "custom_rules:\n  - id: ORG_X\n    title: t\n    severity: urgent\n    target: terraform\n    resource_type: aws_s3_bucket\n    attribute: tags.owner\n    condition: exists\n    message: m\n",
    );
    const error = await errorOf(loadOrgPolicy(dir));
    expect(isAtlasError(error)).toBe(true);
    expect(error.message).toContain(`${join(dir, "bad.yaml")}: custom_rules[0].severity:`);
  });

  it("names unknown fields, bad paths, bad regexes and unknown rule ids", async () => {
    const cases: [unknown, string][] = [
      [{ fail_onn: "high" }, "fail_onn: unknown field"],
      [{ replicas: { prod: { min: 3, max: 2 } } }, "replicas.prod"],
      [{ disable: ["AWS_S3_NOPE"] }, "disable[0]: unknown rule id"],
      [{ severity_overrides: { CKV_AWS_99999: "low" } }, "severity_overrides.CKV_AWS_99999"],
      [
        { custom_rules: [{ id: "ORG_A", title: "t", severity: "low", target: "kubernetes", kind: "Pod", path: "spec..x", condition: "exists", message: "m" }] },
        "custom_rules[0].path",
      ],
      [
        {
          custom_rules: [
            { id: "ORG_A", title: "t", severity: "low", target: "kubernetes", kind: "Pod", path: "spec", condition: "matches", value: "(", message: "m" },
          ],
        },
        "custom_rules[0].value",
      ],
      [
        {
          custom_rules: [
            { id: "K8S_PRIVILEGED", title: "t", severity: "low", target: "kubernetes", kind: "Pod", path: "spec", condition: "exists", message: "m" },
          ],
        },
        "custom_rules[0].id",
      ],
    ];
    for (const [data, expected] of cases) {
      let message = "";
      try {
        mergeOrgPolicy([{ source: "policy.yaml", data }]);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, JSON.stringify(data)).toContain(`policy.yaml: ${expected}`);
    }
  });

  it("reports YAML syntax errors and empty folders clearly", async () => {
    await writeFile(join(dir, "broken.yaml"), "fail_on: [high\n");
    expect((await errorOf(loadOrgPolicy(dir))).message).toMatch(/broken\.yaml: line \d+:/);
    const empty = await mkdtemp(join(tmpdir(), "atlas-policy-empty-"));
    expect((await errorOf(loadOrgPolicy(empty))).message).toContain("No *.yaml policy files");
    await rm(empty, { recursive: true });
  });
});
