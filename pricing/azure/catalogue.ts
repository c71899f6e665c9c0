import { AtlasError } from "../../lib/errors.js";
import eastus from "../data/azure/eastus.json" with { type: "json" };
import northeurope from "../data/azure/northeurope.json" with { type: "json" };
import uksouth from "../data/azure/uksouth.json" with { type: "json" };
import westeurope from "../data/azure/westeurope.json" with { type: "json" };
import { type RateCard, rateCardSchema } from "../rate-card.js";

// Parsed once at load: a malformed card should fail every import, not one estimate.
const cards: ReadonlyMap<string, RateCard> = new Map(
  [eastus, westeurope, northeurope, uksouth].map((raw) => {
    const card = rateCardSchema.parse(raw);
    if (card.cloud !== "azure") throw new Error(`pricing/data/azure/${card.region}.json is a ${card.cloud} card`);
    return [card.region, card] as const;
  }),
);

/** Azure regions with a rate card, sorted (`eastus`, `northeurope`, `uksouth`, `westeurope`). */
export const AZURE_REGIONS: readonly string[] = [...cards.keys()].sort();

/**
 * The Azure rate card for `region` (an ARM region name such as `westeurope`).
 * @throws AtlasError `VALIDATION_FAILED` naming the supported regions when there is none.
 */
export function getAzureRates(region: string): RateCard {
  const card = cards.get(region);
  if (!card) {
    throw new AtlasError("VALIDATION_FAILED", `No Azure rate card for region "${region}"; supported regions: ${AZURE_REGIONS.join(", ")}`, {
      issues: [{ path: "region", message: `unsupported Azure region "${region}"` }],
      details: { supportedRegions: AZURE_REGIONS },
    });
  }
  return card;
}
