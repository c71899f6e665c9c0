// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures hold Terraform interpolations, not JS templates
import { describe, expect, it } from "vitest";
import type { TerraformResource } from "../iac/types.js";
import { getRegionPrices } from "./catalogue.js";
import { estimateCost } from "./estimate.js";

const us = getRegionPrices("us-east-1");
const cents = (usd: number) => Math.round(usd * 100) / 100;

function res(type: string, name: string, attributes: Record<string, unknown> = {}, prefix = ""): TerraformResource {
  return { type, name, address: `${prefix}${type}.${name}`, file: "main.tf", line: 1, attributes };
}

/** A small but complete stack, in hcl2json's shape. */
const stack: TerraformResource[] = [
  res("aws_vpc", "main", { cidr_block: "10.0.0.0/16" }),
  res("aws_subnet", "private", { vpc_id: "${aws_vpc.main.id}" }),
  res("aws_security_group", "db", {}),
  res("aws_iam_role", "node", {}),
  res("aws_eks_cluster", "main", { name: "atlas" }),
  res("aws_eks_node_group", "default", {
    instance_types: ["m6i.large"],
    scaling_config: [{ desired_size: 3, min_size: 1, max_size: 5 }],
    disk_size: 50,
  }),
  res("aws_ecs_cluster", "main", {}),
  res("aws_ecs_task_definition", "api", { family: "api", cpu: "512", memory: "1024" }),
  res("aws_ecs_service", "api", {
    launch_type: "FARGATE",
    desired_count: 2,
    task_definition: "${aws_ecs_task_definition.api.arn}",
  }),
  res("aws_launch_template", "workers", { instance_type: "c6i.xlarge" }),
  res("aws_autoscaling_group", "workers", {
    desired_capacity: 4,
    launch_template: [{ id: "${aws_launch_template.workers.id}", version: "$Latest" }],
  }),
  res("aws_db_instance", "main", {
    engine: "postgres",
    instance_class: "db.m6i.large",
    multi_az: true,
    allocated_storage: 100,
    storage_type: "gp3",
  }),
  res("aws_elasticache_replication_group", "cache", { node_type: "cache.t4g.small", num_cache_clusters: 2 }),
  res("aws_lb", "public", { load_balancer_type: "application" }),
  res("aws_nat_gateway", "main", { count: 2 }),
  res("aws_ebs_volume", "data", { size: 200, type: "gp3" }),
  res("aws_s3_bucket", "assets", {}),
  res("aws_cloudwatch_metric_alarm", "cpu", { period: 300 }),
  res("aws_secretsmanager_secret", "db", {}),
  res("aws_kms_key", "main", {}),
  res("aws_cloudwatch_log_group", "api", {}),
];

const find = (estimate: ReturnType<typeof estimateCost>, address: string) => estimate.resources.find((r) => r.address === address);

