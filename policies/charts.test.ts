import { describe, expect, it } from "vitest";
import { buildOverlays } from "../iac/kustomize.js";
import type { IacFile } from "../iac/types.js";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { componentPlans } from "../test/fixtures/plans/components.js";
import { kubernetesPlans } from "../test/fixtures/plans/eks.js";
import { samplePlans } from "../test/fixtures/plans/index.js";
import { envOverlays, firstDifference, renderCharts } from "./charts.js";
import { validateIac } from "./engine.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: shop
    helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:1.0.0
          {{- with .Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
`;

/** A chart `deploy/shop` in the renderer's subset; `prod` values on top of the defaults. */
function chart(prodValues: string, template = DEPLOYMENT): IacFile[] {
  return [
    { path: "deploy/shop/Chart.yaml", content: "apiVersion: v2\nname: shop\nversion: 0.1.0\n" },
    { path: "deploy/shop/values.yaml", content: "replicas: 2\n" },
    { path: "deploy/shop/values-prod.yaml", content: prodValues },
    { path: "deploy/shop/templates/deployment.yaml", content: template },
  ];
}

/** A prod overlay deploying the same Deployment with `replicas` replicas into shop-prod. */
function overlay(replicas: number): IacFile[] {
  return [
    { path: "kubernetes/overlays/prod/kustomization.yaml", content: "namespace: shop-prod\nresources:\n  - deployment.yaml\n" },
    {
      path: "kubernetes/overlays/prod/deployment.yaml",
      content: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels:
    app: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:1.0.0
`,
    },
  ];
}

