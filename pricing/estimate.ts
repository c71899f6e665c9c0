import type { TerraformResource } from "../iac/types.js";
import { estimateAzure } from "./azure/estimate.js";
import { getRegionPrices } from "./catalogue.js";
import { cloudOfRegion } from "./clouds.js";
import { priceSpec } from "./components/index.js";
import { estimateGcp } from "./gcp/estimate.js";
import { estimateWith, parseEstimateOptions } from "./pricer.js";
import { planResource } from "./terraform/index.js";
import type { CostEstimate, EstimateOptions } from "./types.js";

/**
 * Estimates the monthly on-demand cost of Terraform resources, Infracost-style.
 *
 * Each component is computed in full precision and rounded to cents once; resource and
 * grand totals are sums of those rounded cents, so every level adds up exactly. Usage-based
 * components without a figure in `options.usage` have a null cost, are left out of the
 * totals and are counted in `totalUsageBasedItems`.
 *
 * A resource that cannot be priced (unknown instance type, value only known at plan time,
 * unmapped type) is listed in `unsupported` with the reason; it never aborts the estimate.
 *
 * @throws AtlasError `VALIDATION_FAILED` for a region without a price sheet (the message
 *   lists the supported ones) or malformed usage figures
 */
export function estimateCost(resources: readonly TerraformResource[], options: EstimateOptions): CostEstimate {
  const { region, usage } = parseEstimateOptions(options);
  // Azure and Google Cloud regions have their own rate cards and resource mappings
  const cloud = cloudOfRegion(region);
  if (cloud === "azure") return estimateAzure(resources, { region, usage });
  if (cloud === "gcp") return estimateGcp(resources, { region, usage });
  const prices = getRegionPrices(region);
  return estimateWith(resources, usage, {
    region: prices.region,
    priceVersion: prices.priceVersion,
    plan: planResource,
    price: (spec, values) => priceSpec(spec, prices, values),
  });
}

export { usageFor } from "./pricer.js";