describe("estimateCost", () => {
  const estimate = estimateCost(stack, { region: "us-east-1" });

  it("returns the Infracost-like envelope", () => {
    expect(estimate).toMatchObject({ currency: "USD", region: "us-east-1", priceVersion: us.priceVersion });
    expect(estimate.unsupported).toEqual([]);
    expect(estimate.free).toEqual([
      "aws_ecs_cluster.main",
      "aws_ecs_task_definition.api",
      "aws_iam_role.node",
      "aws_launch_template.workers",
      "aws_security_group.db",
      "aws_subnet.private",
      "aws_vpc.main",
    ]);
  });

  it("prices each mapped resource from the catalogue", () => {
    expect(find(estimate, "aws_eks_cluster.main")?.monthlyCost).toBe(73);
    const nodes = find(estimate, "aws_eks_node_group.default");
    expect(nodes?.costComponents[0]).toMatchObject({ hourlyQuantity: 3, price: us.ec2["m6i.large"] });
    expect(nodes?.monthlyCost).toBe(cents(3 * 730 * 0.096) + cents(3 * 50 * us.ebs.storageGbMonth.gp2));
    const fargate = find(estimate, "aws_ecs_service.api");
    expect(fargate?.monthlyCost).toBe(cents(2 * 0.5 * 730 * 0.04048) + cents(2 * 1 * 730 * 0.004445));
    // The template sizes no root volume: each instance gets the assumed 8 GB gp2 one.
    expect(find(estimate, "aws_autoscaling_group.workers")?.monthlyCost).toBe(cents(cents(4 * 730 * 0.17) + cents(4 * 8 * us.ebs.storageGbMonth.gp2)));
    expect(find(estimate, "aws_db_instance.main")?.monthlyCost).toBe(
      cents(2 * (us.rds.postgres["db.m6i.large"] ?? 0) * 730) + cents(2 * 100 * us.rds.storageGbMonth.gp3),
    );
    expect(find(estimate, "aws_elasticache_replication_group.cache")?.monthlyCost).toBe(cents(2 * 730 * 0.032));
    expect(find(estimate, "aws_lb.public")?.monthlyCost).toBe(cents(730 * 0.0225));
    expect(find(estimate, "aws_nat_gateway.main")?.monthlyCost).toBe(65.7); // count = 2
    expect(find(estimate, "aws_ebs_volume.data")?.monthlyCost).toBe(16);
    expect(find(estimate, "aws_cloudwatch_metric_alarm.cpu")?.monthlyCost).toBe(0.1);
    expect(find(estimate, "aws_secretsmanager_secret.db")?.monthlyCost).toBe(0.4);
    expect(find(estimate, "aws_kms_key.main")?.monthlyCost).toBe(1);
  });

  it("keeps totals consistent: components → resource → grand total, to the cent", () => {
    const toC = (usd: number) => Math.round(usd * 100);
    for (const resource of estimate.resources) {
      const sum = resource.costComponents.reduce((s, c) => s + toC(c.monthlyCost ?? 0), 0);
      expect(sum).toBe(toC(resource.monthlyCost));
    }
    const total = estimate.resources.reduce((s, r) => s + toC(r.monthlyCost), 0);
    expect(total).toBe(toC(estimate.totalMonthlyCost));
  });

  it("marks usage-based items, leaves them out, and prices them once usage is given", () => {
    const s3 = find(estimate, "aws_s3_bucket.assets");
    expect(s3?.costComponents.every((c) => c.usageBased && c.monthlyCost === null)).toBe(true);
    // NAT data, ALB LCUs, S3 ×3, RDS backup, secret API, KMS requests, logs ×2
    expect(estimate.totalUsageBasedItems).toBe(10);

    const withUsage = estimateCost(stack, {
      region: "us-east-1",
      usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: 500 }, "aws_s3_bucket.assets": { storage_gb: 100 } },
    });
    const nat = find(withUsage, "aws_nat_gateway.main");
    expect(nat?.costComponents[1]).toMatchObject({ usageBased: true, monthlyQuantity: 500, monthlyCost: 22.5 });
    expect(nat?.monthlyCost).toBe(65.7 + 22.5);
    expect(find(withUsage, "aws_s3_bucket.assets")?.monthlyCost).toBe(2.3);
    expect(withUsage.totalUsageBasedItems).toBe(8);
    expect(withUsage.totalMonthlyCost).toBe(cents(estimate.totalMonthlyCost + 22.5 + 2.3));
  });

  it("is deterministic and sorted by address whatever the input order", () => {
    const reversed = estimateCost([...stack].reverse(), { region: "us-east-1" });
    expect(reversed).toEqual(estimate);
    const addresses = estimate.resources.map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort());
  });

  it("rejects an unknown region, listing the supported ones", () => {
    expect(() => estimateCost(stack, { region: "eu-central-9" })).toThrow(/eu-central-1, eu-west-1, eu-west-2, us-east-1, us-east-2, us-west-2/);
  });

  it("rejects negative usage figures", () => {
    expect(() => estimateCost(stack, { region: "us-east-1", usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: -1 } } })).toThrow(
      /Invalid estimate options/,
    );
  });
});

describe("usage figures for instances of a count or for_each resource", () => {
  it("takes the exact instance address first, then the [*] wildcard, then the unindexed address", () => {
    const nat = (index: number) => ({ ...res("aws_nat_gateway", "main"), address: `aws_nat_gateway.main[${index}]` });
    const usageOf = (usage: Record<string, Record<string, number>>) =>
      estimateCost([nat(0), nat(1)], { region: "us-east-1", usage }).resources.map((r) => r.monthlyCost);
    const hour = us.nat.hour * 730;
    const gb = us.nat.gbProcessed;
    expect(usageOf({ "aws_nat_gateway.main[*]": { monthly_data_processed_gb: 100 }, "aws_nat_gateway.main[1]": { monthly_data_processed_gb: 10 } })).toEqual([
      cents(hour + 100 * gb),
      cents(hour + 10 * gb),
    ]);
    expect(usageOf({ "aws_nat_gateway.main": { monthly_data_processed_gb: 20 } })).toEqual([cents(hour + 20 * gb), cents(hour + 20 * gb)]);
  });
});
