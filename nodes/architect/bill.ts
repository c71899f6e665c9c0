import { type ComponentPrice, priceComponent } from "../../pricing/index.js";
import type { PlanComponent, PlanSpec } from "../../schemas/plan.js";
import type { Draft } from "./components.js";

type Breakdown = PlanSpec["cost"]["breakdown"];

/** Priced components, their breakdown and the total, all built from whole cents. */
export interface Bill {
  components: PlanComponent[];
  breakdown: Breakdown;
  usageBased: string[];
  totalCents: number;
  /** the part of the total that runs whatever the traffic */
  fixedCents: number;
  /** the part priced from the goal's usage drivers */
  usageCents: number;
  /** what the usage prices assume, and where each figure came from */
  assumptions: string[];
}

/** USD (already rounded to cents by the pricing module) to integer cents. */
export function cents(usd: number): number {
  return Math.round(Number((usd * 100).toPrecision(12)));
}

/** Cents to a `$1,234.56` string. */
export function dollars(amountCents: number): string {
  const sign = amountCents < 0 ? "-" : "";
  const abs = Math.abs(amountCents);
  // Grouped by hand: the output must not depend on the host's locale data.
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${whole}.${String(abs % 100).padStart(2, "0")}`;
}

function describe(price: ComponentPrice): string[] {
  return price.costComponents
    .filter((c) => c.monthlyCost !== null)
    .map((c) => `${c.name}: ${c.monthlyQuantity} ${c.unit} × $${c.price} = ${dollars(cents(c.monthlyCost ?? 0))}`);
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Prices every draft with `priceComponent` for the region: the single pricing code path the
 * validator also uses on the generated Terraform. Components and breakdown are sorted by id;
 * dependencies on components not in the design are dropped.
 */
export function priceDrafts(drafts: readonly Draft[], region: string): Bill {
  const ids = new Set(drafts.map((d) => d.component.id));
  const priced = drafts.map((draft) => {
    const prices = draft.specs.map((spec) => priceComponent(spec, region));
    const componentCents = prices.reduce((sum, p) => sum + cents(p.monthlyCost), 0);
    const lines = prices.flatMap(describe);
    const usage = prices.flatMap((p) =>
      p.costComponents.filter((c) => c.monthlyCost === null).map((c) => `${draft.component.id}: ${c.name} (${c.unit}, usage-based)`),
    );
    const detail = [draft.basis, lines.length > 0 ? lines.join("; ") : "no fixed monthly charge"].filter(Boolean).join(": ");
    const component: PlanComponent = {
      ...draft.component,
      depends_on: [...new Set(draft.component.depends_on)].filter((id) => ids.has(id) && id !== draft.component.id).sort(),
      monthly_usd: componentCents / 100,
    };
    return { component, cents: componentCents, detail, usage: [...usage, ...draft.unpriced] };
  });
  priced.sort((a, b) => byId(a.component, b.component));
  return {
    components: priced.map((p) => p.component),
    breakdown: priced.map((p) => ({ component_id: p.component.id, monthly_usd: p.cents / 100, fixed_usd: p.cents / 100, usage_usd: 0, detail: p.detail })),
    usageBased: [...new Set(priced.flatMap((p) => p.usage))].sort(),
    totalCents: priced.reduce((sum, p) => sum + p.cents, 0),
    fixedCents: priced.reduce((sum, p) => sum + p.cents, 0),
    usageCents: 0,
    assumptions: [],
  };
}
