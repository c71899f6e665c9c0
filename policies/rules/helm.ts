import { parse } from "yaml";
import type { IacFile } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";

/** A Helm chart found among the files: the folder holding a Chart.yaml. */
export interface HelmChart {
  /** `name:` of Chart.yaml, else the folder's name */
  name: string;
  /** the Chart.yaml path */
  file: string;
  /** folder of the chart, with a trailing slash (`""` at the top) */
  dir: string;
  /** template files read under templates/ (YAML and JSON; `.tpl` helpers are not read) */
  templates: string[];
  /** values files of the chart (`values.yaml`, `values-prod.yaml`, `values.prod.yml`, ...) */
  values: string[];
}

/**
 * Every chart among `files`, each file given to the chart folder nearest to it, so a subchart
 * under `charts/` keeps its own templates and values.
 */
export function findCharts(files: readonly IacFile[]): HelmChart[] {
  const charts = files
    .filter((file) => /(^|\/)Chart\.ya?ml$/.test(file.path))
    .map((file) => {
      const dir = file.path.replace(/Chart\.ya?ml$/, "");
      return { name: chartName(file, dir), file: file.path, dir, templates: [] as string[], values: [] as string[] };
    });
  for (const file of files) {
    const owner = charts.filter((chart) => file.path.startsWith(chart.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
    if (!owner) continue;
    const inside = file.path.slice(owner.dir.length);
    if (inside.startsWith("templates/")) owner.templates.push(file.path);
    else if (/(^|\/)values[^/]*\.ya?ml$/i.test(inside) && !inside.startsWith("charts/")) owner.values.push(file.path);
  }
  return charts;
}

function chartName(file: IacFile, dir: string): string {
  try {
    const chart = parse(file.content) as { name?: unknown } | null;
    if (typeof chart?.name === "string" && chart.name !== "") return chart.name;
  } catch {
    // A broken Chart.yaml still marks a chart; its folder names it.
  }
  return dir.replace(/\/$/, "").split("/").pop() || "chart";
}

/** The message for one chart: what was not evaluated, and what was still read. */
function chartMessage(chart: HelmChart): string {
  const templates = chart.templates.length === 1 ? "1 template file was" : `${chart.templates.length} template files were`;
  const values = chart.values.length > 0 ? `values files ${chart.values.join(", ")}` : "no values file";
  return (
    `Helm chart "${chart.name}" (${chart.file}): ${templates} not rendered, so the Kubernetes objects they produce were not validated ` +
    `(Go templates need helm to evaluate). Found ${values}; values files were only scanned for hard-coded credentials.`
  );
}

export const helmNotRendered: Rule = {
  id: "HELM_CHART_NOT_RENDERED",
  title: "Helm chart templates not rendered, so not checked",
  severity: "medium",
  aliases: [],
  target: "any",
  remediation: "Render the chart and validate the output: helm template <chart> -f values.yaml > rendered.yaml, then validate rendered.yaml.",
  check(ctx: RuleContext): RuleHit[] {
    return findCharts(ctx.files).map((chart) => ({
      resource: `HelmChart/${chart.name}`,
      file: chart.file,
      line: 1,
      message: chartMessage(chart),
      remediation: `Render the chart and validate the output: helm template ${chart.dir.replace(/\/$/, "") || "."}${chart.values.map((v) => ` -f ${v}`).join("") || " -f values.yaml"} > rendered.yaml, then validate rendered.yaml.`,
    }));
  },
};

/** Helm rules. */
export const helmRules: readonly Rule[] = [helmNotRendered];
