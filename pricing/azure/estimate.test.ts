import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseTerraform } from "../../iac/terraform.js";
import type { TerraformResource } from "../../iac/types.js";
import { toCents } from "../money.js";
import type { CostEstimate } from "../types.js";
import { getAzureRates } from "./catalogue.js";
import { estimateAzure } from "./estimate.js";

const STACK = readFileSync(join(import.meta.dirname, "fixtures", "web-api.tf"), "utf8");
const card = getAzureRates("westeurope");
const HOURS = 730;

function rate(key: string): number {
  const value = card.rates[key];
  if (value === undefined) throw new Error(`test card lacks ${key}`);
  return value;
}

let resources: TerraformResource[];
let estimate: CostEstimate;
const find = (address: string) => estimate.resources.find((r) => r.address === address);

beforeAll(async () => {
  resources = (await parseTerraform([{ path: "main.tf", content: STACK }])).resources;
  estimate = estimateAzure(resources, { region: "westeurope", usage: { "azurerm_nat_gateway.main[*]": { monthly_data_processed_gb: 100 } } });
});

describe("estimateAzure", () => {
  it("returns the estimate envelope with the card's version", () => {
    expect(estimate).toMatchObject({ currency: "USD", region: "westeurope", priceVersion: card.priceVersion });
  });

  it("sorts priced, free and unsupported resources by address", () => {
    const sorted = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(estimate.resources.map((r) => r.address)).toEqual(sorted(estimate.resources.map((r) => r.address)));
    expect(estimate.free).toEqual(sorted(estimate.free));
    expect(estimate.free).toContain("azurerm_resource_group.main");
    expect(estimate.free).toContain("azurerm_key_vault_key.cmk");
    expect(estimate.unsupported.map((u) => u.address)).toEqual([
      "azurerm_cdn_frontdoor_firewall_policy.main",
      "azurerm_cosmosdb_account.events",
      "azurerm_mysql_flexible_server.legacy",
    ]);
    // every resource lands in exactly one list
    expect(estimate.resources.length + estimate.free.length + estimate.unsupported.length).toBe(resources.length);
  });

  it("prices each resource from the card", () => {
    const postgres = find("azurerm_postgresql_flexible_server.main");
    // ZoneRedundant HA: two servers, each with 128 GB
    const pgCents = toCents(2 * HOURS * rate("postgres-flexible.GP_Standard_D2ds_v5.hour")) + toCents(256 * rate("postgres-flexible.storage.gb-month"));
    expect(postgres?.monthlyCost).toBe(pgCents / 100);
    const aks = find("azurerm_kubernetes_cluster.main");
    // Standard tier, 3 D4s_v5 nodes (autoscaling floor), each with a 128 GiB (P10) managed OS disk
    const aksCents =
      toCents(HOURS * rate("aks.standard.cluster-hour")) + toCents(3 * HOURS * rate("vm.Standard_D4s_v5.hour")) + toCents(3 * rate("managed-disk.P10.month"));
    expect(aks?.monthlyCost).toBe(aksCents / 100);
    const registry = find("azurerm_container_registry.main");
    expect(registry?.monthlyCost).toBe((2 * toCents((HOURS / 24) * rate("container-registry.Premium.day"))) / 100);
  });

  it("applies usage by wildcard address to each count instance", () => {
    for (const address of ["azurerm_nat_gateway.main[0]", "azurerm_nat_gateway.main[1]"]) {
      expect(find(address)?.monthlyCost).toBe((toCents(HOURS * rate("nat-gateway.hour")) + toCents(100 * rate("nat-gateway.gb"))) / 100);
    }
  });

  it("totals are the sum of the resources in cents; usage lines without figures are counted", () => {
    const cents = estimate.resources.reduce((sum, r) => sum + toCents(r.monthlyCost), 0);
    expect(estimate.totalMonthlyCost).toBe(cents / 100);
    const unpriced = estimate.resources.flatMap((r) => r.costComponents).filter((c) => c.usageBased && c.monthlyQuantity === null).length;
    expect(estimate.totalUsageBasedItems).toBe(unpriced);
    expect(unpriced).toBeGreaterThan(0);
    for (const line of estimate.resources.flatMap((r) => r.costComponents)) {
      if (line.monthlyQuantity === null) expect(line.monthlyCost).toBeNull();
    }
  });

  it("multiplies configuration lines, not usage lines, by an unexpanded count", () => {
    const gateway: TerraformResource = {
      type: "azurerm_nat_gateway",
      name: "n",
      address: "azurerm_nat_gateway.n",
      file: "main.tf",
      line: 1,
      attributes: { count: 3 },
    };
    const result = estimateAzure([gateway], { region: "eastus", usage: { "azurerm_nat_gateway.n": { monthly_data_processed_gb: 10 } } });
    const [hours, data] = result.resources[0]?.costComponents ?? [];
    expect(hours).toMatchObject({ hourlyQuantity: 3, monthlyQuantity: 3 * HOURS });
    expect(data).toMatchObject({ monthlyQuantity: 10, usageBased: true });
  });

  it("lists a size the card has no rate for as unsupported, naming it", () => {
    const vm: TerraformResource = {
      type: "azurerm_kubernetes_cluster_node_pool",
      name: "gpu",
      address: "azurerm_kubernetes_cluster_node_pool.gpu",
      file: "main.tf",
      line: 1,
      attributes: { vm_size: "Standard_NC6s_v3", node_count: 1 },
    };
    expect(estimateAzure([vm], { region: "eastus" }).unsupported).toEqual([
      { address: vm.address, type: vm.type, reason: expect.stringContaining("Standard_NC6s_v3") },
    ]);
  });

  it("rejects a region without an Azure card", () => {
    expect(() => estimateAzure([], { region: "us-east-1" })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});
