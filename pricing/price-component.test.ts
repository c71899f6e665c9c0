import { describe, expect, it } from "vitest";
import { getRegionPrices } from "./catalogue.js";
import { priceComponent } from "./price-component.js";

const us = getRegionPrices("us-east-1");
const cents = (usd: number) => Math.round(usd * 100) / 100;
const costOf = (result: ReturnType<typeof priceComponent>, name: string) => result.costComponents.find((c) => c.name.startsWith(name))?.monthlyCost;

describe("priceComponent", () => {
  it("prices the EKS control plane at $73.00 a month", () => {
    const result = priceComponent({ kind: "eks-control-plane" }, "us-east-1");
    expect(result.monthlyCost).toBe(73);
    expect(result.costComponents[0]).toMatchObject({ unit: "hours", hourlyQuantity: 1, monthlyQuantity: 730, price: 0.1 });
  });

  it("prices a NAT gateway at $0.045/h plus usage-based data processing", () => {
    const result = priceComponent({ kind: "nat" }, "us-east-1");
    expect(result.costComponents[0]).toMatchObject({ price: 0.045, monthlyCost: 32.85, usageBased: false });
    expect(result.costComponents[1]).toMatchObject({ usageBased: true, monthlyQuantity: null, monthlyCost: null });
    expect(result.monthlyCost).toBe(32.85);
    expect(result.unpricedUsageItems).toBe(1);

    const withUsage = priceComponent({ kind: "nat" }, "us-east-1", { monthly_data_processed_gb: 500 });
    expect(withUsage.costComponents[1]).toMatchObject({ monthlyQuantity: 500, monthlyCost: 22.5, usageBased: true });
    expect(withUsage.monthlyCost).toBe(55.35);
    expect(withUsage.unpricedUsageItems).toBe(0);
  });

  it("doubles instance and storage for a Multi-AZ db.m6i.large with 100 GB gp3", () => {
    const result = priceComponent(
      { kind: "rds", engine: "postgres", instanceClass: "db.m6i.large", multiAz: true, storageGb: 100, storageType: "gp3" },
      "us-east-1",
    );
    const hourly = us.rds.postgres["db.m6i.large"] ?? Number.NaN;
    const instance = cents(2 * hourly * 730);
    const storage = cents(2 * 100 * us.rds.storageGbMonth.gp3);
    expect(costOf(result, "Database instance")).toBe(instance);
    expect(costOf(result, "Storage (gp3)")).toBe(storage);
    expect(result.monthlyCost).toBe(cents(instance + storage));
    expect(result.monthlyCost).toBe(282.88); // 2 × 0.178 × 730 + 2 × 100 × 0.115
    expect(result.costComponents.find((c) => c.name.startsWith("Backup"))?.usageBased).toBe(true);
  });

  it("bills io1 IOPS and gp3 IOPS above the RDS baseline", () => {
    const io1 = priceComponent({ kind: "rds", engine: "mysql", instanceClass: "db.r6g.large", storageGb: 200, storageType: "io1", iops: 3000 }, "us-east-1");
    expect(costOf(io1, "Provisioned IOPS (io1)")).toBe(cents(3000 * us.rds.io1IopsMonth));
    const gp3 = priceComponent({ kind: "rds", engine: "postgres", instanceClass: "db.t4g.micro", storageGb: 100, storageType: "gp3", iops: 4000 }, "us-east-1");
    expect(costOf(gp3, "Provisioned IOPS above gp3 baseline")).toBe(cents(1000 * us.rds.gp3IopsMonth));
  });

  it("prices Fargate from vCPU-hours and GB-hours", () => {
    const result = priceComponent({ kind: "fargate", vcpu: 0.5, memoryGb: 1, tasks: 3 }, "us-east-1");
    const vcpu = cents(3 * 0.5 * 730 * us.fargate.x86_64.vcpuHour);
    const memory = cents(3 * 1 * 730 * us.fargate.x86_64.gbHour);
    expect(result.costComponents.map((c) => c.monthlyCost)).toEqual([vcpu, memory]);
    expect(result.monthlyCost).toBe(cents(vcpu + memory));
  });

  it("prices EC2 per instance-hour times count", () => {
    const result = priceComponent({ kind: "ec2", instanceType: "m5.large", count: 3 }, "us-east-1");
    expect(result.monthlyCost).toBe(210.24); // 3 × 0.096 × 730
    expect(result.costComponents[0]?.hourlyQuantity).toBe(3);
  });

  it("applies the Valkey discount to ElastiCache nodes", () => {
    const redis = priceComponent({ kind: "elasticache", nodeType: "cache.r6g.large", nodes: 2 }, "us-east-1");
    const valkey = priceComponent({ kind: "elasticache", nodeType: "cache.r6g.large", nodes: 2, engine: "valkey" }, "us-east-1");
    expect(redis.monthlyCost).toBe(cents(2 * 730 * 0.206));
    expect(valkey.costComponents[0]?.price).toBe(0.1648);
  });

  it("bills gp3 IOPS and throughput only above the free baseline", () => {
    const base = priceComponent({ kind: "ebs", volumeType: "gp3", sizeGb: 100, iops: 3000, throughputMbps: 125 }, "us-east-1");
    expect(base.costComponents).toHaveLength(1);
    expect(base.monthlyCost).toBe(8);
    const extra = priceComponent({ kind: "ebs", volumeType: "gp3", sizeGb: 100, iops: 6000, throughputMbps: 250 }, "us-east-1");
    expect(extra.monthlyCost).toBe(cents(8 + 3000 * 0.005 + 125 * 0.04));
  });

  it("treats S3 storage as usage-based unless a size is given", () => {
    const unknown = priceComponent({ kind: "s3" }, "us-east-1");
    expect(unknown.costComponents.every((c) => c.usageBased && c.monthlyCost === null)).toBe(true);
    expect(unknown.monthlyCost).toBe(0);
    const sized = priceComponent({ kind: "s3", storageGb: 1000 }, "us-east-1");
    expect(sized.costComponents[0]).toMatchObject({ usageBased: false, monthlyCost: 23 });
    const requests = priceComponent({ kind: "s3" }, "us-east-1", { monthly_get_requests: 2_000_000 });
    expect(costOf(requests, "GET")).toBe(0.8);
  });

  it("prices per-month items: alarms, secrets, KMS keys", () => {
    expect(priceComponent({ kind: "cloudwatch-alarm", count: 12 }, "us-east-1").monthlyCost).toBe(1.2);
    expect(priceComponent({ kind: "secrets-manager", count: 3 }, "us-east-1").monthlyCost).toBe(1.2);
    expect(priceComponent({ kind: "kms-key" }, "us-east-1").monthlyCost).toBe(1);
  });

  it("uses the region's own prices", () => {
    expect(priceComponent({ kind: "nat" }, "eu-west-1").monthlyCost).toBe(35.04); // 0.048 × 730
    expect(priceComponent({ kind: "nat" }, "us-west-2").monthlyCost).toBe(32.85);
  });

  it("rejects unknown sizes, bad specs, bad usage and unknown regions with VALIDATION_FAILED", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(codeOf(() => priceComponent({ kind: "ec2", instanceType: "x9.huge" }, "us-east-1"))).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("x9.huge"),
    });
    expect(codeOf(() => priceComponent({ kind: "ec2", instanceType: "constructor" }, "us-east-1"))?.code).toBe("VALIDATION_FAILED");
    expect(codeOf(() => priceComponent({ kind: "fargate", vcpu: -1, memoryGb: 1 }, "us-east-1"))?.code).toBe("VALIDATION_FAILED");
    expect(codeOf(() => priceComponent({ kind: "nat" }, "us-east-1", { monthly_data_processed_gb: -5 }))?.code).toBe("VALIDATION_FAILED");
    expect(codeOf(() => priceComponent({ kind: "nat" }, "ap-south-9"))?.message).toContain("us-east-1");
  });
});
