import type { PlanSpec } from "../schemas/plan.js";

export interface PlanDiff {
  against_version: number | null;
  added: string[];
  removed: string[];
  changed: { id: string; from: string; to: string }[];
  monthly_usd_delta: number;
}

function describe(component: PlanSpec["components"][number]): string {
  return `${component.kind} ${component.size ?? ""} ×${component.count}`.replace(/\s+/g, " ");
}

/** What a reviewer needs to see changed since the last approved plan: components and cost. */
export function diffPlans(previous: PlanSpec | null, next: PlanSpec): PlanDiff {
  const before = new Map((previous?.components ?? []).map((c) => [c.id, c]));
  const after = new Map(next.components.map((c) => [c.id, c]));
  const changed: PlanDiff["changed"] = [];
  for (const [id, component] of after) {
    const old = before.get(id);
    if (old && describe(old) !== describe(component)) changed.push({ id, from: describe(old), to: describe(component) });
  }
  return {
    against_version: previous?.version ?? null,
    added: [...after.keys()].filter((id) => !before.has(id)).sort(),
    removed: [...before.keys()].filter((id) => !after.has(id)).sort(),
    changed: changed.sort((a, b) => a.id.localeCompare(b.id)),
    monthly_usd_delta: Number((next.cost.monthly_total_usd - (previous?.cost.monthly_total_usd ?? 0)).toFixed(2)),
  };
}
