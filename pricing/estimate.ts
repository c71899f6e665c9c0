import { z } from "zod";
import type { TerraformResource } from "../iac/types.js";
import { AtlasError } from "../lib/errors.js";
import { estimateAzure } from "./azure/estimate.js";
import { getRegionPrices } from "./catalogue.js";
import { cloudOfRegion } from "./clouds.js";
import { priceSpec } from "./components/index.js";
import { estimateGcp } from "./gcp/estimate.js";
import { fromCents, roundComponents } from "./money.js";
import { usageValuesSchema } from "./price-component.js";
import { planResource } from "./terraform/index.js";
import type { CostEstimate, EstimateOptions, RawComponent, ResourceCost, UnsupportedResource, UsageValues } from "./types.js";

const optionsSchema = z.object({
  region: z.string().min(1),
  usage: z.record(z.string(), usageValuesSchema).optional(),
});

function byAddress<T extends { address: string }>(a: T, b: T): number {
  // Code-unit order, so the result does not depend on the machine's locale.
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/** Multiplies configuration-based quantities by `count`/`for_each`; usage figures are per address already. */
function scale(components: RawComponent[], instances: number): RawComponent[] {
  if (instances === 1) return components;
  return components.map((c) =>
    c.usageBased || c.monthlyQuantity === null
      ? c
      : {
          ...c,
          ...(c.hourlyQuantity === undefined ? {} : { hourlyQuantity: c.hourlyQuantity * instances }),
          monthlyQuantity: c.monthlyQuantity * instances,
        },
  );
}

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
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid estimate options", {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  // Azure and Google Cloud regions have their own rate cards and resource mappings
  const cloud = cloudOfRegion(parsed.data.region);
  if (cloud === "azure") return estimateAzure(resources, { region: parsed.data.region, ...(parsed.data.usage ? { usage: parsed.data.usage } : {}) });
  if (cloud === "gcp") return estimateGcp(resources, { region: parsed.data.region, ...(parsed.data.usage ? { usage: parsed.data.usage } : {}) });
  const prices = getRegionPrices(parsed.data.region);
  const usage = parsed.data.usage ?? {};
  const ctx = { resources };
  const priced: ResourceCost[] = [];
  const unsupported: UnsupportedResource[] = [];
  const free: string[] = [];
  let totalCents = 0;
  let usageItems = 0;

  for (const resource of [...resources].sort(byAddress)) {
    const { address, type } = resource;
    const plan = planResource(resource, ctx);
    if (plan.kind === "free") {
      free.push(address);
      continue;
    }
    if (plan.kind === "unsupported") {
      unsupported.push({ address, type, reason: plan.reason });
      continue;
    }
    const values: UsageValues = usageFor(usage, address);
    const raw: RawComponent[] = [];
    let failure: string | undefined;
    for (const spec of plan.specs) {
      const result = priceSpec(spec, prices, values);
      if (!result.ok) {
        failure = result.reason;
        break;
      }
      raw.push(...result.components);
    }
    if (failure !== undefined) {
      unsupported.push({ address, type, reason: failure });
      continue;
    }
    const rounded = roundComponents(scale(raw, plan.instances));
    totalCents += rounded.cents;
    usageItems += rounded.unpricedUsageItems;
    priced.push({
      address,
      type,
      file: resource.file,
      line: resource.line,
      monthlyCost: fromCents(rounded.cents),
      costComponents: rounded.components,
    });
  }

  return {
    currency: "USD",
    region: prices.region,
    priceVersion: prices.priceVersion,
    totalMonthlyCost: fromCents(totalCents),
    totalUsageBasedItems: usageItems,
    resources: priced,
    unsupported,
    free,
  };
}

/**
 * The usage figures for one resource instance, as Infracost's usage file gives them: the exact
 * address (`aws_nat_gateway.main[0]`), else the wildcard over its instances
 * (`aws_nat_gateway.main[*]`), else the resource's address without an index.
 */
export function usageFor(usage: Readonly<Record<string, UsageValues>>, address: string): UsageValues {
  const base = address.replace(/\[(?:\d+|"(?:[^"\\]|\\.)*")\]$/, "");
  for (const key of [address, `${base}[*]`, base]) if (Object.hasOwn(usage, key)) return usage[key] ?? {};
  return {};
}
