import { describe, expect, it } from "vitest";
import { AXIS_HEADROOM, type CostChartModel, costChartModel, type PlanCost, renderCostChart, type SvgDocument, WARN_RATIO } from "./js/cost-chart.js";

// The console's cost chart (console/js/cost-chart.js, browser code): its numbers, and the SVG it
// draws from them, on a stand-in document that records what was drawn.

const cost: PlanCost = {
  monthly_total_usd: 600,
  budget_usd: 1000,
  status: "OK",
  breakdown: [
    { component_id: "app", monthly_usd: 100, fixed_usd: 100, usage_usd: 0 },
    { component_id: "db", monthly_usd: 400, fixed_usd: 300, usage_usd: 100 },
    { component_id: "cdn", monthly_usd: 100, fixed_usd: 0, usage_usd: 100 },
  ],
};

type Drawn = { name: string; attrs: Record<string, string>; text: string | null; children: Drawn[] };

/** A document that records elements instead of drawing them. */
function recordingDocument(): SvgDocument {
  return {
    createElementNS(_ns: string, name: string) {
      const node: Drawn & { setAttribute(n: string, v: string): void; appendChild(c: never): unknown; textContent: string | null } = {
        name,
        attrs: {},
        children: [],
        text: null,
        setAttribute(n, v) {
          node.attrs[n] = v;
        },
        appendChild(child) {
          node.children.push(child as Drawn);
          return child;
        },
        get textContent() {
          return node.text;
        },
        set textContent(value) {
          node.text = value;
        },
      };
      return node;
    },
  };
}

const width = (node: Drawn | undefined) => Number(node?.attrs.width);

describe("costChartModel", () => {
  const model: CostChartModel = costChartModel(cost, 360);

  it("draws one bar per component, largest first, each as long as its amount on a shared scale", () => {
    expect(model.rows.map((row) => row.id)).toEqual(["db", "app", "cdn"]);
    const perDollar = model.rows.map((row) => (row.fixedWidth + row.usageWidth) / row.monthly);
    for (const ratio of perDollar) expect(ratio).toBeCloseTo(perDollar[0] ?? Number.NaN, 9);
    // the largest fills the plot
    expect((model.rows[0]?.fixedWidth ?? 0) + (model.rows[0]?.usageWidth ?? 0)).toBeCloseTo(model.plotWidth, 9);
  });

  it("splits each bar into fixed and usage when the plan prices both", () => {
    expect(model.split).toBe(true);
    const db = model.rows.find((row) => row.id === "db");
    expect(db?.fixedWidth).toBeCloseTo(3 * (db?.usageWidth ?? 0), 9);
    const cdn = model.rows.find((row) => row.id === "cdn");
    expect(cdn?.fixedWidth).toBe(0);
  });

  it("puts the budget line at the budget and the 80 % mark at 80 % of it, on the total's axis", () => {
    const { total, plotLeft, plotWidth } = model;
    expect(total.scaleMax).toBeCloseTo(1000 * AXIS_HEADROOM, 9);
    const x = (usd: number) => plotLeft + (usd / total.scaleMax) * plotWidth;
    expect(total.budgetX).toBeCloseTo(x(1000), 9);
    expect(total.warnX).toBeCloseTo(x(1000 * WARN_RATIO), 9);
    expect(total.warnX - plotLeft).toBeCloseTo(0.8 * (total.budgetX - plotLeft), 9);
    // the total bar ends at the total, split as the components' parts are (fixed 400, usage 200)
    expect(plotLeft + total.fixedWidth + total.usageWidth).toBeCloseTo(x(600), 9);
    expect(total.fixedWidth).toBeCloseTo(2 * total.usageWidth, 9);
  });

  it("scales the total's axis to the total when it is over budget, so the bar still fits", () => {
    const over = costChartModel({ ...cost, monthly_total_usd: 1500, status: "OVER" }, 360);
    expect(over.total.scaleMax).toBeCloseTo(1500 * AXIS_HEADROOM, 9);
    expect(over.total.budgetX).toBeLessThan(over.plotLeft + over.total.fixedWidth + over.total.usageWidth);
  });

  it("draws whole bars without a split when the plan has fixed charges only", () => {
    const fixedOnly = costChartModel({
      ...cost,
      breakdown: cost.breakdown.map((line) => ({ component_id: line.component_id, monthly_usd: line.monthly_usd })),
    });
    expect(fixedOnly.split).toBe(false);
    expect(fixedOnly.rows.every((row) => row.usageWidth === 0)).toBe(true);
  });
});

describe("renderCostChart", () => {
  it("draws the model: bars of the model's widths, the budget line and the 80 % mark at their x", () => {
    const model = costChartModel(cost, 360);
    const svg = renderCostChart(model, recordingDocument()) as unknown as Drawn;
    expect(svg.attrs.viewBox).toBe(`0 0 360 ${model.height}`);
    expect(svg.attrs["aria-label"]).toBe("Monthly cost $600 of a $1,000 budget (60 %, OK)");
    const find = (predicate: (node: Drawn) => boolean) => svg.children.filter(predicate);
    for (const row of model.rows) {
      const [fixed] = find((node) => node.attrs["data-component"] === row.id && node.attrs["data-part"] === "fixed");
      expect(width(fixed)).toBeCloseTo(row.fixedWidth, 9);
      const usage = find((node) => node.attrs["data-component"] === row.id && node.attrs["data-part"] === "usage");
      expect(usage.length ? width(usage[0]) : 0).toBeCloseTo(row.usageWidth, 9);
    }
    const [budget] = find((node) => node.attrs["data-mark"] === "budget");
    const [warn] = find((node) => node.attrs["data-mark"] === "warn");
    expect(Number(budget?.attrs.x1)).toBeCloseTo(model.total.budgetX, 9);
    expect(Number(warn?.attrs.x1)).toBeCloseTo(model.total.warnX, 9);
  });
});
