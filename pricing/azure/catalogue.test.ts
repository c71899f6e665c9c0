import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rateCardSchema } from "../rate-card.js";
import { AZURE_REGIONS, getAzureRates } from "./catalogue.js";
import { AZURE_RATE_DEFINITIONS, AZURE_RATE_KEYS } from "./rates.js";

const DATA = join(import.meta.dirname, "..", "data", "azure");

describe("Azure rate cards", () => {
  it("lists every card file's region, sorted", () => {
    const files = readdirSync(DATA)
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.replace(/\.json$/, ""))
      .sort();
    expect(AZURE_REGIONS).toEqual(files);
    expect(AZURE_REGIONS).toEqual(expect.arrayContaining(["eastus", "westeurope"]));
  });

  it.each(AZURE_REGIONS)("%s validates and holds exactly the rate keys of rates.ts", (region) => {
    const raw: unknown = JSON.parse(readFileSync(join(DATA, `${region}.json`), "utf8"));
    const card = rateCardSchema.parse(raw);
    expect(card).toMatchObject({ cloud: "azure", region, currency: "USD", hoursPerMonth: 730 });
    expect(Object.keys(card.rates).sort()).toEqual([...AZURE_RATE_KEYS]);
    expect(card.priceVersion).toMatch(/^azure-retail-\d{4}-\d{2}$/);
    // the card says what it leaves out and that it must be refreshed before quoting
    expect(card.source).toMatch(/NOT deducted/);
    expect(card.source).toMatch(/Container Apps/);
    expect(card.source).toMatch(/Log Analytics' 5 GB/);
    expect(card.source).toMatch(/first 100 GB/);
    expect(card.source).toMatch(/[Rr]efresh/);
    expect(getAzureRates(region)).toEqual(card);
  });

  it("has unique keys, each accepting at least one API unit", () => {
    expect(new Set(AZURE_RATE_KEYS).size).toBe(AZURE_RATE_DEFINITIONS.length);
    for (const definition of AZURE_RATE_DEFINITIONS) expect(Object.keys(definition.units).length, definition.key).toBeGreaterThan(0);
  });

  it("rejects a region without a card, naming the supported ones", () => {
    expect(() => getAzureRates("us-east-1")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining(AZURE_REGIONS.join(", ")) }),
    );
  });
});
