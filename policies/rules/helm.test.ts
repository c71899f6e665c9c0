import { describe, expect, it } from "vitest";
import { parseKubernetes } from "../../iac/kubernetes.js";
import type { IacFile } from "../../iac/types.js";
import { validateIac } from "../engine.js";
import { findCharts } from "./helm.js";

/** A chart whose templates are Go templates, not YAML: validating them as manifests would fail. It includes a helper it does not define. */
function chart(dir: string, name: string | null): IacFile[] {
  return [
    { path: `${dir}Chart.yaml`, content: `apiVersion: v2\n${name ? `name: ${name}\n` : ""}version: 0.1.0\n` },
    { path: `${dir}values.yaml`, content: "replicaCount: 2\nimage:\n  repository: nginx\n  tag: '1.25'\n" },
    { path: `${dir}values-prod.yaml`, content: "replicaCount: 4\n" },
    {
      path: `${dir}templates/deployment.yaml`,
      content:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n{{- with .Values.resources }}\n          resources:\n{{ toYaml . | indent 12 }}\n{{- end }}\n',
    },
    {
      path: `${dir}templates/service.yaml`,
      content: "{{- if .Values.service.enabled }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n",
    },
  ];
}

describe("HELM_CHART_NOT_RENDERED", () => {
  it("reports a chart it cannot render once, naming it, the values sets and what stopped them", async () => {
    // the helper "app.fullname" is used but defined nowhere among the files
    const report = await validateIac(chart("deploy/app/", "shop-api"), { environment: "prod" });
    const helm = report.findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED");
    expect(helm.map((f) => [f.severity, f.resource, f.file, f.line])).toEqual([["medium", "HelmChart/shop-api", "deploy/app/Chart.yaml", 1]]);
    const message = helm[0]?.message ?? "";
    expect(message).toContain(
      'was not rendered with values.yaml, values.yaml + values-prod.yaml: deploy/app/templates/deployment.yaml: no template "app.fullname" to include',
    );
    expect(message).toContain("no .tpl helper file of the chart was among the files read");
    expect(message).toContain("not validated");
    expect(helm[0]?.remediation).toBe(
      "Render the chart and validate the output: helm template deploy/app -f deploy/app/values.yaml -f deploy/app/values-prod.yaml > rendered.yaml, then validate rendered.yaml.",
    );
    expect(report.summary.medium).toBeGreaterThanOrEqual(1);
  });

  it("reports nothing for the same chart once its helper is among the files: it is rendered and checked instead", async () => {
    const helpers = { path: "deploy/app/templates/_helpers.tpl", content: '{{- define "app.fullname" -}}{{ .Release.Name }}-web{{- end -}}\n' };
    const report = await validateIac([...chart("deploy/app/", "shop-api"), helpers], { environment: "prod" });
    expect(report.findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED")).toEqual([]);
    const rendered = report.findings.filter((f) => f.message.startsWith("in chart deploy/app with values"));
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.every((f) => f.file === "deploy/app/templates/deployment.yaml" && f.resource.startsWith("Deployment/shop-api/shop-api-web"))).toBe(true);
  });

  it("names the set that fails when only some values sets render", async () => {
    const files = chart("app/", "app").map((f) =>
      f.path === "app/templates/deployment.yaml"
        ? { ...f, content: f.content.replace('{{ include "app.fullname" . }}', '{{ required "name is required" .Values.name }}') }
        : f,
    );
    const withName = files.map((f) => (f.path === "app/values-prod.yaml" ? { ...f, content: "replicaCount: 4\nname: web\n" } : f));
    const message = (await validateIac(withName)).findings.find((f) => f.rule_id === "HELM_CHART_NOT_RENDERED")?.message ?? "";
    expect(message).toContain("was not rendered (1 of 2 values sets) with values.yaml: app/templates/deployment.yaml: required: name is required");
  });

  it("gives templates no parse errors and takes no values file for a manifest", async () => {
    const files = chart("", "app");
    const report = await validateIac(files);
    expect(report.findings.filter((f) => f.rule_id === "IAC_PARSE_ERROR")).toEqual([]);
    expect(report.objects).toEqual([]);
    expect(report.skipped.map((s) => s.file)).toEqual(["templates/deployment.yaml", "templates/service.yaml"]);
    expect(parseKubernetes(files).errors).toEqual([]);
  });

  it("reports nothing without a Chart.yaml", async () => {
    const files = chart("app/", "app").filter((f) => !f.path.endsWith("Chart.yaml"));
    const report = await validateIac(files.filter((f) => !f.path.includes("templates/")));
    expect(report.findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED")).toEqual([]);
  });

  it("keeps a subchart's templates and values apart, and names a chart without a name by its folder", () => {
    const charts = findCharts([...chart("app/", "app"), ...chart("app/charts/cache/", null)]);
    expect(charts.map((c) => [c.name, c.templates.length, c.values])).toEqual([
      ["app", 2, ["app/values.yaml", "app/values-prod.yaml"]],
      ["cache", 2, ["app/charts/cache/values.yaml", "app/charts/cache/values-prod.yaml"]],
    ]);
  });

  it("still scans the chart's values files for credentials", async () => {
    const files = chart("app/", "app").map((f) =>
      f.path === "app/values-prod.yaml" ? { ...f, content: "postgresql:\n  auth:\n    password: prod-db-pass-1\n" } : f,
    );
    const report = await validateIac(files);
    expect(report.findings.filter((f) => f.rule_id.startsWith("SECRET_")).map((f) => [f.rule_id, f.file, f.line])).toEqual([
      ["SECRET_CONFIG_FILE", "app/values-prod.yaml", 3],
    ]);
  });
});
