import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readIacFolder } from "../iac/read-folder.js";
import { parseTerraform } from "../iac/terraform.js";
import { planDeterministic } from "../nodes/architect/engine.js";
import { goalStatementSchema } from "../schemas/goal.js";
import { getRegionPrices, HOURS_PER_MONTH, type RegionPrices, regionPricesSchema, SUPPORTED_REGIONS } from "./catalogue.js";
import { costSection } from "./cost-section.js";
import { estimateCost } from "./estimate.js";
import { familyPrice } from "./instance-sizes.js";

/*
 * The price sheets of the ten most used AWS regions. The relations checked here are facts of
 * AWS list pricing, so a mistyped figure breaks one of them: sizes of these families double
 * with each step, Ohio lists N. Virginia's rates, Graviton costs less than its x86 peer, and no
 * region here is cheaper than N. Virginia for the same item.
 */

const DATA_DIR = fileURLToPath(new URL("./data/", import.meta.url));
const TEN = [
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "us-east-1",
  "us-east-2",
  "us-west-2",
];

/** Families whose every listed size costs exactly twice the size below it, in every region. */
const DOUBLING = {
  burstable: { families: ["t3", "t3a", "t4g"], sizes: ["micro", "small", "medium", "large", "xlarge", "2xlarge"] },
  fixed: { families: ["m5", "m6i", "c5", "c6i", "r5", "r6i"], sizes: ["large", "xlarge", "2xlarge", "4xlarge"] },
};

/** Graviton type prefix and its x86 peer: same family letter, same generation (t4g: the burstable peer of t3). */
const GRAVITON_PEERS: [string, string][] = [
  ["t4g.", "t3."],
  ["m6g.", "m6i."],
  ["c6g.", "c6i."],
  ["r6g.", "r6i."],
  ["m7g.", "m7i."],
  ["c7g.", "c7i."],
  ["r7g.", "r7i."],
  ["db.t4g.", "db.t3."],
  ["db.m6g.", "db.m6i."],
  ["db.r6g.", "db.r6i."],
  ["cache.t4g.", "cache.t3."],
];

