import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerDeps } from "../deps.js";
import { registerErrorHandler } from "../error-handler.js";
import { registerSchemaCompilers } from "../schema-compilers.js";
import { validateRoutes } from "./validate.js";

/*
 * POST /architect/validate answers with the same cost section as `pnpm validate --json`: what it
 * cannot price is listed and, under a budget, fails the status instead of counting as $0.
 * The route alone, on a bare Fastify with the server's compilers and error handler (no auth).
 */

const GPU = `
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p4d.24xlarge"
}
`;

// us-east-1 NAT gateway: $0.045 per hour and $0.045 per GB processed (https://aws.amazon.com/vpc/pricing/)
const NAT = `
resource "aws_nat_gateway" "main" {
  allocation_id = "eipalloc-0123456789abcdef0"
  subnet_id     = "subnet-0123456789abcdef0"
}
`;

let app: ReturnType<typeof Fastify>;

beforeAll(async () => {
  app = Fastify();
  registerSchemaCompilers(app);
  registerErrorHandler(app);
  // the route reads only the organisation policy from its deps
  await app.register(validateRoutes, { deps: {} as ServerDeps });
  await app.ready();
});
afterAll(() => app.close());

const post = (payload: object) => app.inject({ method: "POST", url: "/architect/validate", payload });

describe("POST /architect/validate: cost section", () => {
  it("FAILs under a budget while a resource is unpriced, and passes that gate with allow_unpriced", async () => {
    const files = [{ path: "main.tf", content: GPU }];
    const gated = await post({ files, budget_usd: 100 });
    expect(gated.statusCode).toBe(200);
    const body = gated.json();
    expect(body.status).toBe("FAIL");
    expect(body.cost.unpriced).toEqual([expect.objectContaining({ address: "aws_instance.trainer", type: "aws_instance" })]);
    expect(body.cost.unpriced_gate).toBe("fail");
    expect(body.findings.find((f: { rule_id: string }) => f.rule_id === "COST_UNPRICED")?.resource).toBe("aws_instance.trainer");
    const allowed = (await post({ files, budget_usd: 100, allow_unpriced: true })).json();
    expect(allowed.cost.unpriced_gate).toBe("allowed");
    const blocking = allowed.findings.filter((f: { severity: string }) => f.severity === "high" || f.severity === "critical");
    expect(allowed.status).toBe(blocking.length > 0 ? "FAIL" : "PASS");
  });

  it("always answers with the cost section, and prices usage sent in the body", async () => {
    const files = [{ path: "main.tf", content: NAT }];
    const plain = (await post({ files })).json();
    expect(plain.cost.budget_usd).toBeNull();
    expect(plain.cost.status).toBeNull();
    expect(plain.cost.monthly_total_usd).toBeCloseTo(730 * 0.045, 2);
    const used = (await post({ files, usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: 200 } } })).json();
    // 200 GB × $0.045
    expect(used.cost.usage_monthly_usd).toBeCloseTo(9, 2);
    expect(used.cost.monthly_total_usd).toBeCloseTo(plain.cost.monthly_total_usd + 9, 2);
  });

  it("lists everything that costs something as unpriced for a region without prices", async () => {
    const body = (await post({ files: [{ path: "main.tf", content: NAT }], region: "ap-nowhere-1" })).json();
    expect(body.cost.price_version).toBeNull();
    expect(body.cost.unpriced.map((u: { address: string }) => u.address)).toEqual(["aws_nat_gateway.main"]);
    expect(body.cost.unpriced[0].reason).toContain("ap-nowhere-1");
  });

  it.each([
    [{ budget_usd: 0 }, "budget_usd"],
    [{ budget_usd: "100" }, "budget_usd"],
    [{ usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: -1 } } }, "usage.aws_nat_gateway.main.monthly_data_processed_gb"],
    [{ usage: { "aws_nat_gateway.main": 5 } }, "usage.aws_nat_gateway.main"],
  ])("answers 400 for %j naming %s", async (extra, path) => {
    const res = await post({ files: [{ path: "main.tf", content: NAT }], ...extra });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
  });
});

describe("POST /architect/validate: a Terraform plan JSON", () => {
  const fixture = join(import.meta.dirname, "..", "..", "test", "fixtures", "iac", "plan-json", "modules-count");
  const read = (path: string) => ({ path, content: readFileSync(join(fixture, path), "utf8") });

  it("applies the same rules and prices the same as the .tf source it was planned from", async () => {
    const fromPlan = (await post({ files: [read("plan.json")], region: "eu-west-1" })).json();
    const source = [read("src/main.tf"), read("src/modules/db/main.tf")].map((f) => ({ ...f, path: f.path.replace(/^src\//, "") }));
    const fromSource = (await post({ files: source, region: "eu-west-1" })).json();
    // SECRET_* rules read raw file text, which differs between a plan and its source
    const rules = (body: { findings: { rule_id: string; resource: string }[] }) =>
      body.findings
        .filter((f) => !f.rule_id.startsWith("SECRET_"))
        .map((f) => `${f.rule_id} ${f.resource}`)
        .sort();
    expect(rules(fromPlan)).toEqual(rules(fromSource));
    expect(rules(fromPlan)).toContain("AWS_RDS_PUBLIC module.db.aws_db_instance.this[0]");
    expect(fromPlan.resources).toBe(7);
    expect(fromPlan.kubernetes_objects).toBe(0);
    expect(fromPlan.cost.unpriced).toEqual([]);
    expect(fromPlan.cost.monthly_total_usd).toBeGreaterThan(0);
    expect(fromPlan.cost.monthly_total_usd).toBe(fromSource.cost.monthly_total_usd);
  });
});
