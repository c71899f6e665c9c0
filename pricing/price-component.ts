import { getRegionPrices } from "./catalogue.js";
import { type ComponentKind, type ComponentSpec, componentSpecSchema } from "./component-spec.js";
import { priceSpec } from "./components/index.js";
import { priceOneSpec, type SpecPrice, usageValuesSchema } from "./pricer.js";
import type { UsageValues } from "./types.js";

export { usageValuesSchema };

/** Price of one component, rounded the same way `estimateCost` rounds resources. */
export type ComponentPrice = SpecPrice<ComponentKind>;

/**
 * Prices a component from its size alone, for the planner, before any Terraform exists.
 * Uses the same arithmetic and rounding as `estimateCost`.
 *
 * @example priceComponent({ kind: "rds", engine: "postgres", instanceClass: "db.m6i.large", multiAz: true, storageGb: 100, storageType: "gp3" }, "us-east-1")
 * @param usage monthly usage figures for usage-based items; keys per kind in `USAGE_KEYS`
 * @throws AtlasError `VALIDATION_FAILED` for a malformed spec or usage, an unsupported
 *   region, or a size the price sheet does not list (the message says which; `details.unpricedIn`
 *   names the region then)
 */
export function priceComponent(spec: ComponentSpec, region: string, usage: UsageValues = {}): ComponentPrice {
  return priceOneSpec(componentSpecSchema, "component spec", spec, usage, () => {
    const prices = getRegionPrices(region);
    return { region: prices.region, priceVersion: prices.priceVersion, price: (parsed, values) => priceSpec(parsed, prices, values) };
  });
}