function sheetFiles(): string[] {
  return readdirSync(DATA_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

/** Every [graviton, x86] pair of rates that a table lists both of. */
function gravitonPairs(table: Record<string, number>): { graviton: string; x86: string }[] {
  const pairs: { graviton: string; x86: string }[] = [];
  for (const [arm, intel] of GRAVITON_PEERS) {
    for (const type of Object.keys(table)) {
      if (!type.startsWith(arm)) continue;
      const peer = intel + type.slice(arm.length);
      if (peer in table) pairs.push({ graviton: type, x86: peer });
    }
  }
  return pairs;
}

describe("price sheets of the ten most used regions", () => {
  it("has one valid sheet per file, named after its region", () => {
    const files = sheetFiles();
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const sheet = regionPricesSchema.parse(JSON.parse(readFileSync(join(DATA_DIR, file), "utf8")));
      expect(`${sheet.region}.json`).toBe(file);
      expect(sheet.hoursPerMonth).toBe(HOURS_PER_MONTH);
      expect(sheet.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("supports the ten regions", () => {
    expect(TEN.filter((region) => !SUPPORTED_REGIONS.includes(region))).toEqual([]);
    for (const region of TEN) expect(getRegionPrices(region).region).toBe(region);
  });

  it.each(TEN.filter((r) => !["us-east-1", "us-west-2", "eu-west-1"].includes(r)))("says plainly how the %s sheet was made", (region) => {
    const { source } = getRegionPrices(region);
    expect(source).toMatch(/hand-transcribed/i);
    expect(source).toMatch(/not checked against the AWS Price List bulk offer files/i);
    expect(source).toContain(`pnpm prices refresh --region ${region}`);
  });

  it.each(TEN)("doubles the price with each size step of a family in %s", (region) => {
    const ec2 = getRegionPrices(region).ec2;
    let checked = 0;
    for (const { families, sizes } of Object.values(DOUBLING)) {
      for (const family of families) {
        for (let i = 1; i < sizes.length; i++) {
          const small = ec2[`${family}.${sizes[i - 1]}`];
          const large = ec2[`${family}.${sizes[i]}`];
          if (small === undefined || large === undefined) continue;
          expect(large, `${family}.${sizes[i]}`).toBeCloseTo(2 * small, 10);
          checked++;
        }
      }
    }
    // every sheet prices at least t3, m5/m6i and c5/c6i: 5 + 4 × 3 steps
    expect(checked).toBeGreaterThanOrEqual(17);
  });

  it("lists N. Virginia's rates in Ohio for every item Ohio prices", () => {
    const virginia = getRegionPrices("us-east-1");
    const ohio = getRegionPrices("us-east-2");
    const tables = (s: RegionPrices) => ({ ec2: s.ec2, postgres: s.rds.postgres, mysql: s.rds.mysql, aurora: s.aurora.instances, cache: s.elasticache.nodes });
    const [v, o] = [tables(virginia), tables(ohio)];
    for (const name of Object.keys(o) as (keyof typeof o)[]) {
      expect(Object.keys(o[name]).length, name).toBeGreaterThan(0);
      for (const [type, price] of Object.entries(o[name])) expect(price, `${name} ${type}`).toBe(v[name][type]);
    }
    for (const [family, rate] of Object.entries(ohio.ec2Families?.families ?? {})) expect(rate, family).toEqual(virginia.ec2Families?.families[family]);
    for (const [node, price] of Object.entries(ohio.elasticacheNodes?.nodes ?? {})) expect(price, node).toBe(virginia.elasticacheNodes?.nodes[node]);
    expect(ohio.fargate.x86_64).toEqual(virginia.fargate.x86_64);
    expect(ohio.fargate.arm64).toEqual(virginia.fargate.arm64);
    expect(ohio.nat).toEqual(virginia.nat);
    expect(ohio.elb).toEqual(virginia.elb);
    expect(ohio.ebs).toEqual(virginia.ebs);
    expect(ohio.rds.storageGbMonth).toEqual(virginia.rds.storageGbMonth);
    expect(ohio.s3).toEqual(virginia.s3);
  });

  it.each(TEN)("prices Graviton below its x86 peer of the same size in %s", (region) => {
    const sheet = getRegionPrices(region);
    const tables = [sheet.ec2, sheet.rds.postgres, sheet.rds.mysql, sheet.elasticache.nodes];
    for (const table of tables) {
      for (const { graviton, x86 } of gravitonPairs(table)) expect(table[graviton], `${graviton} < ${x86}`).toBeLessThan(table[x86] ?? 0);
    }
    // whole families, compared at the same size
    const families = sheet.ec2Families?.families ?? {};
    for (const [arm, intel] of GRAVITON_PEERS) {
      const [armFamily, intelFamily] = [arm.slice(0, -1), intel.slice(0, -1)];
      const [g, x] = [families[armFamily], families[intelFamily]];
      if (!g || !x) continue;
      const size = g.sizes.find((s) => x.sizes.includes(s) && s !== "metal");
      if (!size) continue;
      const gravitonHour = familyPrice(families, `${armFamily}.${size}`);
      const x86Hour = familyPrice(families, `${intelFamily}.${size}`);
      if (!gravitonHour.ok || !x86Hour.ok) throw new Error(`${armFamily}/${intelFamily} ${size} unpriced`);
      expect(gravitonHour.hour, `${armFamily}.${size} < ${intelFamily}.${size}`).toBeLessThan(x86Hour.hour);
    }
    // Fargate on ARM64 is the Graviton offer of every region
    expect(sheet.fargate.arm64.vcpuHour).toBeLessThan(sheet.fargate.x86_64.vcpuHour);
    expect(sheet.fargate.arm64.gbHour).toBeLessThan(sheet.fargate.x86_64.gbHour);
  });

  it("finds a Graviton/x86 pair in every sheet that lists t4g", () => {
    for (const region of TEN) {
      const ec2 = getRegionPrices(region).ec2;
      if (ec2["t4g.micro"] === undefined) continue;
      expect(gravitonPairs(ec2).length, region).toBeGreaterThanOrEqual(6);
    }
  });

  it.each(TEN)("never prices %s below N. Virginia for the same item", (region) => {
    const us = getRegionPrices("us-east-1");
    const sheet = getRegionPrices(region);
    for (const [type, price] of Object.entries(sheet.ec2)) expect(price, type).toBeGreaterThanOrEqual(us.ec2[type] ?? 0);
    expect(sheet.fargate.x86_64.vcpuHour).toBeGreaterThanOrEqual(us.fargate.x86_64.vcpuHour);
    expect(sheet.nat.hour).toBeGreaterThanOrEqual(us.nat.hour);
    expect(sheet.elb.albHour).toBeGreaterThanOrEqual(us.elb.albHour);
    expect(sheet.ebs.storageGbMonth.gp3).toBeGreaterThanOrEqual(us.ebs.storageGbMonth.gp3);
    expect(sheet.s3.standardGbMonth).toBeGreaterThanOrEqual(us.s3.standardGbMonth);
    expect(sheet.dataTransfer.internetOutGb).toBeGreaterThanOrEqual(us.dataTransfer.internetOutGb);
  });

  it.each(TEN)("keeps gp3 at 80 %% of gp2 and NAT data at the NAT hour rate in %s", (region) => {
    const sheet = getRegionPrices(region);
    expect(sheet.ebs.storageGbMonth.gp3).toBeCloseTo(0.8 * sheet.ebs.storageGbMonth.gp2, 10);
    expect(sheet.nat.gbProcessed).toBe(sheet.nat.hour);
  });
});

// A small stack of the basic types every sheet prices: EC2, EBS gp3, a NAT gateway with its IP, an ALB.
const BASIC_STACK = `
resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m6i.large"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-central-1a"
  size              = 100
  type              = "gp3"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = "subnet-0123456789abcdef0"
}

resource "aws_lb" "front" {
  name               = "front"
  load_balancer_type = "application"
  subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}
`;

const DATABASE = `
resource "aws_db_instance" "main" {
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
}
`;

const root = mkdtempSync(join(tmpdir(), "atlas-regions-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function resourcesOf(name: string, main: string) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "main.tf"), main);
  const parsed = await parseTerraform(await readIacFolder(dir));
  expect(parsed.errors).toEqual([]);
  return parsed.resources;
}

describe("a Terraform folder priced in eu-central-1", () => {
  it("prices the basic types with Frankfurt's rates and leaves nothing unpriced", async () => {
    const resources = await resourcesOf("basic", BASIC_STACK);
    const frankfurt = getRegionPrices("eu-central-1");
    const cost = costSection(resources, { region: "eu-central-1", budgetUsd: 1000 });
    expect(cost.unpriced).toEqual([]);
    expect(cost.unpriced_gate).toBe("none");
    expect(cost.price_version).toBe(frankfurt.priceVersion);
    const line = (address: string) => cost.resources.find((r) => r.address === address);
    const hourly = (rate: number) => Math.round(rate * HOURS_PER_MONTH * 100) / 100;
    // an instance line may carry more than its hours (a root volume): check the hours' own rate
    const estimate = estimateCost(resources, { region: "eu-central-1" });
    const hoursRate = (address: string) =>
      estimate.resources.find((r) => r.address === address)?.costComponents.find((c) => c.name.startsWith("Instance usage"))?.price;
    expect(hoursRate("aws_instance.web")).toBe(frankfurt.ec2["t3.medium"]);
    expect(hoursRate("aws_instance.app")).toBe(frankfurt.ec2["m6i.large"]);
    expect(line("aws_instance.web")?.fixed_usd).toBeGreaterThanOrEqual(hourly(frankfurt.ec2["t3.medium"] ?? 0));
    expect(line("aws_nat_gateway.main")?.fixed_usd).toBe(hourly(frankfurt.nat.hour));
    expect(line("aws_ebs_volume.data")?.monthly_usd).toBe(Math.round(100 * frankfurt.ebs.storageGbMonth.gp3 * 100) / 100);
    expect(line("aws_lb.front")?.fixed_usd).toBeGreaterThanOrEqual(hourly(frankfurt.elb.albHour));
    // the same folder costs more in Frankfurt than in N. Virginia
    expect(cost.monthly_total_usd).toBeGreaterThan(costSection(resources, { region: "us-east-1" }).monthly_total_usd);
  });

  it("names what the Frankfurt sheet leaves out instead of pricing it at $0", async () => {
    const resources = await resourcesOf("database", DATABASE);
    const cost = costSection(resources, { region: "eu-central-1", budgetUsd: 1000 });
    expect(getRegionPrices("eu-central-1").rds.postgres["db.t4g.micro"]).toBeUndefined();
    expect(cost.unpriced.map((u) => u.address)).toEqual(["aws_db_instance.main"]);
    expect(cost.unpriced[0]?.reason).toMatch(/db\.t4g\.micro/);
    expect(cost.unpriced_gate).toBe("fail");
  });

  it("still lists everything as unpriced in a region with no sheet", async () => {
    const resources = await resourcesOf("nowhere", BASIC_STACK);
    const cost = costSection(resources, { region: "sa-east-1" });
    expect(cost.resources).toEqual([]);
    expect(cost.unpriced.map((u) => u.address)).toContain("aws_instance.web");
  });
});

describe("planning in a newly priced region", () => {
  const ctx = { planId: "plan-regions", traceId: "trace-regions", version: 1, parentVersion: null, citations: [] };

  it("plans a Frankfurt goal instead of blocking it for lack of a price sheet", () => {
    const goal = goalStatementSchema.parse({
      name: "frankfurt-api",
      description: "Stateless JSON API for users in Germany.",
      region: "eu-central-1",
      environment: "prod",
      workload: { type: "web-api", requests_per_second: 50, needs_database: false },
      slo: { availability: 99.9 },
      budget: { monthly_usd: 1000 },
    });
    const outcome = planDeterministic(goal, ctx);
    if (outcome.kind === "blocked") expect(outcome.reason).not.toMatch(/no price sheet/);
    expect(outcome.kind).toBe("plan");
    if (outcome.kind !== "plan") return;
    expect(outcome.plan.cost.monthly_total_usd).toBeGreaterThan(0);
    // priced with Frankfurt's rates: the same goal costs more than in N. Virginia
    const virginia = planDeterministic({ ...goal, region: "us-east-1" }, ctx);
    if (virginia.kind !== "plan") throw new Error("expected a plan in us-east-1");
    expect(outcome.plan.cost.monthly_total_usd).toBeGreaterThan(virginia.plan.cost.monthly_total_usd);
  });

  it("blocks a Frankfurt goal whose database class the sheet leaves out, naming it, instead of throwing", () => {
    const goal = goalStatementSchema.parse({
      name: "frankfurt-notes",
      description: "Notes API with a small Postgres database.",
      region: "eu-central-1",
      environment: "dev",
      workload: { type: "web-api", requests_per_second: 5, needs_database: true },
      slo: { availability: 99 },
      budget: { monthly_usd: 500 },
    });
    const outcome = planDeterministic(goal, ctx);
    if (outcome.kind !== "blocked") throw new Error("expected blocked");
    expect(outcome.reason).toMatch(/^RDS postgres class "db\.t4g\.\w+" is not in the eu-central-1 price sheet/);
    // the same goal plans in Ohio, whose sheet lists the class
    expect(planDeterministic({ ...goal, region: "us-east-2" }, ctx).kind).toBe("plan");
  });

  it("still blocks a region with no sheet, naming the ten priced ones", () => {
    const goal = goalStatementSchema.parse({
      name: "sao-paulo-api",
      description: "API hosted in Sao Paulo.",
      region: "sa-east-1",
      environment: "prod",
      workload: { type: "web-api", requests_per_second: 50, needs_database: false },
      slo: { availability: 99.9 },
      budget: { monthly_usd: 1000 },
    });
    const outcome = planDeterministic(goal, ctx);
    if (outcome.kind !== "blocked") throw new Error("expected blocked");
    expect(outcome.reason).toMatch(/no price sheet/);
    expect(outcome.arithmetic.join("\n")).toContain(TEN.join(", "));
  });
});
