import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIacFolder } from "../iac/read-folder.js";
import { validateIac } from "./engine.js";
import { loadOrgPolicy, mergeOrgPolicy } from "./org-policy.js";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "iac");

describe("validateIac", () => {
  it("finds nothing in the clean stack, with the defaults and with the sample org policy", async () => {
    const files = await readIacFolder(join(FIXTURES, "clean-stack"));
    const report = await validateIac(files, { environment: "prod" });
    expect(report.findings).toEqual([]);
    expect(report.status).toBe("PASS");
    expect(report.resources.length).toBeGreaterThan(30);
    // modules/network is called by `module "network"` in main.tf, so its resources take that name.
    expect(report.resources.some((r) => r.address === "module.network.aws_flow_log.main")).toBe(true);
    expect(report.objects.map((o) => o.kind)).toContain("Deployment");

    const policy = await loadOrgPolicy(join(import.meta.dirname, "org"));
    const strict = await validateIac(files, { environment: "prod", policy });
    expect(strict.findings).toEqual([]);
  });

  it("finds every planted problem", async () => {
    const files = await readIacFolder(join(FIXTURES, "planted"));
    const report = await validateIac(files, { environment: "prod" });
    const found = new Set(report.findings.map((f) => `${f.rule_id} ${f.file}`));
    const planted = [
      "AWS_S3_PUBLIC_ACL main.tf",
      "AWS_S3_PUBLIC_ACCESS_BLOCK main.tf",
      "AWS_SG_SSH_OPEN main.tf",
      "AWS_RDS_PUBLIC main.tf",
      "AWS_RDS_ENCRYPTION main.tf",
      "AWS_RDS_BACKUP_RETENTION main.tf",
      "AWS_IAM_WILDCARD_ACTION iam.tf",
      "AWS_IAM_ANY_PRINCIPAL iam.tf",
      "AWS_EBS_ENCRYPTION volumes.tf.json",
      "AWS_ELASTICACHE_AT_REST_ENCRYPTION modules/cache/main.tf",
      "AWS_ELASTICACHE_IN_TRANSIT_ENCRYPTION modules/cache/main.tf",
      "K8S_PRIVILEGED k8s/app.yaml",
      "K8S_HOST_PATH k8s/app.yaml",
      "K8S_IMAGE_TAG k8s/app.yaml",
      "K8S_RUN_AS_NON_ROOT k8s/app.yaml",
      "K8S_SERVICE_EXPOSURE k8s/app.yaml",
      "K8S_REPLICAS k8s/app.yaml",
      "IAC_PARSE_ERROR k8s/broken.yaml",
    ];
    expect(planted.filter((p) => !found.has(p))).toEqual([]);
    expect(report.status).toBe("FAIL");
    expect(report.findings.every((f) => f.line !== null)).toBe(true);
    expect(report.skipped).toEqual([expect.objectContaining({ file: "chart/templates/deployment.yaml" })]);
    // Chart.yaml and values.yaml are neither objects nor errors; the chart is rendered (policies/charts.ts)
    // and its Deployment, which has no selector, template or labels, is checked like a manifest.
    const chart = report.findings.filter((f) => f.file.startsWith("chart/"));
    expect([...new Set(chart.map((f) => `${f.rule_id} ${f.file}`))]).toEqual([
      "K8S_REPLICAS chart/templates/deployment.yaml",
      "K8S_REQUIRED_LABELS chart/templates/deployment.yaml",
      "K8S_SCHEMA chart/templates/deployment.yaml",
    ]);
    expect(chart.every((f) => f.message.startsWith("in chart chart with values.yaml (rendered): "))).toBe(true);
    expect(report.findings.find((f) => f.rule_id === "AWS_ELASTICACHE_AT_REST_ENCRYPTION")?.resource).toBe(
      "module.cache.aws_elasticache_replication_group.sessions",
    );
  });

  it("gives the same report for the same files in any order", async () => {
    const files = await readIacFolder(join(FIXTURES, "planted"));
    const a = await validateIac(files, { environment: "prod" });
    const b = await validateIac([...files].reverse(), { environment: "prod" });
    expect(b.findings).toEqual(a.findings);
    const keys = a.findings.map((f) => [f.file, f.line ?? 0, f.rule_id] as const);
    const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0)));
    expect(keys).toEqual(sorted);
  });

  it("counts findings per severity and fails at the policy's threshold", async () => {
    // Encrypted with a customer key, so the missing retention is the only (low) finding.
    const files = [
      { path: "logs.tf", content: 'resource "aws_cloudwatch_log_group" "a" {\n  name = "a"\n  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k"\n}\n' },
    ];
    const report = await validateIac(files);
    expect(report.summary).toEqual({ critical: 0, high: 0, medium: 0, low: 1, info: 0, total: 1 });
    expect(report.status).toBe("PASS");
    const strict = await validateIac(files, { policy: mergeOrgPolicy([{ source: "p", data: { fail_on: "low" } }]) });
    expect(strict.status).toBe("FAIL");
  });

  it("applies environment-aware rules only when the environment calls for them", async () => {
    const db = [
      'engine = "postgres"',
      "storage_encrypted = true",
      "iam_database_authentication_enabled = true",
      "performance_insights_enabled = true",
      'performance_insights_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k"',
    ];
    const files = [{ path: "db.tf", content: `resource "aws_db_instance" "a" {\n  ${db.join("\n  ")}\n}\n` }];
    const ids = async (environment?: "dev" | "prod") => (await validateIac(files, environment ? { environment } : {})).findings.map((f) => f.rule_id);
    expect(await ids("dev")).toEqual([]);
    expect(await ids()).toEqual([]);
    expect(await ids("prod")).toEqual(["AWS_RDS_BACKUP_RETENTION", "AWS_RDS_DELETION_PROTECTION_PROD", "AWS_RDS_MULTI_AZ_PROD"]);
  });
});
