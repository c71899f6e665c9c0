import { describe, expect, it } from "vitest";
import { isAtlasError } from "../lib/errors.js";
import { ec2HourlyRate, getRegionPrices, HOURS_PER_MONTH, SUPPORTED_REGIONS } from "./catalogue.js";

const sizes = (families: string[], list: string[]) => families.flatMap((f) => list.map((s) => `${f}.${s}`));

const EC2 = [
  ...sizes(["t3", "t3a", "t4g"], ["micro", "small", "medium", "large", "xlarge", "2xlarge"]),
  ...sizes(["m5", "m6i", "m7g", "c5", "c6i", "c7g", "r5", "r6i", "r7g"], ["large", "xlarge", "2xlarge", "4xlarge"]),
];
const RDS = [
  ...sizes(["db.t3", "db.t4g"], ["micro", "small", "medium", "large", "xlarge"]),
  ...sizes(["db.m5", "db.m6g", "db.m6i", "db.m7g", "db.r5", "db.r6g", "db.r6i"], ["large", "xlarge", "2xlarge", "4xlarge"]),
];
const CACHE = [...sizes(["cache.t3", "cache.t4g"], ["micro", "small", "medium"]), ...sizes(["cache.m5", "cache.m6g", "cache.r6g"], ["large", "xlarge"])];

describe("catalogue", () => {
  it("has the three required regions, each valid and dated", () => {
    expect(SUPPORTED_REGIONS).toEqual(expect.arrayContaining(["eu-west-1", "us-east-1", "us-west-2"]));
    for (const region of SUPPORTED_REGIONS) {
      const sheet = getRegionPrices(region);
      expect(sheet.region).toBe(region);
      expect(sheet.hoursPerMonth).toBe(HOURS_PER_MONTH);
      expect(sheet.priceVersion).toMatch(/\S/);
      expect(sheet.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(sheet.source).toMatch(/on-demand/);
    }
  });

  // the other regions' sheets leave out rates not known with confidence (see regions.test.ts)
  it.each(["eu-west-1", "us-east-1", "us-east-2", "us-west-2"])("covers every required size in %s", (region) => {
    const sheet = getRegionPrices(region);
    expect(EC2.filter((t) => !(t in sheet.ec2))).toEqual([]);
    expect(RDS.filter((c) => !(c in sheet.rds.postgres))).toEqual([]);
    expect(RDS.filter((c) => !(c in sheet.rds.mysql))).toEqual([]);
    expect(CACHE.filter((n) => !(n in sheet.elasticache.nodes))).toEqual([]);
  });

  it("matches well-known us-east-1 list prices", () => {
    const sheet = getRegionPrices("us-east-1");
    expect(sheet.eks.clusterHour).toBe(0.1);
    expect(sheet.nat.hour).toBe(0.045);
    expect(sheet.nat.gbProcessed).toBe(0.045);
    expect(sheet.ec2["t3.micro"]).toBe(0.0104);
    expect(sheet.ec2["m5.large"]).toBe(0.096);
    expect(sheet.elb.albHour).toBe(0.0225);
    expect(sheet.ebs.storageGbMonth.gp3).toBe(0.08);
    expect(sheet.s3.standardGbMonth).toBe(0.023);
    expect(sheet.fargate.x86_64).toEqual({ vcpuHour: 0.04048, gbHour: 0.004445 });
  });

  it("keeps instance prices doubling with size within a family", () => {
    for (const region of SUPPORTED_REGIONS) {
      const ec2 = getRegionPrices(region).ec2;
      for (const family of ["m5", "m6i", "c6i", "r6i", "t3"]) {
        if (ec2[`${family}.large`] === undefined) continue; // a family a sheet leaves out (regions.test.ts)
        expect(ec2[`${family}.xlarge`]).toBeCloseTo(2 * (ec2[`${family}.large`] ?? Number.NaN), 10);
      }
    }
  });

  it("never prices Ireland below N. Virginia for the same item", () => {
    const us = getRegionPrices("us-east-1");
    const eu = getRegionPrices("eu-west-1");
    // Ireland lists fewer families; every type it does price must not be cheaper.
    let compared = 0;
    for (const [type, price] of Object.entries(us.ec2)) {
      const irish = ec2HourlyRate(eu, type);
      if (!irish.ok) continue;
      expect(irish.hour, type).toBeGreaterThanOrEqual(price);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(54);
    for (const [cls, price] of Object.entries(us.rds.postgres)) expect(eu.rds.postgres[cls]).toBeGreaterThanOrEqual(price);
  });

  it("rejects an unknown region, naming the supported ones", () => {
    let caught: unknown;
    try {
      getRegionPrices("mars-north-1");
    } catch (error) {
      caught = error;
    }
    expect(isAtlasError(caught)).toBe(true);
    expect((caught as Error).message).toContain(
      "ap-northeast-1, ap-south-1, ap-southeast-1, ap-southeast-2, eu-central-1, eu-west-1, eu-west-2, us-east-1, us-east-2, us-west-2",
    );
    expect((caught as { code: string }).code).toBe("VALIDATION_FAILED");
  });
});
