// @ts-check
/**
 * The cost chart: the plan's monthly cost as SVG drawn by this module (no chart library).
 * `costChartModel` is pure arithmetic (unit-tested: console/cost-chart.test.ts);
 * `renderCostChart` only turns the model into SVG elements.
 *
 * Two parts on two scales, so that neither is unreadable: the total against the budget (the
 * budget line and the 80 % mark where the status turns WARN, as pricing/ decides it), then one
 * bar per component, largest first, scaled to the largest. When the plan prices usage as well as
 * fixed charges, each bar is split: fixed (solid) then usage (lighter).
 */

export const CHART_WIDTH = 360;
/** The share of the budget above which the plan's cost status is WARN. */
export const WARN_RATIO = 0.8;
/** The total bar's axis reaches past the larger of total and budget, so the budget line is never on the edge. */
export const AXIS_HEADROOM = 1.1;

const PAD = 8;
const TOTAL_BAR_Y = 30;
const TOTAL_BAR_HEIGHT = 18;
const ROWS_TOP = 116;
const ROW_HEIGHT = 34;
const ROW_BAR_OFFSET = 17;
const ROW_BAR_HEIGHT = 10;
const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * @typedef {{ component_id: string, monthly_usd: number, fixed_usd?: number, usage_usd?: number }} CostLine
 * @typedef {{ monthly_total_usd: number, budget_usd: number, status: string, breakdown: CostLine[] }} PlanCost
 * @typedef {{ id: string, monthly: number, fixed: number, usage: number, y: number, fixedWidth: number, usageWidth: number }} CostRow
 * @typedef {{ y: number, height: number, monthly: number, budget: number, status: string, scaleMax: number, fixedWidth: number, usageWidth: number, budgetX: number, warnX: number }} CostTotal
 * @typedef {{ width: number, height: number, plotLeft: number, plotWidth: number, split: boolean, total: CostTotal, rows: CostRow[] }} CostChartModel
 */

/**
 * Splits `monthly` into its fixed and usage parts in the proportion the line states (the parts
 * may not add up to the total exactly in older plans); all fixed when the chart is not split.
 * @param {CostLine} line
 * @param {boolean} split
 */
function parts(line, split) {
  const fixed = line.fixed_usd ?? 0;
  const usage = line.usage_usd ?? 0;
  if (!split || fixed + usage === 0) return { fixed: line.monthly_usd, usage: 0 };
  return { fixed: (line.monthly_usd * fixed) / (fixed + usage), usage: (line.monthly_usd * usage) / (fixed + usage) };
}

/**
 * The chart's geometry from the plan's cost: bar widths proportional to the amounts, the budget
 * line and the 80 % mark on the total's axis.
 * @param {PlanCost} cost
 * @param {number} [width]
 * @returns {CostChartModel}
 */
export function costChartModel(cost, width = CHART_WIDTH) {
  const plotLeft = PAD;
  const plotWidth = width - 2 * PAD;
  const lines = [...cost.breakdown].sort((a, b) => b.monthly_usd - a.monthly_usd);
  const split = lines.some((line) => (line.usage_usd ?? 0) > 0) && lines.some((line) => (line.fixed_usd ?? 0) > 0);

  const scaleMax = Math.max(cost.monthly_total_usd, cost.budget_usd) * AXIS_HEADROOM;
  const toTotalAxis = (/** @type {number} */ usd) => (scaleMax > 0 ? (usd / scaleMax) * plotWidth : 0);
  const totalParts = lines
    .map((line) => parts(line, split))
    .reduce((sum, p) => ({ fixed: sum.fixed + p.fixed, usage: sum.usage + p.usage }), { fixed: 0, usage: 0 });
  const priced = totalParts.fixed + totalParts.usage;
  const fixedShare = priced > 0 ? totalParts.fixed / priced : 1;
  const total = {
    y: TOTAL_BAR_Y,
    height: TOTAL_BAR_HEIGHT,
    monthly: cost.monthly_total_usd,
    budget: cost.budget_usd,
    status: cost.status,
    scaleMax,
    fixedWidth: toTotalAxis(cost.monthly_total_usd * fixedShare),
    usageWidth: toTotalAxis(cost.monthly_total_usd * (1 - fixedShare)),
    budgetX: plotLeft + toTotalAxis(cost.budget_usd),
    warnX: plotLeft + toTotalAxis(cost.budget_usd * WARN_RATIO),
  };

  const largest = lines[0]?.monthly_usd ?? 0;
  const toRowAxis = (/** @type {number} */ usd) => (largest > 0 ? (usd / largest) * plotWidth : 0);
  const rows = lines.map((line, index) => {
    const p = parts(line, split);
    return {
      id: line.component_id,
      monthly: line.monthly_usd,
      fixed: p.fixed,
      usage: p.usage,
      y: ROWS_TOP + index * ROW_HEIGHT,
      fixedWidth: toRowAxis(p.fixed),
      usageWidth: toRowAxis(p.usage),
    };
  });
  return { width, height: ROWS_TOP + rows.length * ROW_HEIGHT + PAD, plotLeft, plotWidth, split, total, rows };
}

