import { AtlasError } from "../lib/errors.js";
import { fromCents, toCents } from "./money.js";
import type { CostEstimate, ResourceCost } from "./types.js";

/** Percentage of the cap from which a budget check warns. */
export const BUDGET_WARN_PERCENT = 80;

/** OK below 80 % of the cap, WARN from 80 % up to and including 100 %, OVER above. */
export type BudgetStatus = "OK" | "WARN" | "OVER";

/** Result of comparing an estimate with a monthly cap. */
export interface BudgetCheck {
  status: BudgetStatus;
  /** The cap, USD per month. */
  cap: number;
  /** The estimate's total, USD per month. */
  total: number;
  /** total ÷ cap. */
  ratio: number;
  message: string;
}

/** A finding in the shape the validator's other checks report. */
export interface CostFinding {
  rule_id: "COST_BUDGET_WARN" | "COST_BUDGET_EXCEEDED";
  severity: "medium" | "high";
  resource: "*";
  file: "";
  line: null;
  message: string;
  remediation: string;
  aliases: string[];
}

/** The parts of an estimate a budget check reads. */
export type BudgetInput = Pick<CostEstimate, "totalMonthlyCost"> &
  Partial<Pick<CostEstimate, "totalUsageBasedItems">> & {
    resources?: readonly Pick<ResourceCost, "address" | "monthlyCost">[];
    /** resources left out of the total because they could not be priced */
    unpricedResources?: number;
  };

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/**
 * Compares an estimate's monthly total with a cap. Thresholds are compared in whole cents,
 * so exactly 80 % warns and exactly 100 % is still within budget.
 * @throws AtlasError `VALIDATION_FAILED` when the cap is not a positive amount of at least one cent
 */
export function checkBudget(estimate: BudgetInput, monthlyCap: number): BudgetCheck {
  const capCents = Number.isFinite(monthlyCap) ? toCents(monthlyCap) : 0;
  if (capCents <= 0) {
    throw new AtlasError("VALIDATION_FAILED", `Monthly cap must be a positive amount, got ${monthlyCap}`, {
      issues: [{ path: "monthlyCap", message: "must be at least 0.01" }],
    });
  }
  const totalCents = toCents(estimate.totalMonthlyCost);
  // Integer cents on both sides: no floating-point doubt at exactly 80 % or 100 %.
  const warns = totalCents * 100 >= capCents * BUDGET_WARN_PERCENT;
  const status: BudgetStatus = totalCents > capCents ? "OVER" : warns ? "WARN" : "OK";
  const cap = fromCents(capCents);
  const total = fromCents(totalCents);
  const ratio = Number((totalCents / capCents).toPrecision(12));
  const percent = `${(ratio * 100).toFixed(2)}%`;
  const head =
    status === "OVER"
      ? `Estimated ${usd.format(total)}/month exceeds the ${usd.format(cap)} monthly budget by ${usd.format(fromCents(totalCents - capCents))} (${percent}).`
      : status === "WARN"
        ? `Estimated ${usd.format(total)}/month is ${percent} of the ${usd.format(cap)} monthly budget (warning from ${BUDGET_WARN_PERCENT}%).`
        : `Estimated ${usd.format(total)}/month is ${percent} of the ${usd.format(cap)} monthly budget.`;
  const unpriced = estimate.totalUsageBasedItems ?? 0;
  const tail = unpriced > 0 ? ` ${unpriced} usage-based item(s) without usage figures are not included.` : "";
  const missing = estimate.unpricedResources ?? 0;
  // an unpriced resource is not $0: say the total is a lower bound
  const unknown = missing > 0 ? ` ${missing} resource(s) could not be priced and are not included: the real total is higher.` : "";
  return { status, cap, total, ratio, message: head + tail + unknown };
}

function largestResources(estimate: BudgetInput): string {
  const top = [...(estimate.resources ?? [])]
    .sort((a, b) => b.monthlyCost - a.monthlyCost || (a.address < b.address ? -1 : 1))
    .slice(0, 3)
    .filter((r) => r.monthlyCost > 0);
  if (top.length === 0) return "";
  return ` Largest items: ${top.map((r) => `${r.address} (${usd.format(r.monthlyCost)})`).join(", ")}.`;
}

/**
 * Budget findings for the validator: none when OK, a medium `COST_BUDGET_WARN` from 80 %
 * of the cap, a high `COST_BUDGET_EXCEEDED` above it.
 * @throws AtlasError `VALIDATION_FAILED` for a cap that is not positive (see `checkBudget`)
 */
export function budgetFindings(estimate: BudgetInput, monthlyCap: number): CostFinding[] {
  const check = checkBudget(estimate, monthlyCap);
  if (check.status === "OK") return [];
  const over = check.status === "OVER";
  return [
    {
      rule_id: over ? "COST_BUDGET_EXCEEDED" : "COST_BUDGET_WARN",
      severity: over ? "high" : "medium",
      resource: "*",
      file: "",
      line: null,
      message: check.message,
      remediation:
        "Right-size the largest items (smaller or Graviton instance classes, fewer nodes or tasks), " +
        "keep Multi-AZ and extra NAT gateways for production, or raise the cap if the spend is intended." +
        largestResources(estimate),
      aliases: [],
    },
  ];
}
