import type { workloadTypes } from "../../../schemas/goal.js";

/**
 * The four facts a plan cannot be made without. When a prompt does not state one, it is asked
 * for, and a default (with the rule that chose it) stands in until the user answers.
 */
export const decidingPaths = ["environment", "workload.type", "slo.availability", "budget.monthly_usd"] as const;
export type DecidingPath = (typeof decidingPaths)[number];

type WorkloadType = (typeof workloadTypes)[number];

/** A default and why it was chosen. */
export interface DefaultValue {
  value: string | number;
  why: string;
}

/** Monthly base by environment for the budget default (USD): a small dev stack, a modest staging one, a production one. */
const BUDGET_BASE: Record<string, number> = { dev: 100, staging: 300, prod: 1000 };

/**
 * The default of a deciding path, from what is known (read or already defaulted) in `known`
 * (keyed by field path). Deciding paths are defaulted in `decidingPaths` order, so the budget
 * rule sees the environment and availability it will be planned with.
 *
 * - environment: "dev", the cheapest; a production design is a choice to state, not assume.
 * - workload.type: the first kind the prompt named when it named several, else "web-api" (the most common goal).
 * - slo.availability: 99.9 in prod, 99.5 elsewhere (one instance per tier meets 99.5; prod is expected to span zones).
 * - budget.monthly_usd: base by environment (dev 100, staging 300, prod 1000) × (1 + peak rate / 500
 *   per second, requests or messages) × (1 + data GiB / 1000) × 2 when availability is 99.99 or
 *   above, rounded up to a multiple of 50.
 */
export function defaultFor(path: DecidingPath, known: ReadonlyMap<string, unknown>, kindCandidates: readonly WorkloadType[] = []): DefaultValue {
  switch (path) {
    case "environment":
      return { value: "dev", why: "dev is the cheapest environment; a production design should be asked for, not assumed" };
    case "workload.type": {
      const first = kindCandidates[0];
      if (first && kindCandidates.length > 1)
        return { value: first, why: `the prompt names several kinds (${kindCandidates.join(", ")}); the first named is assumed` };
      return { value: "web-api", why: "an HTTP API is the most common goal; nothing in the prompt names the kind" };
    }
    case "slo.availability": {
      const prod = known.get("environment") === "prod";
      return prod
        ? { value: 99.9, why: "99.9 % is the usual production objective (a multi-zone design meets it)" }
        : { value: 99.5, why: "99.5 % suits a non-production environment (single-instance tiers meet it)" };
    }
    case "budget.monthly_usd":
      return budgetDefault(known);
  }
}

function budgetDefault(known: ReadonlyMap<string, unknown>): DefaultValue {
  const environment = String(known.get("environment") ?? "dev");
  const base = BUDGET_BASE[environment] ?? (BUDGET_BASE.dev as number);
  const rate = Math.max(numberOf(known.get("workload.requests_per_second")), numberOf(known.get("workload.messages_per_second")));
  const data = numberOf(known.get("workload.data_size_gb"));
  const availability = numberOf(known.get("slo.availability"));
  const raw = base * (1 + rate / 500) * (1 + data / 1000) * (availability >= 99.99 ? 2 : 1);
  const value = Math.ceil(raw / 50) * 50;
  const parts = [`${environment} base ${base}`];
  if (rate) parts.push(`× (1 + ${rate}/s ÷ 500)`);
  if (data) parts.push(`× (1 + ${data} GiB ÷ 1000)`);
  if (availability >= 99.99) parts.push("× 2 for four nines");
  return { value, why: `sized from the workload: ${parts.join(" ")}, rounded up to 50 USD` };
}

const numberOf = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** The question put to the user for a deciding path. */
export function questionFor(path: DecidingPath, kindCandidates: readonly WorkloadType[] = []): string {
  switch (path) {
    case "environment":
      return "Which environment is this for: dev, staging or prod?";
    case "workload.type":
      return kindCandidates.length > 1
        ? `Which kind of workload is it: ${kindCandidates.join(" or ")}?`
        : "What kind of workload is it: web-api, worker, static-site, data-pipeline or internal-service?";
    case "slo.availability":
      return "What availability must it meet, in percent (e.g. 99.9)?";
    case "budget.monthly_usd":
      return "What may this cost per month, in USD?";
  }
}
