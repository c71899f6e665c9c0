import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { regionPricesSchema } from "../catalogue.js";

/*
 * The shipped sheets cannot be refreshed here (no network): each must at least say when and
 * where its figures come from, and so must every section that carries its own date.
 */

const DATA_DIR = fileURLToPath(new URL("../data/", import.meta.url));
const files = readdirSync(DATA_DIR).filter((name) => name.endsWith(".json"));

describe("shipped price sheets name their date and source", () => {
  it("there are sheets to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s", (name) => {
    const sheet = regionPricesSchema.parse(JSON.parse(readFileSync(`${DATA_DIR}${name}`, "utf8")));
    expect(sheet.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sheet.source.trim()).not.toBe("");
    expect(sheet.priceVersion.trim()).not.toBe("");
    const dated = Object.entries(sheet as Record<string, unknown>).filter(([, value]) => typeof value === "object" && value !== null && "asOf" in value);
    for (const [section, value] of dated) {
      const { asOf, source } = value as { asOf: unknown; source: unknown };
      expect(asOf, section).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(String(source ?? "").trim(), section).not.toBe("");
    }
    // Fargate Spot nests its own date one level down
    expect(sheet.fargate.spot.source.trim()).not.toBe("");
  });
});
