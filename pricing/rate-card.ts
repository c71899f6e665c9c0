import { z } from "zod";
import { HOURS_PER_MONTH } from "./catalogue.js";

/**
 * One region's list prices for Azure or Google Cloud, as a flat card of rates keyed by Atlas's
 * own names (`postgres-flexible.GP_Standard_D2ds_v5.hour`, `cloud-run.instance.vcpu-second`). Each
 * cloud's refresh command builds the card from the provider's public price list (Azure Retail
 * Prices API, Google Cloud Billing Catalog) by matching each key to one meter or SKU; the key list
 * and the matchers live with the cloud (`pricing/azure/rates.ts`, `pricing/gcp/rates.ts`).
 */
export const rateCardSchema = z
  .object({
    cloud: z.enum(["azure", "gcp"]),
    /** the provider's region name: `westeurope`, `europe-west1` */
    region: z.string().min(1),
    currency: z.literal("USD"),
    /** identifies the card, echoed in every estimate */
    priceVersion: z.string().min(1),
    /** date the figures were read (ISO) */
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** where the figures come from and what they exclude (free tiers, discounts) */
    source: z.string().min(1),
    hoursPerMonth: z.literal(HOURS_PER_MONTH),
    /** USD per unit; the unit is in the key's last segment (`hour`, `gb-month`, `million-requests`, ...) */
    rates: z.record(z.string().min(1), z.number().nonnegative()),
  })
  .strict();

export type RateCard = z.infer<typeof rateCardSchema>;
