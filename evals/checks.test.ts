import { describe, expect, it } from "vitest";
import { webApiProdPlan } from "../test/fixtures/plans/index.js";
import { type Check, checkSchema, runCheck, runChecks, valuesAt } from "./checks.js";

// Terraform shaped like the builder's: `=` aligned inside blocks, nested blocks indented.
const ARM_TASK = `resource "aws_ecs_task_definition" "api" {
  family                   = "orders-api"
  requires_compatibilities = ["FARGATE"]

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }
}
`;
const TWO_NATS = `resource "aws_nat_gateway" "nat_1" {
  subnet_id = aws_subnet.public_a.id
}

resource "aws_nat_gateway" "nat_2" {
  subnet_id = aws_subnet.public_b.id
}
`;

const plan = structuredClone(webApiProdPlan);
const target = (terraform: string) => ({ plan, terraform });
const check = (raw: unknown): Check => checkSchema.parse(raw);

describe("terraform checks", () => {
  it("match across the builder's alignment padding and line breaks", () => {
    expect(runCheck(check({ terraform_contains: 'cpu_architecture = "ARM64"' }), target(ARM_TASK)).ok).toBe(true);
    expect(runCheck(check({ terraform_contains: 'cpu_architecture = "X86_64"' }), target(ARM_TASK)).ok).toBe(false);
    expect(runCheck(check({ terraform_contains: 'runtime_platform { operating_system_family = "LINUX"' }), target(ARM_TASK)).ok).toBe(true);
  });

  it("lacks fails when the text is there and passes when it is not", () => {
    expect(runCheck(check({ terraform_lacks: 'resource "aws_nat_gateway"' }), target(TWO_NATS)).ok).toBe(false);
    expect(runCheck(check({ terraform_lacks: 'resource "aws_nat_gateway"' }), target(ARM_TASK)).ok).toBe(true);
  });

  it("the suite's exactly-one-NAT pattern accepts one gateway and refuses two or none", () => {
    const exactlyOne = check({
      terraform_matches: '^(?![\\s\\S]*resource "aws_nat_gateway"[\\s\\S]*resource "aws_nat_gateway")[\\s\\S]*resource "aws_nat_gateway"',
    });
    const one = TWO_NATS.slice(0, TWO_NATS.indexOf('resource "aws_nat_gateway" "nat_2"'));
    expect(runCheck(exactlyOne, target(one)).ok).toBe(true);
    expect(runCheck(exactlyOne, target(TWO_NATS)).ok).toBe(false);
    expect(runCheck(exactlyOne, target(ARM_TASK)).ok).toBe(false);
  });
});

describe("plan path checks", () => {
  it("index into arrays by number and fan out with *", () => {
    expect(valuesAt(plan, "databases.0.engine")).toEqual(["postgres"]);
    expect(valuesAt(plan, "network.availability_zones.*")).toEqual(plan.network.availability_zones);
    expect(valuesAt(plan, "databases.7.engine")).toEqual([]);
  });

  it("every fanned-out value must pass, and a path naming nothing fails", () => {
    const twoDbs = structuredClone(plan);
    const first = twoDbs.databases[0];
    if (!first) throw new Error("fixture has a database");
    twoDbs.databases.push({ ...first, id: "audit-db", multi_az: false });
    expect(runCheck(check({ plan_path: "databases.*.multi_az", equals: true }), { plan: twoDbs, terraform: "" }).ok).toBe(false);
    expect(runCheck(check({ plan_path: "databases.*.multi_az", equals: true }), target("")).ok).toBe(true);
    const noQueue = runCheck(check({ plan_path: "queues.*.fifo", equals: false }), target(""));
    expect(noQueue).toMatchObject({ ok: false, saw: "nothing at that path" });
    expect(runCheck(check({ plan_path: "compute.no_such_field", not_equals: "x" }), target("")).ok).toBe(false);
  });

  it("at_least and at_most compare numbers, and array lengths", () => {
    const zones = plan.network.availability_zones.length;
    expect(runCheck(check({ plan_path: "network.availability_zones", at_least: zones }), target("")).ok).toBe(true);
    expect(runCheck(check({ plan_path: "network.availability_zones", at_least: zones + 1 }), target("")).ok).toBe(false);
    expect(runCheck(check({ plan_path: "network.nat_gateways", at_most: plan.network.nat_gateways }), target("")).ok).toBe(true);
    expect(runCheck(check({ plan_path: "network.nat_gateways", at_most: plan.network.nat_gateways - 1 }), target("")).ok).toBe(false);
  });

  it("matches, not_matches, one_of and includes", () => {
    expect(runCheck(check({ plan_path: "databases.*.instance_class", matches: "^db\\.[a-z]+[0-9]+g[a-z]*\\." }), target("")).ok).toBe(true);
    expect(runCheck(check({ plan_path: "databases.*.instance_class", not_matches: "^db\\.r" }), target("")).ok).toBe(false);
    expect(runCheck(check({ plan_path: "databases.0.engine", one_of: ["mysql", "aurora-mysql"] }), target("")).ok).toBe(false);
    const zone = plan.network.availability_zones[0];
    expect(runCheck(check({ plan_path: "network.availability_zones", includes: zone }), target("")).ok).toBe(true);
    expect(runCheck(check({ plan_path: "network.availability_zones", includes: "mars-1a" }), target("")).ok).toBe(false);
  });

  it("runChecks names each failed check with what it saw", () => {
    const { ok, failed } = runChecks([check({ plan_path: "compute.platform", equals: "eks" }), check({ terraform_contains: "ARM64" })], target(ARM_TASK));
    expect(ok).toBe(false);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.saw).toBe('["ecs-fargate"]');
  });
});

describe("checkSchema", () => {
  it("refuses a plan path without an operator and unknown keys", () => {
    expect(checkSchema.safeParse({ plan_path: "compute.platform" }).success).toBe(false);
    expect(checkSchema.safeParse({ terraform_contains: "x", equals: 1 }).success).toBe(false);
    expect(checkSchema.safeParse({ terraform_includes: "x" }).success).toBe(false);
  });
});
