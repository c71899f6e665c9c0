import { z } from "zod";
import { AtlasError, type FieldIssue } from "../lib/errors.js";
import { getRegionPrices } from "./catalogue.js";
import { type ComponentKind, type ComponentSpec, componentSpecSchema } from "./component-spec.js";
import { priceSpec } from "./components/index.js";
import { fromCents, roundComponents } from "./money.js";
import type { CostComponent, UsageValues } from "./types.js";

/** Monthly usage figures: finite, non-negative numbers keyed by usage name. */
export const usageValuesSchema = z.record(z.string(), z.number().nonnegative());

/** Price of one component, rounded the same way `estimateCost` rounds resources. */
export interface ComponentPrice {
  kind: ComponentKind;
  region: string;
  priceVersion: string;
  /** Sum of the rounded components (USD); usage-based items without usage count as 0. */
  monthlyCost: number;
  costComponents: CostComponent[];
  /** Usage-based components left unpriced because no usage was given for them. */
  unpricedUsageItems: number;
}

function toIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

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
  const parsedSpec = componentSpecSchema.safeParse(spec);
  if (!parsedSpec.success) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid component spec", { issues: toIssues(parsedSpec.error, "spec") });
  }
  const parsedUsage = usageValuesSchema.safeParse(usage);
  if (!parsedUsage.success) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid usage figures", { issues: toIssues(parsedUsage.error, "usage") });
  }
  const prices = getRegionPrices(region);
  const result = priceSpec(parsedSpec.data, prices, parsedUsage.data);
  if (!result.ok) {
    // a valid spec the region's sheet has no rate for: callers may tell it from a malformed spec
    throw new AtlasError("VALIDATION_FAILED", result.reason, { issues: [{ path: "spec", message: result.reason }], details: { unpricedIn: prices.region } });
  }
  const rounded = roundComponents(result.components);
  return {
    kind: parsedSpec.data.kind,
    region: prices.region,
    priceVersion: prices.priceVersion,
    monthlyCost: fromCents(rounded.cents),
    costComponents: rounded.components,
    unpricedUsageItems: rounded.unpricedUsageItems,
  };
}
