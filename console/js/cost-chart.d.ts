/**
 * Types of cost-chart.js for TypeScript callers (the unit test): the module itself is plain
 * browser JavaScript, checked against its JSDoc by `tsc -p console` (console/tsconfig.json).
 * Keep in step with the JSDoc typedefs there.
 */
export interface CostLine {
  component_id: string;
  monthly_usd: number;
  fixed_usd?: number;
  usage_usd?: number;
}
export interface PlanCost {
  monthly_total_usd: number;
  budget_usd: number;
  status: string;
  breakdown: CostLine[];
}
export interface CostRow {
  id: string;
  monthly: number;
  fixed: number;
  usage: number;
  y: number;
  fixedWidth: number;
  usageWidth: number;
}
export interface CostTotal {
  y: number;
  height: number;
  monthly: number;
  budget: number;
  status: string;
  scaleMax: number;
  fixedWidth: number;
  usageWidth: number;
  budgetX: number;
  warnX: number;
}
export interface CostChartModel {
  width: number;
  height: number;
  plotLeft: number;
  plotWidth: number;
  split: boolean;
  total: CostTotal;
  rows: CostRow[];
}
export interface SvgNode {
  setAttribute(name: string, value: string): void;
  appendChild(child: never): unknown;
  textContent: string | null;
}
export interface SvgDocument {
  createElementNS(ns: string, name: string): SvgNode;
}
export const CHART_WIDTH: number;
export const WARN_RATIO: number;
export const AXIS_HEADROOM: number;
export function costChartModel(cost: PlanCost, width?: number): CostChartModel;
export function dollars(usd: number): string;
export function renderCostChart(model: CostChartModel, doc: SvgDocument): SvgNode;
