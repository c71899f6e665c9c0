import { describe, expect, it } from "vitest";
import { isAtlasError } from "../lib/errors.js";
import { getRegionPrices, SUPPORTED_REGIONS } from "./catalogue.js";
import { toCents } from "./money.js";
import { priceComponent } from "./price-component.js";

const us = getRegionPrices("us-east-1");
const usd = (amount: number) => toCents(amount) / 100;

describe("catalogue additions: Fargate Spot, interface endpoints, WAF", () => {
  it.each(SUPPORTED_REGIONS)("has them in %s, each dated and sourced like the sheet itself", (region) => {
    const sheet = getRegionPrices(region);
    for (const section of [sheet.fargate.spot, sheet.vpcEndpoint, sheet.waf]) {
      expect(section.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(section.source).toMatch(/aws\.amazon\.com\//);
    }
    // Spot is a discount on on-demand, never a premium.
    expect(sheet.fargate.spot.x86_64.vcpuHour).toBeLessThan(sheet.fargate.x86_64.vcpuHour);
    expect(sheet.fargate.spot.x86_64.gbHour).toBeLessThan(sheet.fargate.x86_64.gbHour);
  });

  it("matches the published figures: PrivateLink $0.01 per AZ-hour and per GB (Ireland $0.011), WAF $5 + $1 a rule + $0.60 per million", () => {
    expect(us.vpcEndpoint).toMatchObject({ interfaceAzHour: 0.01, gbProcessed: 0.01 });
    expect(getRegionPrices("eu-west-1").vpcEndpoint.interfaceAzHour).toBe(0.011);
    expect(us.waf).toMatchObject({ webAclMonth: 5, ruleMonth: 1, perMillionRequests: 0.6 });
  });
});

describe("priceComponent for the new kinds and options", () => {
  it("prices Fargate Spot at the Spot rates and names the date the moving price was read", () => {
    const spot = priceComponent({ kind: "fargate", vcpu: 1, memoryGb: 2, tasks: 2, capacity: "spot" }, "us-east-1");
    const rates = us.fargate.spot.x86_64;
    expect(spot.monthlyCost).toBe(usd(2 * 730 * rates.vcpuHour) + usd(2 * 2 * 730 * rates.gbHour));
    expect(spot.costComponents[0]?.name).toContain(`Fargate Spot (price of ${us.fargate.spot.asOf}, varies) vCPU (x86_64)`);
    const onDemand = priceComponent({ kind: "fargate", vcpu: 1, memoryGb: 2, tasks: 2 }, "us-east-1");
    expect(spot.monthlyCost).toBeLessThan(onDemand.monthlyCost);
  });

  it("refuses Fargate Spot for arm64, which Spot does not run", () => {
    let caught: unknown;
    try {
      priceComponent({ kind: "fargate", vcpu: 1, memoryGb: 2, architecture: "arm64", capacity: "spot" }, "us-east-1");
    } catch (error) {
      caught = error;
    }
    expect(isAtlasError(caught) && caught.message).toContain("x86_64 tasks only");
  });

  it("prices an interface endpoint per AZ-hour with data processed as usage; a gateway endpoint is free", () => {
    const endpoint = priceComponent({ kind: "vpc-endpoint", azs: 3, count: 2 }, "us-east-1", { monthly_data_processed_gb: 100 });
    expect(endpoint.costComponents.map((c) => [c.monthlyQuantity, c.monthlyCost])).toEqual([
      [2 * 3 * 730, usd(2 * 3 * 730 * 0.01)],
      [100, usd(100 * 0.01)],
    ]);
    const unpriced = priceComponent({ kind: "vpc-endpoint", azs: 2 }, "us-east-1");
    expect(unpriced.unpricedUsageItems).toBe(1);
    expect(priceComponent({ kind: "vpc-endpoint", type: "gateway" }, "us-east-1")).toMatchObject({ monthlyCost: 0, costComponents: [] });
  });

  it("prices a web ACL, its rule groups and the requests it inspects", () => {
    const waf = priceComponent({ kind: "waf", rules: 2 }, "eu-west-1", { monthly_requests: 50_000_000 });
    // $5 for the ACL, $1 for each of two managed groups, 50 M requests at $0.60 per million.
    expect(waf.costComponents.map((c) => c.monthlyCost)).toEqual([5, 2, 30]);
    expect(waf.monthlyCost).toBe(37);
  });

  it("prices public IPv4 addresses for the hours they are held", () => {
    expect(priceComponent({ kind: "public-ipv4", count: 3 }, "us-east-1").monthlyCost).toBe(usd(3 * 730 * 0.005));
    const scheduled = priceComponent({ kind: "public-ipv4", count: 2, hours: 15 }, "us-east-1");
    expect(scheduled.costComponents[0]).toMatchObject({ monthlyQuantity: 30, name: "Public IPv4 address (held 15 h a month)" });
  });
});
