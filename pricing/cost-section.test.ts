import { describe, expect, it } from "vitest";
import type { TerraformResource } from "../iac/types.js";
import { getRegionPrices } from "./catalogue.js";
import { costSection, unpricedFindings } from "./cost-section.js";

const prices = getRegionPrices("us-east-1");

function resource(type: string, name: string, attributes: Record<string, unknown>): TerraformResource {
  return { type, name, address: `${type}.${name}`, attributes, file: "main.tf", line: 1 } as TerraformResource;
}

const resources = [
  resource("aws_nat_gateway", "main", {}),
  resource("aws_instance", "gpu", { instance_type: "p4d.24xlarge" }),
  resource("aws_ecr_repository", "app", { name: "app" }),
  resource("aws_vpc", "main", { cidr_block: "10.0.0.0/16" }),
];

describe("costSection", () => {
  it("splits fixed and usage dollars, lists unpriced and usage-only resources, and gates on a budget", () => {
    const cost = costSection(resources, { region: "us-east-1", budgetUsd: 500, usage: { "aws_nat_gateway.main": { monthly_data_processed_gb: 100 } } });
    const fixed = Math.round(prices.nat.hour * 730 * 100) / 100;
    const usage = Math.round(prices.nat.gbProcessed * 100 * 100) / 100;
    expect(cost.resources).toEqual([
      { address: "aws_nat_gateway.main", type: "aws_nat_gateway", monthly_usd: fixed + usage, fixed_usd: fixed, usage_usd: usage },
    ]);
    expect(cost.fixed_monthly_usd).toBe(fixed);
    expect(cost.usage_monthly_usd).toBe(usage);
    expect(cost.unpriced.map((u) => u.address)).toEqual(["aws_instance.gpu"]);
    expect(cost.usage_only.map((u) => u.address)).toEqual(["aws_ecr_repository.app"]);
    expect(cost.status).toBe("OK");
    expect(cost.unpriced_gate).toBe("fail");
    expect(costSection(resources, { region: "us-east-1", budgetUsd: 500, allowUnpriced: true }).unpriced_gate).toBe("allowed");
    expect(costSection(resources, { region: "us-east-1" })).toMatchObject({ budget_usd: null, status: null, unpriced_gate: "no_budget" });
  });

  it("makes one COST_UNPRICED finding per unpriced resource, at the severity asked", () => {
    const cost = costSection(resources, { region: "us-east-1", budgetUsd: 500 });
    const findings = unpricedFindings(cost, resources, "high");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule_id: "COST_UNPRICED", severity: "high", resource: "aws_instance.gpu", file: "main.tf", line: 1 });
    expect(findings[0]?.message).toMatch(/aws_instance: .*p4d\.24xlarge/);
  });
});
