import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { makeTmpDir, removeTmpDir } from "../../test/helpers/tmp.js";
import { runCli } from "./validate.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "iac");

async function cli(...argv: string[]) {
  const { io, printed } = recordingIo();
  const code = await runCli(argv, io);
  return { code, ...printed };
}

describe("pnpm validate", () => {
  it("exits 0 and says PASS for a clean folder", async () => {
    const { code, stdout } = await cli(join(FIXTURES, "clean-stack"), "--env", "prod", "--policy", join(import.meta.dirname, "..", "..", "policies", "org"));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS {2}0 finding\(s\)/);
  });

  it("exits 1 with a table of findings, paths relative to the folder", async () => {
    const { code, stdout } = await cli(join(FIXTURES, "planted"), "--env", "prod");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL /);
    expect(stdout).toContain("SEVERITY  RULE");
    expect(stdout).toMatch(/critical\s+AWS_RDS_PUBLIC \(CKV_AWS_17, AWS-0180\)\s+main\.tf:24\s+aws_db_instance\.legacy/);
    expect(stdout).toContain("chart/templates/deployment.yaml: Helm template");
    expect(stdout).not.toContain(FIXTURES);
  });

  it("prints a JSON report", async () => {
    const { code, stdout } = await cli(join(FIXTURES, "planted"), "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.status).toBe("FAIL");
    expect(report.environment).toBeNull();
    expect(report.summary.total).toBe(report.findings.length);
    expect(report.findings[0]).toEqual(
      expect.objectContaining({ rule_id: expect.any(String), aliases: expect.any(Array), file: expect.any(String), remediation: expect.any(String) }),
    );
    expect(report.findings.every((f: { file: string }) => !f.file.startsWith("/"))).toBe(true);
  });

  it("lists rules as a table or JSON, including custom rules from a policy", async () => {
    const table = await cli("--rules");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/AWS_S3_PUBLIC_ACL\s+high\s+terraform/);
    const json = await cli("--rules", "--json", "--policy", join(import.meta.dirname, "..", "..", "policies", "org"));
    const rules = JSON.parse(json.stdout) as { id: string; severity: string; aliases: string[] }[];
    expect(rules.find((r) => r.id === "K8S_IMAGE_TAG")).toMatchObject({ severity: "high", aliases: ["CKV_K8S_14", "KSV-0013"] });
    expect(rules.some((r) => r.id === "ORG_S3_OWNER_TAG")).toBe(true);
    expect(rules.some((r) => r.id === "AWS_EKS_SECRETS_ENCRYPTION")).toBe(false);
  });

  it("reads variables as Terraform does: the default, then --var (a bad --var is a usage error)", async () => {
    const dir = makeTmpDir("atlas-validate-var-");
    try {
      writeFileSync(
        join(dir, "main.tf"),
        [
          'variable "public" {\n  type    = bool\n  default = false\n}',
          'resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  instance_class      = "db.t4g.micro"\n  allocated_storage   = 20\n  storage_encrypted   = true\n  publicly_accessible = var.public\n}',
        ].join("\n\n"),
      );
      const ids = (out: string) => (JSON.parse(out) as { findings: { rule_id: string; resource: string }[] }).findings.map((f) => f.rule_id);
      const closed = await cli(dir, "--json");
      const open = await cli(dir, "--json", "--var", "public=true");
      expect(ids(open.stdout).filter((id) => !ids(closed.stdout).includes(id))).toEqual(["AWS_RDS_PUBLIC"]);
      const bad = await cli(dir, "--var", "public");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--var wants name=value");
    } finally {
      removeTmpDir(dir);
    }
  });

  it("validates a plan JSON file (terraform show -json), pricing in the plan's region unless --region says otherwise", async () => {
    const planJson = join(FIXTURES, "plan-json", "modules-count", "plan.json");
    const { code, stdout } = await cli(planJson, "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.files).toBe(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule_id: "AWS_RDS_PUBLIC", resource: "module.db.aws_db_instance.this[0]", file: "plan.json" }),
    );
    expect(report.cost.region).toBe("eu-west-1");
    expect(report.cost.unpriced).toEqual([]);
    expect(report.cost.resources.map((r: { address: string }) => r.address)).toContain("module.db.aws_db_instance.this[0]");
    const west = JSON.parse((await cli(planJson, "--json", "--region", "us-west-2")).stdout);
    expect(west.cost.region).toBe("us-west-2");
    expect(west.cost.monthly_total_usd).not.toBe(report.cost.monthly_total_usd);
    // the .tf source it came from names the same region through its provider's var.region default
    const source = JSON.parse((await cli(join(FIXTURES, "plan-json", "modules-count", "src"), "--json")).stdout);
    expect(source.cost.region).toBe("eu-west-1");
    expect(source.cost.monthly_total_usd).toBe(report.cost.monthly_total_usd);
  });

  it("reads --var-file (HCL or JSON) over tfvars files, merged with --var in command-line order", async () => {
    const dir = makeTmpDir("atlas-validate-var-file-");
    try {
      writeFileSync(
        join(dir, "main.tf"),
        [
          'variable "public" {\n  type    = bool\n  default = true\n}',
          'variable "encrypted" {\n  type    = bool\n  default = true\n}',
          'resource "aws_db_instance" "db" {\n  engine              = "postgres"\n  instance_class      = "db.t4g.micro"\n  allocated_storage   = 20\n  storage_encrypted   = var.encrypted\n  publicly_accessible = var.public\n}',
        ].join("\n\n"),
      );
      // Terraform loads these by itself; every -var-file below must win over them.
      writeFileSync(join(dir, "terraform.tfvars"), "public = false\n");
      writeFileSync(join(dir, "z.auto.tfvars"), "encrypted = false\n");
      const open = join(dir, "open.tfvars");
      writeFileSync(open, "public    = true\nencrypted = true\n");
      const closed = join(dir, "closed.tfvars.json");
      writeFileSync(closed, JSON.stringify({ public: false }));
      const ids = async (...flags: string[]) => {
        const { code, stdout, stderr } = await cli(dir, "--json", ...flags);
        expect(stderr).toBe("");
        expect(code).toBeLessThan(2);
        return (JSON.parse(stdout) as { findings: { rule_id: string }[] }).findings.map((f) => f.rule_id).filter((id) => id.startsWith("AWS_RDS_"));
      };
      const tfvarsOnly = await ids();
      expect(tfvarsOnly).not.toContain("AWS_RDS_PUBLIC");
      expect(tfvarsOnly).toContain("AWS_RDS_ENCRYPTION");
      const opened = await ids("--var-file", open);
      expect(opened).toContain("AWS_RDS_PUBLIC");
      expect(opened).not.toContain("AWS_RDS_ENCRYPTION");
      expect(await ids("--var-file", open, "--var-file", closed)).not.toContain("AWS_RDS_PUBLIC");
      expect(await ids(`--var-file=${closed}`, "--var", "public=true")).toContain("AWS_RDS_PUBLIC");
      expect(await ids("--var", "public=true", "--var-file", closed)).not.toContain("AWS_RDS_PUBLIC");

      const missing = await cli(dir, "--var-file", join(dir, "nope.tfvars"));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`Cannot read var file ${join(dir, "nope.tfvars")}`);
      const broken = join(dir, "broken.tfvars");
      writeFileSync(broken, "public = \n");
      const bad = await cli(dir, "--var-file", broken);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`Invalid var file ${broken}`);
    } finally {
      removeTmpDir(dir);
    }
  });

  it("exits 2 on usage errors", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli("a", "b")).code).toBe(2);
    expect((await cli("--bogus", "x")).code).toBe(2);
    expect((await cli(FIXTURES, "--env", "qa")).stderr).toContain("--env must be one of dev, staging, prod");
    expect((await cli(join(FIXTURES, "does-not-exist"))).code).toBe(2);
    const badPolicy = await cli(FIXTURES, "--policy", join(FIXTURES, "clean-stack", "k8s"));
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toContain("Invalid organisation policy");
  });
});
