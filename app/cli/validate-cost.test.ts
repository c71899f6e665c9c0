import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { runCli } from "./validate.js";

/*
 * Costs in every `pnpm validate` report (issue 10). The GPU box and the older cache nodes are
 * types the catalogue has no price for: they must be listed as unpriced, never added as $0.
 */

const GPU_AND_CACHE = `
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p4d.24xlarge"
  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    encrypted = true
  }
}

resource "aws_elasticache_cluster" "sessions" {
  count           = 3
  cluster_id      = "sessions-\${count.index}"
  engine          = "redis"
  node_type       = "cache.m2.xlarge"
  num_cache_nodes = 1
}
`;

// us-east-1 NAT gateway: $0.045 per hour and $0.045 per GB processed (https://aws.amazon.com/vpc/pricing/)
const NAT = `
resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = "subnet-0123456789abcdef0"
}
`;

const root = mkdtempSync(join(tmpdir(), "validate-cost-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const gpu = folder("gpu", { "main.tf": GPU_AND_CACHE });
const nat = folder("nat", { "main.tf": NAT });

async function cli(...argv: string[]) {
  const { io, printed } = recordingIo();
  const code = await runCli(argv, io);
  return { code, ...printed };
}

describe("pnpm validate: cost section", () => {
  it("FAILs under a budget while resources are unpriced, and lists each one", async () => {
    const { code, stdout } = await cli(gpu, "--budget", "100", "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.status).toBe("FAIL");
    expect(report.cost.budget_usd).toBe(100);
    expect(report.cost.unpriced_gate).toBe("fail");
    // count = 3 makes three instances, each unpriced on its own line
    const sessions = [0, 1, 2].map((i) => `aws_elasticache_cluster.sessions[${i}]`);
    expect(report.cost.unpriced.map((u: { address: string }) => u.address).sort()).toEqual([...sessions, "aws_instance.trainer"]);
    expect(report.cost.unpriced.find((u: { type: string }) => u.type === "aws_instance").reason).toContain("p4d.24xlarge");
    const unpriced = report.findings.filter((f: { rule_id: string }) => f.rule_id === "COST_UNPRICED");
    expect(unpriced).toHaveLength(4);
    expect(unpriced.every((f: { severity: string }) => f.severity === "medium")).toBe(true);
    expect(unpriced.find((f: { resource: string }) => f.resource === "aws_elasticache_cluster.sessions[1]").message).toMatch(
      /aws_elasticache_cluster.*cache\.m2\.xlarge/,
    );
    // nothing priced, so the total is $0 — and the report says it is not the whole story
    expect(report.cost.monthly_total_usd).toBe(0);
  });

  it("--allow-unpriced keeps unpriced resources from failing the status, and says so", async () => {
    const { code, stdout } = await cli(gpu, "--budget", "100", "--allow-unpriced", "--json");
    const report = JSON.parse(stdout);
    expect(report.cost.unpriced_gate).toBe("allowed");
    expect(report.cost.allow_unpriced).toBe(true);
    expect(report.findings.filter((f: { rule_id: string }) => f.rule_id === "COST_UNPRICED")).toHaveLength(4);
    // medium findings do not reach the default fail_on: what is left is the policy's own verdict
    const blocking = report.findings.filter((f: { severity: string }) => f.severity === "high" || f.severity === "critical");
    expect(report.status).toBe(blocking.length > 0 ? "FAIL" : "PASS");
    expect(code).toBe(report.status === "FAIL" ? 1 : 0);
  });

  it("always carries the cost section in --json, without a budget too", async () => {
    const { stdout } = await cli(nat, "--json");
    const report = JSON.parse(stdout);
    expect(report.cost.budget_usd).toBeNull();
    expect(report.cost.status).toBeNull();
    expect(report.cost.unpriced).toEqual([]);
    const line = report.cost.resources.find((r: { address: string }) => r.address === "aws_nat_gateway.main");
    // 730 hours × $0.045
    expect(line.fixed_usd).toBeCloseTo(730 * 0.045, 2);
    expect(line.usage_usd).toBe(0);
    expect(report.cost.usage_based_items).toBeGreaterThan(0);
    expect(report.cost.monthly_total_usd).toBeCloseTo(report.cost.fixed_monthly_usd + report.cost.usage_monthly_usd, 2);
  });

  it("lists unpriced resources without a budget as findings, without failing on them", async () => {
    const { stdout } = await cli(gpu, "--json");
    const report = JSON.parse(stdout);
    expect(report.cost.unpriced_gate).toBe("no_budget");
    expect(report.findings.some((f: { rule_id: string }) => f.rule_id === "COST_UNPRICED")).toBe(true);
  });

  it("prices a usage-based line from an Infracost usage file", async () => {
    const usage = join(root, "usage.yml");
    writeFileSync(usage, "version: 0.1\nresource_usage:\n  aws_nat_gateway.main:\n    monthly_data_processed_gb: 1000\n    some_unknown_key: 7\n");
    const without = JSON.parse((await cli(nat, "--json")).stdout);
    const priced = JSON.parse((await cli(nat, "--json", "--usage-file", usage)).stdout);
    const line = priced.cost.resources.find((r: { address: string }) => r.address === "aws_nat_gateway.main");
    // 1000 GB × $0.045
    expect(line.usage_usd).toBeCloseTo(45, 2);
    expect(priced.cost.usage_monthly_usd).toBeCloseTo(45, 2);
    expect(priced.cost.monthly_total_usd).toBeCloseTo(without.cost.monthly_total_usd + 45, 2);
    expect(priced.cost.usage_based_items).toBe(without.cost.usage_based_items - 1);
  });

  it("prints the total, the top lines and the unpriced list as text", async () => {
    const { stdout } = await cli(gpu, "--budget", "100");
    expect(stdout).toMatch(/Cost \(us-east-1\): \$0\.00\/month/);
    expect(stdout).toContain("budget $100.00: OK");
    expect(stdout).toMatch(
      /Unpriced, not in the total \(4\):\n {2}aws_elasticache_cluster\.sessions\[0\] \(aws_elasticache_cluster\): .*\n(.*\n){2} {2}aws_instance\.trainer/,
    );
    expect(stdout).toContain("--allow-unpriced accepts the incomplete total");
    const natText = (await cli(nat)).stdout;
    expect(natText).toMatch(/\$32\.85 {2}aws_nat_gateway\.main/);
  });

  it("exits 2 naming the file and the path for a malformed usage file, or a bad budget", async () => {
    const bad = join(root, "bad-usage.yml");
    writeFileSync(bad, "version: 0.1\nresource_usage:\n  aws_nat_gateway.main:\n    monthly_data_processed_gb: lots\n");
    const result = await cli(nat, "--usage-file", bad);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(bad);
    expect(result.stderr).toContain("resource_usage.aws_nat_gateway.main.monthly_data_processed_gb");
    const version = join(root, "old-usage.yml");
    writeFileSync(version, "version: 2\nresource_usage: {}\n");
    expect((await cli(nat, "--usage-file", version)).stderr).toMatch(/at version: must be 0\.1/);
    expect((await cli(nat, "--usage-file", join(root, "missing.yml"))).code).toBe(2);
    for (const budget of ["0", "-5", "abc", ""]) {
      const answer = await cli(nat, `--budget=${budget}`);
      expect(answer.code).toBe(2);
      expect(answer.stderr).toContain("--budget must be");
    }
  });
});
