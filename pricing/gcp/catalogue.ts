import { AtlasError } from "../../lib/errors.js";
import europeWest1 from "../data/gcp/europe-west1.json" with { type: "json" };
import usCentral1 from "../data/gcp/us-central1.json" with { type: "json" };
import { type RateCard, rateCardSchema } from "../rate-card.js";

// Parsed once at load: a malformed card should fail every import, not one estimate.
const cards: ReadonlyMap<string, RateCard> = new Map(
  [usCentral1, europeWest1].map((raw) => {
    const card = rateCardSchema.parse(raw);
    if (card.cloud !== "gcp") throw new Error(`pricing/data/gcp/${card.region}.json is not a Google Cloud card`);
    return [card.region, card] as const;
  }),
);

/** Google Cloud regions with a rate card, sorted. */
export const GCP_REGIONS: readonly string[] = [...cards.keys()].sort();

/**
 * The Google Cloud rate card for `region` (`us-central1`).
 * @throws AtlasError `VALIDATION_FAILED` naming the supported regions when there is none.
 */
export function getGcpRates(region: string): RateCard {
  const card = cards.get(region);
  if (!card) {
    throw new AtlasError("VALIDATION_FAILED", `No Google Cloud rate card for region "${region}"; supported regions: ${GCP_REGIONS.join(", ")}`, {
      issues: [{ path: "region", message: `unsupported Google Cloud region "${region}"` }],
      details: { supportedRegions: GCP_REGIONS },
    });
  }
  return card;
}
