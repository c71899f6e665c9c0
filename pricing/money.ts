import type { CostComponent, RawComponent } from "./types.js";

/**
 * USD to whole cents, half-up. Going through 12 significant digits first removes binary
 * noise (0.045 × 730 is 32.849999…), so a value that is .5 of a cent on paper rounds up.
 */
export function toCents(usd: number): number {
  return Math.round(Number((usd * 100).toPrecision(12)));
}

/** Whole cents back to USD. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** A quantity for display, without floating-point noise. */
export function tidyQuantity(quantity: number): number {
  return Number(quantity.toPrecision(12));
}

/** Components rounded for output, with their total. */
export interface RoundedComponents {
  components: CostComponent[];
  /** Sum of the rounded components, in cents: the one figure totals are built from. */
  cents: number;
  /** Usage-based components with no usage, left out of `cents`. */
  unpricedUsageItems: number;
}

/**
 * Rounds each component's full-precision cost (quantity × price) to cents once, and sums
 * the rounded figures in integer cents, so the parts always add up to the whole.
 */
export function roundComponents(raw: readonly RawComponent[]): RoundedComponents {
  let cents = 0;
  let unpricedUsageItems = 0;
  const components = raw.map((item): CostComponent => {
    const itemCents = item.monthlyQuantity === null ? null : toCents(item.monthlyQuantity * item.price);
    if (itemCents === null) {
      if (item.usageBased) unpricedUsageItems += 1;
    } else {
      cents += itemCents;
    }
    return {
      name: item.name,
      unit: item.unit,
      ...(item.hourlyQuantity === undefined ? {} : { hourlyQuantity: tidyQuantity(item.hourlyQuantity) }),
      monthlyQuantity: item.monthlyQuantity === null ? null : tidyQuantity(item.monthlyQuantity),
      price: item.price,
      monthlyCost: itemCents === null ? null : fromCents(itemCents),
      usageBased: item.usageBased,
    };
  });
  return { components, cents, unpricedUsageItems };
}
