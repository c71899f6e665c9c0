import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getAzureRates } from "../../pricing/azure/catalogue.js";
import { getGcpRates } from "../../pricing/gcp/catalogue.js";
import { recordingIo } from "../../test/helpers/cli-io.js";
import { runCli } from "./validate.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "test", "fixtures", "iac");

async function validateJson(...argv: string[]) {
  const { io, printed } = recordingIo();
  const code = await runCli([...argv, "--json"], io);
  return { code, report: JSON.parse(printed.stdout) };
}

interface Line {
  address: string;
  monthly_usd: number;
}

const cents = (usd: number) => Math.round(usd * 100);

/**
 * `pnpm validate` on a folder of each other cloud's resources, written the way teams write them
 * (variables, locals, count): priced in the region the Terraform names, checked by that cloud's
 * rules, and what cannot be priced named instead of counted as $0.
 */
describe("pnpm validate on Azure and Google Cloud folders", () => {
  it("prices an Azure folder in the region its location names and checks it with the Azure rules", async () => {
    const { code, report } = await validateJson(join(FIXTURES, "azure-stack"), "--env", "prod");
    expect(code).toBe(1);
    // `location = "West Europe"` through a variable: the region of the westeurope card
    expect(report.cost.region).toBe("westeurope");
    expect(report.cost.price_version).toBe(getAzureRates("westeurope").priceVersion);
    const lines: Line[] = report.cost.resources;
    expect(lines.map((l) => l.address).sort()).toEqual([
      "azurerm_container_registry.acr",
      "azurerm_postgresql_flexible_server.db",
      "azurerm_redis_cache.cache",
      "azurerm_storage_account.assets[0]",
      "azurerm_storage_account.assets[1]",
    ]);
    expect(lines.reduce((sum, l) => sum + cents(l.monthly_usd), 0)).toBe(cents(report.cost.monthly_total_usd));
    // zone-redundant HA is billed as a second server of the same size
    const db = lines.find((l) => l.address === "azurerm_postgresql_flexible_server.db");
    expect(db?.monthly_usd).toBeGreaterThan(2 * 730 * (getAzureRates("westeurope").rates["postgres-flexible.GP_Standard_D2ds_v5.hour"] ?? 0) - 0.01);
    expect(report.cost.unpriced).toEqual([expect.objectContaining({ address: "azurerm_cosmosdb_account.catalog", type: "azurerm_cosmosdb_account" })]);
    const rules = report.findings.map((f: { rule_id: string }) => f.rule_id);
    expect(rules).toEqual(expect.arrayContaining(["AZURE_DATABASE_PUBLIC_ACCESS", "AZURE_STORAGE_PUBLIC_ACCESS", "AZURE_ACR_ADMIN_USER", "COST_UNPRICED"]));
    const publicDb = report.findings.find((f: { rule_id: string }) => f.rule_id === "AZURE_DATABASE_PUBLIC_ACCESS");
    expect(publicDb.aliases).toContain("AZU-0022");
  });

  it("prices a Google Cloud folder in the region its provider names and checks it with the Google Cloud rules", async () => {
    const { code, report } = await validateJson(join(FIXTURES, "gcp-stack"), "--env", "prod");
    expect(code).toBe(1);
    expect(report.cost.region).toBe("europe-west1");
    expect(report.cost.price_version).toBe(getGcpRates("europe-west1").priceVersion);
    const lines: Line[] = report.cost.resources;
    expect(lines.map((l) => l.address).sort()).toEqual(["google_cloud_run_v2_service.api", "google_sql_database_instance.db", "google_storage_bucket.uploads"]);
    // two instances of 1 vCPU and 0.5 GiB with CPU always allocated, all month
    const rates = getGcpRates("europe-west1").rates;
    const run = (rates["cloud-run.instance.vcpu-second"] ?? 0) * 2 * 730 * 3600 + (rates["cloud-run.instance.gib-second"] ?? 0) * 2 * 0.5 * 730 * 3600;
    expect(lines.find((l) => l.address === "google_cloud_run_v2_service.api")?.monthly_usd).toBeCloseTo(run, 1);
    expect(report.cost.unpriced).toEqual([expect.objectContaining({ address: "google_bigtable_instance.events" })]);
    const rules = report.findings.map((f: { rule_id: string }) => f.rule_id);
    expect(rules).toEqual(expect.arrayContaining(["GCP_SQL_OPEN_TO_WORLD", "GCP_SQL_REQUIRE_SSL", "COST_UNPRICED"]));
  });

  it("with a budget, FAILs while anything is unpriced and passes the cost gate with --allow-unpriced", async () => {
    const gated = await validateJson(join(FIXTURES, "gcp-stack"), "--budget", "5000");
    expect(gated.report.cost.unpriced_gate).toBe("fail");
    const allowed = await validateJson(join(FIXTURES, "gcp-stack"), "--budget", "5000", "--allow-unpriced");
    expect(allowed.report.cost.unpriced_gate).toBe("allowed");
  });
});