/** @param {number} usd */
export const dollars = (usd) => `$${usd.toLocaleString("en-US", { maximumFractionDigits: usd < 100 ? 2 : 0 })}`;

/**
 * The least a renderer needs of `document`, so the chart can be drawn (and tested) without a browser.
 * @typedef {{ setAttribute(name: string, value: string): void, appendChild(child: any): unknown, textContent: string | null }} SvgNode
 * @typedef {{ createElementNS(ns: string, name: string): SvgNode }} SvgDocument
 */

/**
 * @param {SvgDocument} doc
 * @param {SvgNode} parent
 * @param {string} name
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function add(doc, parent, name, attrs, text) {
  const node = doc.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}

/**
 * The model as an SVG element: `role="img"` with a text alternative that states the numbers,
 * and `data-*` attributes naming what each mark is (for tests and for styling).
 * @param {CostChartModel} model
 * @param {SvgDocument} doc
 */
export function renderCostChart(model, doc) {
  const { total, plotLeft, plotWidth, width } = model;
  const svg = doc.createElementNS(SVG_NS, "svg");
  const percent = total.budget > 0 ? Math.round((total.monthly / total.budget) * 100) : 0;
  const summary = `Monthly cost ${dollars(total.monthly)} of a ${dollars(total.budget)} budget (${percent} %, ${total.status})`;
  for (const [key, value] of Object.entries({ viewBox: `0 0 ${width} ${model.height}`, role: "img", "aria-label": summary, class: "cost-chart" })) {
    svg.setAttribute(key, value);
  }
  add(doc, svg, "title", {}, summary);

  add(doc, svg, "text", { x: plotLeft, y: 14, class: "chart-heading" }, `Total ${dollars(total.monthly)} / month`);
  add(
    doc,
    svg,
    "text",
    { x: width - plotLeft, y: 14, "text-anchor": "end", class: `chart-status status-${total.status.toLowerCase()}` },
    `${percent} % of budget · ${total.status}`,
  );
  add(doc, svg, "rect", { x: plotLeft, y: total.y, width: plotWidth, height: total.height, class: "bar-track" });
  add(doc, svg, "rect", { x: plotLeft, y: total.y, width: total.fixedWidth, height: total.height, class: "bar-fixed", "data-mark": "total-fixed" });
  if (total.usageWidth > 0) {
    add(doc, svg, "rect", {
      x: plotLeft + total.fixedWidth,
      y: total.y,
      width: total.usageWidth,
      height: total.height,
      class: "bar-usage",
      "data-mark": "total-usage",
    });
  }
  const top = total.y - 6;
  const bottom = total.y + total.height + 6;
  add(doc, svg, "line", { x1: total.warnX, x2: total.warnX, y1: top, y2: bottom, class: "mark-warn", "data-mark": "warn" });
  add(doc, svg, "line", { x1: total.budgetX, x2: total.budgetX, y1: top, y2: bottom, class: "mark-budget", "data-mark": "budget" });
  add(doc, svg, "text", { x: total.warnX, y: bottom + 13, "text-anchor": "end", class: "mark-label" }, "80 %");
  add(
    doc,
    svg,
    "text",
    { x: total.budgetX, y: bottom + 26, "text-anchor": total.budgetX > width - 60 ? "end" : "middle", class: "mark-label" },
    `budget ${dollars(total.budget)}`,
  );

  add(doc, svg, "text", { x: plotLeft, y: ROWS_TOP - 10, class: "chart-heading" }, "Per component (largest first)");
  if (model.split) {
    add(doc, svg, "rect", { x: width - 118, y: ROWS_TOP - 19, width: 10, height: 10, class: "bar-fixed" });
    add(doc, svg, "text", { x: width - 104, y: ROWS_TOP - 10, class: "legend" }, "fixed");
    add(doc, svg, "rect", { x: width - 66, y: ROWS_TOP - 19, width: 10, height: 10, class: "bar-usage" });
    add(doc, svg, "text", { x: width - 52, y: ROWS_TOP - 10, class: "legend" }, "usage");
  }
  for (const row of model.rows) {
    add(doc, svg, "text", { x: plotLeft, y: row.y + 12, class: "row-label" }, row.id);
    add(doc, svg, "text", { x: width - plotLeft, y: row.y + 12, "text-anchor": "end", class: "row-value" }, dollars(row.monthly));
    const barY = row.y + ROW_BAR_OFFSET;
    add(doc, svg, "rect", {
      x: plotLeft,
      y: barY,
      width: row.fixedWidth,
      height: ROW_BAR_HEIGHT,
      class: "bar-fixed",
      "data-component": row.id,
      "data-part": "fixed",
    });
    if (row.usageWidth > 0) {
      add(doc, svg, "rect", {
        x: plotLeft + row.fixedWidth,
        y: barY,
        width: row.usageWidth,
        height: ROW_BAR_HEIGHT,
        class: "bar-usage",
        "data-component": row.id,
        "data-part": "usage",
      });
    }
  }
  return svg;
}
