import type { TerraformResource } from "../../iac/types.js";
import { estimateWith, parseEstimateOptions } from "../pricer.js";
import type { CostEstimate, UsageValues } from "../types.js";
import { getGcpRates } from "./catalogue.js";
import { priceGcpSpec } from "./price.js";
import { planGcpResource } from "./terraform.js";

/** Options of `estimateGcp`. */
export interface GcpEstimateOptions {
  /** Google Cloud region whose rate card to use, e.g. `us-central1`. */
  region: string;
  /** Monthly usage per resource address, e.g. `{ "google_compute_router_nat.main": { monthly_data_processed_gb: 500 } }`. */
  usage?: Record<string, UsageValues>;
}

/**
 * Estimates the monthly list-price cost of Google Cloud Terraform resources, with the same
 * contract as `estimateCost` for AWS: each component rounded to cents once, totals summed in
 * cents; usage-based components without a figure have a null cost and are counted in
 * `totalUsageBasedItems`; a resource that cannot be priced is listed in `unsupported` with the
 * reason (never $0); resources that cost nothing by themselves are listed in `free`.
 *
 * @throws AtlasError `VALIDATION_FAILED` for a region without a rate card (the message lists the
 *   supported ones) or malformed usage figures
 */
export function estimateGcp(resources: readonly TerraformResource[], options: GcpEstimateOptions): CostEstimate {
  const { region, usage } = parseEstimateOptions(options);
  const card = getGcpRates(region);
  return estimateWith(resources, usage, {
    region: card.region,
    priceVersion: card.priceVersion,
    plan: planGcpResource,
    price: (spec, values) => priceGcpSpec(spec, card, values),
  });
}
