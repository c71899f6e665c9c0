import { type ChartRender, chartDrift, findCharts, type HelmChart, renderCharts } from "../charts.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";

export { findCharts, type HelmChart } from "../charts.js";

/** `values.yaml + values-prod.yaml`, or `no values file` */
function valuesLabel(render: ChartRender): string {
  return render.valuesFiles.map((v) => v.slice(v.lastIndexOf("/") + 1)).join(" + ") || "no values file";
}

/**
 * The message for a chart some values sets could not render: which sets (grouped by what stopped
 * them) and the construct named by the renderer.
 */
function notRenderedMessage(chart: HelmChart, failed: ChartRender[], total: number): string {
  const byError = new Map<string, string[]>();
  for (const render of failed) {
    const error = "error" in render.result ? render.result.error : "";
    byError.set(error, [...(byError.get(error) ?? []), valuesLabel(render)]);
  }
  const helpers = chart.templates.some((t) => t.endsWith(".tpl"));
  const reasons = [...byError].map(([error, sets]) => {
    const hint = !helpers && /no template ".*" to include/.test(error) ? " (no .tpl helper file of the chart was among the files read)" : "";
    return `with ${sets.join(", ")}: ${error}${hint}`;
  });
  const scope = failed.length === total ? "" : ` (${failed.length} of ${total} values sets)`;
  return (
    `Helm chart "${chart.name}" (${chart.file}) was not rendered${scope} ${reasons.join("; ")}. ` +
    "The Kubernetes objects it produces there were not validated: the validator renders only a subset of Go templates and Sprig " +
    "(iac/helm-template.ts), not everything helm does. Its values files were still scanned for hard-coded credentials."
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
    const renders = renderCharts(ctx.files, ctx.overlays ?? []);
    return findCharts(ctx.files).flatMap((chart) => {
      const own = renders.filter((r) => r.chart.file === chart.file);
      const failed = own.filter((r) => "error" in r.result);
      if (failed.length === 0) return [];
      return [
        {
          resource: `HelmChart/${chart.name}`,
          file: chart.file,
          line: 1,
          message: notRenderedMessage(chart, failed, own.length),
          remediation: `Render the chart and validate the output: helm template ${chart.dir.replace(/\/$/, "") || "."}${chart.values.map((v) => ` -f ${v}`).join("") || " -f values.yaml"} > rendered.yaml, then validate rendered.yaml.`,
        },
      ];
    });
  },
};

export const helmOverlayDrift: Rule = {
  id: "HELM_OVERLAY_DRIFT",
  title: "Helm chart and Kustomize overlay deploy different objects for the same environment",
  severity: "high",
  aliases: [],
  target: "any",
  remediation:
    "Make values-<env>.yaml and kubernetes/overlays/<env> describe the same deployment (regenerate both from the plan), so a release installed either way is the same.",
  check(ctx: RuleContext): RuleHit[] {
    const overlays = ctx.overlays ?? [];
    return chartDrift(renderCharts(ctx.files, overlays), overlays).map((drift) => {
      const [kind, ...name] = drift.object.split("/");
      return { resource: `${kind}/${drift.render.namespace}/${name.join("/")}`, file: drift.file, line: 1, message: drift.message };
    });
  },
};

/** Helm rules. */
export const helmRules: readonly Rule[] = [helmNotRendered, helmOverlayDrift];