describe("Helm charts rendered by the validator", () => {
  it("renders once per values set and checks the objects: a privileged container set only in values-prod.yaml is found there", async () => {
    const files = chart("replicas: 3\nsecurityContext:\n  privileged: true\n");
    const renders = renderCharts(files, []);
    expect(renders.map((r) => [r.valuesFiles, r.env, r.namespace])).toEqual([
      [["deploy/shop/values.yaml"], undefined, "shop"],
      [["deploy/shop/values.yaml", "deploy/shop/values-prod.yaml"], "prod", "shop"],
    ]);
    const report = await validateIac(files);
    const privileged = report.findings.filter((f) => f.rule_id === "K8S_PRIVILEGED");
    expect(privileged).toHaveLength(1);
    expect(privileged[0]?.file).toBe("deploy/shop/templates/deployment.yaml");
    expect(privileged[0]?.line).toBe(2); // the template's `kind: Deployment` line
    expect(privileged[0]?.message).toMatch(/^in chart deploy\/shop with values-prod\.yaml \(rendered\): /);
    expect(privileged[0]?.resource).toBe("Deployment/shop/shop");
    expect(report.findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED")).toEqual([]);
  });

  it("a finding present in every values set is reported once, on values.yaml", async () => {
    const report = await validateIac(
      chart("replicas: 3\n").map((f) => (f.path.endsWith("/values.yaml") ? { ...f, content: "replicas: 2\nsecurityContext:\n  privileged: true\n" } : f)),
    );
    const privileged = report.findings.filter((f) => f.rule_id === "K8S_PRIVILEGED");
    expect(privileged.map((f) => f.message.split(":")[0])).toEqual(["in chart deploy/shop with values.yaml (rendered)"]);
  });

  it("takes the release namespace from the environment's overlay", () => {
    const files = [...chart("replicas: 3\n"), ...overlay(3)];
    const prod = renderCharts(files, buildOverlays(files)).find((r) => r.env === "prod");
    expect(prod?.namespace).toBe("shop-prod");
    expect(prod && "objects" in prod.result ? prod.result.objects.map((o) => o.namespace) : []).toEqual(["shop-prod"]);
  });

  it("a chart using lookup stays HELM_CHART_NOT_RENDERED, naming the function and the template", async () => {
    const template = DEPLOYMENT.replace("replicas: {{ .Values.replicas }}", 'replicas: {{ (lookup "v1" "ConfigMap" "shop" "sizes").data.replicas }}');
    const report = await validateIac(chart("replicas: 3\n", template));
    const helm = report.findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED");
    expect(helm.map((f) => [f.severity, f.file, f.line])).toEqual([["medium", "deploy/shop/Chart.yaml", 1]]);
    expect(helm[0]?.message).toContain(
      'not rendered with values.yaml, values.yaml + values-prod.yaml: deploy/shop/templates/deployment.yaml: function "lookup" is outside the renderer\'s subset',
    );
    // nothing was rendered, so nothing rendered was checked
    expect(report.findings.filter((f) => f.message.startsWith("in chart"))).toEqual([]);
  });

  it("a chart with dependencies is not rendered, and says so", async () => {
    const files = chart("replicas: 3\n").map((f) =>
      f.path.endsWith("Chart.yaml") ? { ...f, content: `${f.content}dependencies:\n  - name: redis\n    version: 1.0.0\n` } : f,
    );
    const helm = (await validateIac(files)).findings.filter((f) => f.rule_id === "HELM_CHART_NOT_RENDERED");
    expect(helm[0]?.message).toContain("chart dependencies");
  });

  it("HELM_OVERLAY_DRIFT names the object and the first differing field; none when they match", async () => {
    const drifted = await validateIac([...chart("replicas: 3\n"), ...overlay(2)]);
    const drift = drifted.findings.filter((f) => f.rule_id === "HELM_OVERLAY_DRIFT");
    expect(drift.map((f) => [f.severity, f.file, f.resource])).toEqual([["high", "deploy/shop/values-prod.yaml", "Deployment/shop-prod/shop"]]);
    expect(drift[0]?.message).toContain("Deployment/shop differs at spec.replicas");
    expect(drift[0]?.message).toContain("chart 3, overlay 2");
    expect(drifted.status).toBe("FAIL");

    const matching = await validateIac([...chart("replicas: 3\n"), ...overlay(3)]);
    expect(matching.findings.filter((f) => f.rule_id === "HELM_OVERLAY_DRIFT")).toEqual([]);
  });

  it("an object only one side deploys is drift; a Namespace only the overlay creates is not", async () => {
    const files = [
      ...chart("replicas: 3\n"),
      ...overlay(3).map((f) => (f.path.endsWith("kustomization.yaml") ? { ...f, content: `${f.content}  - namespace.yaml\n  - service.yaml\n` } : f)),
      { path: "kubernetes/overlays/prod/namespace.yaml", content: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n" },
      {
        path: "kubernetes/overlays/prod/service.yaml",
        content: "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  selector:\n    app: shop\n  ports:\n    - port: 80\n",
      },
    ];
    const drift = (await validateIac(files)).findings.filter((f) => f.rule_id === "HELM_OVERLAY_DRIFT");
    expect(drift.map((f) => f.message.split(" (")[0])).toEqual(["Service/shop is built by the overlay"]);
  });

  it("firstDifference walks maps and lists and names the path", () => {
    expect(firstDifference({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } })).toEqual({ path: "a.b[1].c", chart: 2, overlay: 3 });
    expect(firstDifference({ a: 1, extra: true }, { a: 1 })).toEqual({ path: "extra", chart: true, overlay: undefined });
    expect(firstDifference({ l: [1, 2] }, { l: [1, 2] })).toBeUndefined();
  });
});

describe("Atlas's own charts", () => {
  const plans = { ...samplePlans, ...kubernetesPlans, ...componentPlans };
  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: every chart renders for every values file, shows no drift, and the build still passes`, async () => {
      const artifacts = renderArtifacts(plan).files;
      const files = artifacts.filter((f) => ["terraform", "kubernetes", "helm"].includes(f.kind)).map(({ path, content }) => ({ path, content }));
      const report = await validateIac(files, { environment: plan.environment });
      expect(report.findings.filter((f) => f.rule_id.startsWith("HELM_"))).toEqual([]);
      expect(report.findings.filter((f) => f.severity === "high" || f.severity === "critical")).toEqual([]);
      expect(report.status).toBe("PASS");
      const overlays = buildOverlays(files);
      const renders = renderCharts(files, overlays);
      // each chart: values.yaml alone plus one render per values-<env>.yaml, each with objects
      const valuesFiles = artifacts.filter((f) => f.kind === "helm" && /\/values(-[a-z]+)?\.yaml$/.test(f.path));
      expect(renders.length).toBe(valuesFiles.length);
      for (const render of renders) {
        expect("objects" in render.result ? render.result.objects.length : render.result.error, render.valuesFiles.join(" + ")).toBeGreaterThan(0);
        // an env render was compared with that env's overlay (no drift above means they matched)
        if (render.env) expect(envOverlays(overlays, render.env).map((o) => o.dir)).toEqual([`kubernetes/overlays/${render.env}`]);
      }
    });
  }
});
