import { describe, expect, it } from "vitest";
import { parseTerraform } from "../../../iac/terraform.js";
import { estimateCost, getRegionPrices } from "../../../pricing/index.js";
import { type PlanSpec, planSpecSchema } from "../../../schemas/plan.js";
import { webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { renderArtifacts } from "../engine.js";

/*
 * What the builder writes for the new PlanSpec fields, priced by the same Terraform pricer the
 * validator runs: each addition shows up at the rates the catalogue gives it, and nothing the
 * builder emits is left unpriced.
 */

const prices = getRegionPrices("us-east-1");

/** Types the estimator has no mapping for yet, whatever the plan (see nodes/builder/validation.test.ts). */
const KNOWN_GAPS = new Set(["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_flow_log", "aws_cloudfront_origin_access_control"]);

function variant(edit: (plan: PlanSpec) => void): PlanSpec {
  const plan = structuredClone(webApiProdPlan);
  edit(plan);
  return planSpecSchema.parse(plan);
}

async function priced(plan: PlanSpec) {
  const files = renderArtifacts(plan)
    .files.filter((f) => f.kind === "terraform")
    .map(({ path, content }) => ({ path: path.replace(/^terraform\//, ""), content }));
  const { resources } = await parseTerraform(files);
  const estimate = estimateCost(resources, { region: plan.region });
  const lines = (address: string) => estimate.resources.find((r) => r.address === address)?.costComponents ?? [];
  const unpriced = estimate.unsupported.filter((u) => !KNOWN_GAPS.has(u.type));
  return { estimate, lines, unpriced };
}

/** The service's task count as rendered (the builder sizes it from the plan). */
function desiredCount(estimate: Awaited<ReturnType<typeof priced>>["estimate"]): number {
  const vcpu = estimate.resources.find((r) => r.address === "aws_ecs_service.app")?.costComponents[0];
  // One vCPU per task in this plan: vCPU-hours / 730 is the task count.
  return (vcpu?.monthlyQuantity ?? 0) / 730;
}

describe("the builder's Terraform for the new fields, priced", () => {
  it("prices a Spot service at the Spot rates, with nothing left unsupported", async () => {
    const { unpriced, lines } = await priced(variant((p) => (p.compute.capacity = "spot")));
    expect(lines("aws_ecs_service.app").map((c) => c.price)).toEqual([prices.fargate.spot.x86_64.vcpuHour, prices.fargate.spot.x86_64.gbHour]);
    expect(unpriced).toEqual([]);
  });

  it("prices arm64 tasks at the Graviton rates", async () => {
    const { lines } = await priced(variant((p) => (p.compute.architecture = "arm64")));
    expect(lines("aws_ecs_service.app")[0]?.price).toBe(prices.fargate.arm64.vcpuHour);
  });

  it("prices a public IPv4 address per task in public subnets, and no NAT gateway", async () => {
    const { estimate, lines, unpriced } = await priced(
      variant((p) => {
        p.network.task_subnets = "public";
        p.network.nat_gateways = 0;
      }),
    );
    const tasks = desiredCount(estimate);
    expect(tasks).toBeGreaterThan(0);
    expect(lines("aws_ecs_service.app").find((c) => c.name.startsWith("Public IPv4"))?.monthlyQuantity).toBe(tasks * 730);
    expect(estimate.resources.some((r) => r.type === "aws_nat_gateway" || r.type === "aws_eip")).toBe(false);
    expect(unpriced).toEqual([]);
  });

  it("prices each interface endpoint for the three zones it is in; the S3 gateway endpoint is free", async () => {
    const { estimate, lines, unpriced } = await priced(
      variant((p) => {
        p.network.nat_gateways = 0;
        p.network.vpc_endpoints = ["s3", "ecr.api", "ecr.dkr", "logs"];
      }),
    );
    for (const name of ["ecr_api", "ecr_dkr", "logs"]) {
      expect(lines(`aws_vpc_endpoint.${name}`)[0]).toMatchObject({ monthlyQuantity: 3 * 730, price: prices.vpcEndpoint.interfaceAzHour });
    }
    expect(estimate.free).toContain("aws_vpc_endpoint.s3");
    expect(unpriced).toEqual([]);
  });

  it("prices the web ACL and its two managed rule groups", async () => {
    const { estimate, lines } = await priced(variant((p) => (p.security.waf = true)));
    expect(lines("aws_wafv2_web_acl.main").map((c) => c.monthlyCost)).toEqual([5, 2, null]);
    expect(estimate.free).toContain("aws_wafv2_web_acl_association.alb");
  });

  it("prices Aurora instances by class and count, and MySQL at MySQL rates", async () => {
    const db = webApiProdPlan.databases[0] as PlanSpec["databases"][number];
    const aurora = await priced(variant((p) => (p.databases = [{ ...db, engine: "aurora-postgresql", engine_version: "16.4", read_replicas: 1 }])));
    for (const n of [1, 2]) expect(aurora.lines(`aws_rds_cluster_instance.orders_db_${n}`)[0]?.price).toBe(prices.aurora.instances["db.r6g.large"]);
    expect(aurora.lines("aws_rds_cluster.orders_db").every((c) => c.usageBased)).toBe(true);
    expect(aurora.unpriced).toEqual([]);
    const mysql = await priced(variant((p) => (p.databases = [{ ...db, engine: "mysql", engine_version: "8.0.39" }])));
    expect(mysql.lines("aws_db_instance.orders_db")[0]?.price).toBe(prices.rds.mysql["db.r6g.large"]);
  });
});
