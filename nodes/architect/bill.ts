import { type CostComponent, priceComponent } from "../../pricing/index.js";
import type { PlanComponent, PlanSpec } from "../../schemas/plan.js";
import type { Draft } from "./components.js";
import { num, type Usage } from "./usage.js";

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

/** `Name: 730 hours × $0.0225 = $16.43`: the arithmetic of one priced line (usage quantities grouped and rounded). */
function describeLine(c: CostComponent): string {
  const quantity = c.usageBased ? num(c.monthlyQuantity ?? 0) : String(c.monthlyQuantity);
  return `${c.name}: ${quantity} ${c.unit} × $${c.price} = ${dollars(cents(c.monthlyCost ?? 0))}`;
}

/** A priced draft: fixed and usage cents, the detail text, and the usage-based lines still unpriced. */
interface Priced {
  component: PlanComponent;
  fixed: number;
  usage: number;
  detail: string;
  unpriced: string[];
}

function priceDraft(draft: Draft, region: string, ids: ReadonlySet<string>, usage: Usage | undefined): Priced {
  const id = draft.component.id;
  const values = usage?.byComponent[id] ?? {};
  const specs = [...draft.specs, ...(usage?.extraSpecs[id] ?? [])];
  const lines = specs.flatMap((spec) => priceComponent(spec, region, values).costComponents);
  const priced = lines.filter((c) => c.monthlyCost !== null);
  const fixedLines = priced.filter((c) => !c.usageBased);
  const usageLines = priced.filter((c) => c.usageBased);
  const fixed = fixedLines.reduce((sum, c) => sum + cents(c.monthlyCost ?? 0), 0);
  const used = usageLines.reduce((sum, c) => sum + cents(c.monthlyCost ?? 0), 0);
  const fixedText = fixedLines.length > 0 ? fixedLines.map(describeLine).join("; ") : "no fixed monthly charge";
  const usageText = usageLines.length > 0 ? `; usage: ${usageLines.map(describeLine).join("; ")}` : "";
  const unpriced = lines.filter((c) => c.monthlyCost === null).map((c) => `${id}: ${c.name} (${c.unit}, usage-based)`);
  const component: PlanComponent = {
    ...draft.component,
    depends_on: [...new Set(draft.component.depends_on)].filter((dep) => ids.has(dep) && dep !== id).sort(),
    monthly_usd: (fixed + used) / 100,
  };
  return {
    component,
    fixed,
    usage: used,
    detail: [draft.basis, `${fixedText}${usageText}`].filter(Boolean).join(": "),
    unpriced: [...unpriced, ...draft.unpriced],
  };
}

/**
 * What the usage prices rest on: the general drivers, then the figures of each component in
 * the design that usage was given for. Nothing when no component took usage, so a bill never
 * states assumptions it did not use.
 */
function assumptionsOf(priced: readonly Priced[], usage: Usage | undefined): string[] {
  if (!usage) return [];
  const used = priced.map((p) => p.component.id).filter((id) => usage.byComponent[id] !== undefined);
  if (used.length === 0) return [];
  return [...usage.assumptions, ...used.flatMap((id) => usage.notes[id] ?? [])];
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Prices every draft with `priceComponent` for the region: the single pricing code path the
 * validator also uses on the generated Terraform. With `usage` (see `usageFor`), usage-based
 * lines are priced from the component's monthly figures and the bill separates fixed from
 * usage cents. Components and breakdown are sorted by id; dependencies on components not in
 * the design are dropped.
 */
export function priceDrafts(drafts: readonly Draft[], region: string, usage?: Usage): Bill {
  const ids = new Set(drafts.map((d) => d.component.id));
  const priced = drafts.map((draft) => priceDraft(draft, region, ids, usage));
  priced.sort((a, b) => byId(a.component, b.component));
  const fixedCents = priced.reduce((sum, p) => sum + p.fixed, 0);
  const usageCents = priced.reduce((sum, p) => sum + p.usage, 0);
  return {
    components: priced.map((p) => p.component),
    breakdown: priced.map((p) => ({
      component_id: p.component.id,
      monthly_usd: (p.fixed + p.usage) / 100,
      fixed_usd: p.fixed / 100,
      usage_usd: p.usage / 100,
      detail: p.detail,
    })),
    usageBased: [...new Set(priced.flatMap((p) => p.unpriced))].sort(),
    totalCents: fixedCents + usageCents,
    fixedCents,
    usageCents,
    assumptions: assumptionsOf(priced, usage),
  };
}
