import type { TerraformResource } from "../iac/types.js";
import type { CostSection, Finding } from "../schemas/reports.js";
import { checkBudget } from "./budget.js";
import { ALL_PRICED_REGIONS, PRICED_REGIONS, planAnyResource } from "./clouds.js";
import { estimateCost } from "./estimate.js";
import { fromCents, toCents } from "./money.js";
import { usageOnlyNote } from "./terraform/free.js";
import type { CostEstimate, UsageValues } from "./types.js";

/** What a cost report is computed from. */
export interface CostSectionOptions {
  region: string;
  /** monthly usage per resource address (an Infracost usage file's `resource_usage`) */
  usage?: Record<string, UsageValues> | undefined;
  /** the monthly cap; null or undefined for none */
  budgetUsd?: number | null | undefined;
  /** accept an incomplete total under a budget instead of failing */
  allowUnpriced?: boolean | undefined;
}

/** Every resource that is neither free nor usage-only, unpriced because the region has no price sheet. */
function regionWithoutPrices(resources: readonly TerraformResource[], region: string): CostEstimate {
  const ctx = { resources };
  const unsupported = resources
    .filter((resource) => planAnyResource(resource, ctx).kind !== "free")
    .map(({ address, type }) => ({
      address,
      type,
      reason: `no price sheet for region ${region} (priced: aws ${PRICED_REGIONS.aws.join(", ")}; azure ${PRICED_REGIONS.azure.join(", ")}; gcp ${PRICED_REGIONS.gcp.join(", ")})`,
    }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const free = resources.filter((resource) => planAnyResource(resource, ctx).kind === "free").map((r) => r.address);
  return { currency: "USD", region, priceVersion: "", totalMonthlyCost: 0, totalUsageBasedItems: 0, resources: [], unsupported, free };
}

/**
 * The cost section of a validation report: totals split into fixed and usage-priced parts,
 * one line per priced resource, what could not be priced and why, and what that does to the
 * status under a budget. A region without a price sheet does not throw: everything that costs
 * something is listed as unpriced, so the report still says what it could not price.
 * @throws AtlasError `VALIDATION_FAILED` for a budget below one cent or malformed usage figures
 */
export function costSection(resources: readonly TerraformResource[], options: CostSectionOptions): CostSection {
  const hasSheet = ALL_PRICED_REGIONS.includes(options.region);
  const estimate = hasSheet
    ? estimateCost(resources, { region: options.region, ...(options.usage ? { usage: options.usage } : {}) })
    : regionWithoutPrices(resources, options.region);
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const lines = estimate.resources.map((resource) => {
    // components are rounded to cents already: sum cents so fixed + usage = the resource's total exactly
    let usageCents = 0;
    for (const component of resource.costComponents) if (component.usageBased) usageCents += toCents(component.monthlyCost ?? 0);
    const totalCents = toCents(resource.monthlyCost);
    return {
      address: resource.address,
      type: resource.type,
      monthly_usd: resource.monthlyCost,
      fixed_usd: fromCents(totalCents - usageCents),
      usage_usd: fromCents(usageCents),
    };
  });
  const usageOnly = estimate.free.flatMap((address) => {
    const type = byAddress.get(address)?.type ?? "";
    const note = usageOnlyNote(type);
    return note === undefined ? [] : [{ address, type, note }];
  });
  const usageCents = lines.reduce((sum, line) => sum + toCents(line.usage_usd), 0);
  const totalCents = toCents(estimate.totalMonthlyCost);
  const budget = options.budgetUsd ?? null;
  const status = budget === null ? null : checkBudget(estimate, budget).status;
  const allow = options.allowUnpriced === true;
  const unpricedGate = estimate.unsupported.length === 0 ? "none" : budget === null ? "no_budget" : allow ? "allowed" : "fail";
  return {
    region: options.region,
    price_version: hasSheet ? estimate.priceVersion : null,
    monthly_total_usd: estimate.totalMonthlyCost,
    fixed_monthly_usd: fromCents(totalCents - usageCents),
    usage_monthly_usd: fromCents(usageCents),
    budget_usd: budget,
    status,
    resources: lines,
    unpriced: estimate.unsupported.map(({ address, type, reason }) => ({ address, type, reason })),
    usage_only: usageOnly,
    usage_based_items: estimate.totalUsageBasedItems + usageOnly.length,
    allow_unpriced: allow,
    unpriced_gate: unpricedGate,
  };
}

/**
 * One `COST_UNPRICED` finding per resource the report could not price: its cost is missing
 * from the total, so a budget check on that total would be wrong by an unknown amount.
 */
export function unpricedFindings(section: CostSection, resources: readonly TerraformResource[], severity: Finding["severity"] = "medium"): Finding[] {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const gate =
    section.unpriced_gate === "fail"
      ? " The budget check FAILs while anything is unpriced; allow_unpriced (--allow-unpriced) accepts an incomplete total."
      : section.unpriced_gate === "allowed"
        ? " allow_unpriced is set: the budget check ignores this resource."
        : "";
  return section.unpriced.map((item) => ({
    rule_id: "COST_UNPRICED",
    aliases: [],
    severity,
    resource: item.address,
    file: byAddress.get(item.address)?.file ?? "",
    line: byAddress.get(item.address)?.line ?? null,
    message: `No price for ${item.type}: ${item.reason}. It is not in the $${section.monthly_total_usd.toFixed(2)}/month total.${gate}`,
    remediation:
      "Check the type and its sizing attributes (instance class, node type, engine), supply a usage file for usage-based items, " +
      "or accept the incomplete total with allow_unpriced when the budget check should ignore it.",
  }));
}
