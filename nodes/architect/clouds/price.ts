import { isAtlasError } from "../../../lib/errors.js";
import { toCents } from "../../../pricing/money.js";
import type { UsageValues } from "../../../pricing/types.js";
import { alertsFor } from "./alerts.js";
import type { CloudDesign, CloudSized } from "./design.js";
import type { CloudDraft, CloudProfile } from "./profile.js";
import { trafficFor } from "./usage.js";

// biome-ignore lint/suspicious/noExplicitAny: the two profiles differ only in their spec type, which stays inside each
export type AnyProfile = CloudProfile<any>;

/** One priced component: its draft and its fixed and usage parts, in cents. */
export interface PricedDraft {
  draft: CloudDraft<unknown>;
  fixedCents: number;
  usageCents: number;
  /** usage lines without a figure (named, never counted as $0) */
  unpricedUsage: string[];
}

/** A priced design. */
export interface CloudBill {
  items: PricedDraft[];
  fixedCents: number;
  usageCents: number;
  totalCents: number;
  priceVersion: string;
  usageBased: string[];
  assumptions: string[];
}

/** Secrets the workload reads: the database password and the cache's credentials. */
export function secretCount(d: CloudDesign): number {
  return (d.database ? 1 : 0) + (d.cache ? 1 : 0);
}

/** Prices every component of a design with the cloud's price card. */
export function priceCloud(profile: AnyProfile, d: CloudDesign, s: CloudSized): CloudBill {
  const traffic = trafficFor(d, s);
  const drafts = profile.drafts(d, s, traffic, alertsFor(d, profile).length, secretCount(d));
  let priceVersion = "";
  const usageBased: string[] = [];
  const items = drafts.map((draft): PricedDraft => {
    let fixed = 0;
    let usage = 0;
    const unpricedUsage: string[] = [];
    for (const spec of draft.specs) {
      let priced: ReturnType<AnyProfile["price"]>;
      try {
        priced = profile.price(spec, d.goal.region, draft.usage as UsageValues);
      } catch (error) {
        if (!draft.priceMayBeMissing || !isAtlasError(error) || error.details?.unpricedIn !== d.goal.region) throw error;
        unpricedUsage.push(`${draft.id}: ${error.message}`);
        continue;
      }
      priceVersion = priced.priceVersion;
      for (const line of priced.lines) {
        if (line.monthlyCost === null) unpricedUsage.push(`${draft.id}: ${line.name}`);
        else if (line.usageBased) usage += toCents(line.monthlyCost);
        else fixed += toCents(line.monthlyCost);
      }
    }
    usageBased.push(...unpricedUsage, ...(draft.unpriced ?? []).map((what) => `${draft.id}: ${what}`));
    return { draft, fixedCents: fixed, usageCents: usage, unpricedUsage };
  });
  const fixedCents = items.reduce((sum, item) => sum + item.fixedCents, 0);
  const usageCents = items.reduce((sum, item) => sum + item.usageCents, 0);
  return { items, fixedCents, usageCents, totalCents: fixedCents + usageCents, priceVersion, usageBased, assumptions: traffic.assumptions };
}
