import { z } from "zod";
import type { TerraformResource } from "../../iac/types.js";
import { AtlasError } from "../../lib/errors.js";
import { fromCents, roundComponents } from "../money.js";
import type { CostEstimate, RawComponent, ResourceCost, UnsupportedResource, UsageValues } from "../types.js";
import { getGcpRates } from "./catalogue.js";
import { gcpUsageValuesSchema, priceGcpSpec } from "./price.js";
import { planGcpResource } from "./terraform.js";

/** Options of `estimateGcp`. */
export interface GcpEstimateOptions {
  /** Google Cloud region whose rate card to use, e.g. `us-central1`. */
  region: string;
  /** Monthly usage per resource address, e.g. `{ "google_compute_router_nat.main": { monthly_data_processed_gb: 500 } }`. */
  usage?: Record<string, UsageValues>;
}

const optionsSchema = z.object({
  region: z.string().min(1),
  usage: z.record(z.string(), gcpUsageValuesSchema).optional(),
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
 * The usage figures for one resource instance, as Infracost's usage file gives them: the exact
 * address, else the wildcard over its instances (`google_pubsub_topic.events[*]`), else the
 * address without an index. (Kept here rather than imported from `pricing/estimate.ts`, so that
 * module can import this one without a cycle.)
 */
function usageFor(usage: Readonly<Record<string, UsageValues>>, address: string): UsageValues {
  const base = address.replace(/\[(?:\d+|"(?:[^"\\]|\\.)*")\]$/, "");
  for (const key of [address, `${base}[*]`, base]) if (Object.hasOwn(usage, key)) return usage[key] ?? {};
  return {};
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
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid estimate options", {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  const card = getGcpRates(parsed.data.region);
  const usage = parsed.data.usage ?? {};
  const ctx = { resources };
  const priced: ResourceCost[] = [];
  const unsupported: UnsupportedResource[] = [];
  const free: string[] = [];
  let totalCents = 0;
  let usageItems = 0;

  for (const resource of [...resources].sort(byAddress)) {
    const { address, type } = resource;
    const plan = planGcpResource(resource, ctx);
    if (plan.kind === "free") {
      free.push(address);
      continue;
    }
    if (plan.kind === "unsupported") {
      unsupported.push({ address, type, reason: plan.reason });
      continue;
    }
    const values = usageFor(usage, address);
    const raw: RawComponent[] = [];
    let failure: string | undefined;
    for (const spec of plan.specs) {
      const result = priceGcpSpec(spec, card, values);
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
    priced.push({ address, type, file: resource.file, line: resource.line, monthlyCost: fromCents(rounded.cents), costComponents: rounded.components });
  }

  return {
    currency: "USD",
    region: card.region,
    priceVersion: card.priceVersion,
    totalMonthlyCost: fromCents(totalCents),
    totalUsageBasedItems: usageItems,
    resources: priced,
    unsupported,
    free,
  };
}
