import type { CostSection } from "../../schemas/reports.js";

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** How many priced lines the text report shows; `--json` has all of them. */
const TOP_LINES = 5;

/**
 * The cost part of `pnpm validate`'s text report: the total and how it splits, the budget, the
 * largest lines, and every resource that is not in the total (unpriced, or usage-only).
 */
export function formatCost(cost: CostSection): string {
  const budget = cost.budget_usd === null ? "no budget (--budget USD makes it a gate)" : `budget ${usd.format(cost.budget_usd)}: ${cost.status ?? "unknown"}`;
  const lines = [
    `Cost (${cost.region}): ${usd.format(cost.monthly_total_usd)}/month (${usd.format(cost.fixed_monthly_usd)} fixed, ${usd.format(cost.usage_monthly_usd)} from usage figures); ${budget}`,
  ];
  const top = [...cost.resources]
    .filter((line) => line.monthly_usd > 0)
    .sort((a, b) => b.monthly_usd - a.monthly_usd || (a.address < b.address ? -1 : 1))
    .slice(0, TOP_LINES);
  for (const line of top) lines.push(`  ${usd.format(line.monthly_usd).padStart(12)}  ${line.address}`);
  if (cost.resources.length > top.length) lines.push(`  (${cost.resources.length - top.length} more line(s) in --json)`);
  if (cost.usage_based_items > 0)
    lines.push(`${cost.usage_based_items} usage-based item(s) not in the total (--usage-file prices them where the catalogue can).`);
  for (const item of cost.usage_only) lines.push(`  usage only: ${item.address}: ${item.note}`);
  if (cost.unpriced.length > 0) {
    lines.push(`Unpriced, not in the total (${cost.unpriced.length}):`);
    for (const item of cost.unpriced) lines.push(`  ${item.address} (${item.type}): ${item.reason}`);
    if (cost.unpriced_gate === "fail") lines.push("Unpriced resources under a budget make the status FAIL; --allow-unpriced accepts the incomplete total.");
    if (cost.unpriced_gate === "allowed") lines.push("--allow-unpriced: the budget check ignores them.");
  }
  return `${lines.join("\n")}\n`;
}
