import type { TerraformResource } from "../../iac/types.js";
import { estimateWith, parseEstimateOptions } from "../pricer.js";
import type { CostEstimate, UsageValues } from "../types.js";
import { getAzureRates } from "./catalogue.js";
import { priceAzureSpec } from "./price.js";
import { planAzureResource } from "./terraform.js";

/** Options for `estimateAzure`. */
export interface AzureEstimateOptions {
  /** Azure region whose rate card to use, e.g. `westeurope`. */
  region: string;
  /** Monthly usage per resource address, e.g. `{ "azurerm_nat_gateway.main": { monthly_data_processed_gb: 500 } }`. */
  usage?: Record<string, UsageValues>;
}

/**
 * Estimates the monthly pay-as-you-go cost of azurerm Terraform resources, with the same contract
 * as `estimateCost` for AWS: each line rounded to cents once, totals summed in cents; usage-based
 * lines without a figure have a null cost and are counted in `totalUsageBasedItems`; a resource
 * that cannot be priced (unknown size, value known only at plan time, unmapped type) is listed in
 * `unsupported` with the reason and never aborts the estimate; free resources are listed by address.
 *
 * @throws AtlasError `VALIDATION_FAILED` for a region without an Azure rate card (the message
 *   lists the supported ones) or malformed usage figures
 */
export function estimateAzure(resources: readonly TerraformResource[], options: AzureEstimateOptions): CostEstimate {
  const { region, usage } = parseEstimateOptions(options);
  const card = getAzureRates(region);
  return estimateWith(resources, usage, {
    region: card.region,
    priceVersion: card.priceVersion,
    plan: planAzureResource,
    price: (spec, values) => priceAzureSpec(spec, card, values),
  });
}
