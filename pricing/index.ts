/**
 * Static AWS cost estimation from public on-demand list prices: `estimateCost` for
 * Terraform resources, `priceComponent` for the planner, `checkBudget`/`budgetFindings`
 * for caps. All three share one price sheet and one rounding rule.
 */
export { type BudgetCheck, type BudgetStatus, budgetFindings, type CostFinding, checkBudget } from "./budget.js";
export { getRegionPrices, HOURS_PER_MONTH, type RegionPrices, SUPPORTED_REGIONS } from "./catalogue.js";
export { type ComponentKind, type ComponentSpec, componentSpecSchema, USAGE_KEYS } from "./component-spec.js";
export { estimateCost } from "./estimate.js";
export { type ComponentPrice, priceComponent } from "./price-component.js";
export { DAYS_PER_MONTH, type ScheduleRuns, scheduleRuns } from "./schedule.js";
export { DEFAULT_RUN_MINUTES, RUN_MINUTES_TAG, STORAGE_GB_TAG } from "./terraform/usage-tags.js";
export type {
  CostComponent,
  CostEstimate,
  EstimateOptions,
  ResourceCost,
  UnsupportedResource,
  UsageValues,
} from "./types.js";
