import { HOURS_PER_MONTH } from "../catalogue.js";
import type { PricingResult, RawComponent } from "../types.js";

/** A successful pricing. */
export function ok(components: RawComponent[]): PricingResult {
  return { ok: true, components };
}

/** A pricing that cannot be done, with the reason a reader should see. */
export function fail(reason: string): PricingResult {
  return { ok: false, reason };
}

/** An item billed by the hour: `units` of it run `hours` a month (by default all month, 730 hours). */
export function hourly(name: string, price: number, units: number, unit = "hours", hours = HOURS_PER_MONTH): RawComponent {
  return {
    name,
    unit,
    hourlyQuantity: units,
    monthlyQuantity: units * hours,
    price,
    usageBased: false,
  };
}

/** An item billed per month for a quantity fixed by configuration. */
export function monthly(name: string, unit: string, price: number, quantity: number): RawComponent {
  return { name, unit, monthlyQuantity: quantity, price, usageBased: false };
}

/**
 * An item whose quantity depends on traffic or data. `value` is the caller's monthly figure
 * in base units (requests, GB); `per` converts it to the priced unit (1e6 for `1M requests`).
 * Without a figure the quantity, and so the cost, stays unknown.
 */
export function usage(name: string, unit: string, price: number, value: number | undefined, per = 1): RawComponent {
  return { name, unit, monthlyQuantity: value === undefined ? null : value / per, price, usageBased: true };
}

/** A derived unit price without floating-point noise (e.g. a Valkey discount). */
export function tidyPrice(price: number): number {
  return Number(price.toPrecision(12));
}

/** A rate from a price table, or undefined; own keys only, so "constructor" is not a price. */
export function lookup(table: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
