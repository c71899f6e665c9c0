import { z } from "zod";
import type { TerraformResource } from "../iac/types.js";
import { AtlasError, type FieldIssue } from "../lib/errors.js";
import { fromCents, roundComponents } from "./money.js";
import type { CostComponent, CostEstimate, EstimateOptions, PricingResult, RawComponent, ResourceCost, UnsupportedResource, UsageValues } from "./types.js";

/** Monthly usage figures: finite, non-negative numbers keyed by usage name. */
export const usageValuesSchema = z.record(z.string(), z.number().nonnegative());

const optionsSchema = z.object({
  region: z.string().min(1),
  usage: z.record(z.string(), usageValuesSchema).optional(),
});

/**
 * The options of an estimate, checked.
 * @throws AtlasError `VALIDATION_FAILED` naming each malformed field
 */
export function parseEstimateOptions(options: EstimateOptions): { region: string; usage: Record<string, UsageValues> } {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AtlasError("VALIDATION_FAILED", "Invalid estimate options", {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    });
  }
  return { region: parsed.data.region, usage: parsed.data.usage ?? {} };
}

/** What an estimator does with one resource: nothing (free), say why not, or price its specs `instances` times. */
export type ResourcePlan<Spec> = { kind: "free" } | { kind: "unsupported"; reason: string } | { kind: "priced"; specs: Spec[]; instances: number };

/** One cloud's part of an estimate: how it maps a resource, and how it prices one spec with a resource's usage figures. */
export interface Pricer<Spec> {
  region: string;
  priceVersion: string;
  /** how a Terraform resource maps to specs (estimates only) */
  plan?(resource: TerraformResource, ctx: { resources: readonly TerraformResource[] }): ResourcePlan<Spec>;
  price(spec: Spec, values: UsageValues): PricingResult;
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
 * The Infracost-like estimate every cloud shares: each component computed in full precision and
 * rounded to cents once; resource and grand totals are sums of those rounded cents, so every level
 * adds up exactly. Usage-based components without a figure have a null cost, are left out of the
 * totals and counted in `totalUsageBasedItems`. A resource that cannot be priced is listed in
 * `unsupported` with the reason; it never aborts the estimate.
 */
export function estimateWith<Spec>(
  resources: readonly TerraformResource[],
  usage: Readonly<Record<string, UsageValues>>,
  pricer: Required<Pricer<Spec>>,
): CostEstimate {
  const ctx = { resources };
  const priced: ResourceCost[] = [];
  const unsupported: UnsupportedResource[] = [];
  const free: string[] = [];
  let totalCents = 0;
  let usageItems = 0;

  for (const resource of [...resources].sort(byAddress)) {
    const { address, type } = resource;
    const plan = pricer.plan(resource, ctx);
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
      const result = pricer.price(spec, values);
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
    region: pricer.region,
    priceVersion: pricer.priceVersion,
    totalMonthlyCost: fromCents(totalCents),
    totalUsageBasedItems: usageItems,
    resources: priced,
    unsupported,
    free,
  };
}

/** The price of one spec, rounded the way estimates round resources. */
export interface SpecPrice<Kind extends string> {
  kind: Kind;
  region: string;
  priceVersion: string;
  /** Sum of the rounded components (USD); usage-based items without usage count as 0. */
  monthlyCost: number;
  costComponents: CostComponent[];
  /** Usage-based components left unpriced because no usage was given for them. */
  unpricedUsageItems: number;
}

function toIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => ({ path: [root, ...issue.path.map(String)].join("."), message: issue.message }));
}

/**
 * Prices one spec from its size alone, for the planner, with the arithmetic and rounding of the
 * estimates; every cloud's `price…Component` is this with its own schema and price data.
 * @throws AtlasError `VALIDATION_FAILED` for a malformed spec or usage, a region without price
 *   data, or a size the data has no rate for (`details.unpricedIn` names the region then)
 */
export function priceOneSpec<Spec extends { kind: string }>(
  schema: z.ZodType<Spec>,
  label: string,
  spec: Spec,
  usage: UsageValues,
  load: () => Pricer<Spec>,
): SpecPrice<Spec["kind"]> {
  const parsedSpec = schema.safeParse(spec);
  if (!parsedSpec.success) throw new AtlasError("VALIDATION_FAILED", `Invalid ${label}`, { issues: toIssues(parsedSpec.error, "spec") });
  const parsedUsage = usageValuesSchema.safeParse(usage);
  if (!parsedUsage.success) throw new AtlasError("VALIDATION_FAILED", "Invalid usage figures", { issues: toIssues(parsedUsage.error, "usage") });
  const pricer = load();
  const result = pricer.price(parsedSpec.data, parsedUsage.data);
  if (!result.ok) {
    // a valid spec the region's data has no rate for: callers may tell it from a malformed spec
    throw new AtlasError("VALIDATION_FAILED", result.reason, { issues: [{ path: "spec", message: result.reason }], details: { unpricedIn: pricer.region } });
  }
  const rounded = roundComponents(result.components);
  return {
    kind: parsedSpec.data.kind,
    region: pricer.region,
    priceVersion: pricer.priceVersion,
    monthlyCost: fromCents(rounded.cents),
    costComponents: rounded.components,
    unpricedUsageItems: rounded.unpricedUsageItems,
  };
}
