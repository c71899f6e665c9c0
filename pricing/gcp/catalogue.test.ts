import { describe, expect, it } from "vitest";
import { HOURS_PER_MONTH } from "../catalogue.js";
import { rateCardSchema } from "../rate-card.js";
import { GCP_REGIONS, getGcpRates } from "./catalogue.js";
import { GCP_RATE_KEYS } from "./rates.js";

describe("Google Cloud rate cards", () => {
  it("ships valid cards for us-central1 and europe-west1", () => {
    expect(GCP_REGIONS).toEqual(["europe-west1", "us-central1"]);
    for (const region of GCP_REGIONS) {
      const card = getGcpRates(region);
      expect(rateCardSchema.parse(card)).toEqual(card);
      expect(card).toMatchObject({ cloud: "gcp", region, currency: "USD", hoursPerMonth: HOURS_PER_MONTH });
      expect(card.priceVersion).toMatch(/^gcp-catalog-\d{4}-\d{2}$/);
    }
  });

  it("says where the figures come from and that free tiers are not deducted", () => {
    const { source } = getGcpRates("us-central1");
    expect(source).toMatch(/NOT deducted/);
    expect(source).toMatch(/Cloud Run/);
    expect(source).toMatch(/50 GiB/);
    expect(source).toMatch(/refresh/i);
  });

  it("holds a rate for every key the refresh knows, and only those", () => {
    const keys = GCP_RATE_KEYS.map((entry) => entry.key).sort();
    for (const region of GCP_REGIONS) expect(Object.keys(getGcpRates(region).rates).sort()).toEqual(keys);
  });

  it("rate keys are unique", () => {
    const keys = GCP_RATE_KEYS.map((entry) => entry.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("rejects a region without a card, naming the supported ones", () => {
    expect(() => getGcpRates("asia-east1")).toThrow(/europe-west1, us-central1/);
    try {
      getGcpRates("asia-east1");
    } catch (error) {
      expect(error).toMatchObject({ code: "VALIDATION_FAILED", details: { supportedRegions: ["europe-west1", "us-central1"] } });
    }
  });
});
