import { describe, expect, it } from "vitest";
import { helmChartReadySchema, infrastructureGeneratedSchema } from "../../schemas/handoff-events.js";
import { eksApiPlan } from "../../test/fixtures/plans/eks.js";
import { webApiProdPlan } from "../../test/fixtures/plans/index.js";
import { artifactDigest, renderArtifacts, sha256 } from "./engine.js";
import { helmChartReady, infrastructureGenerated } from "./handoff.js";

describe("the hand-off events' data", () => {
  const eks = renderArtifacts(eksApiPlan);

  it("InfrastructureGenerated names the base, an overlay per environment, the chart and the pipelines of an EKS design", () => {
    const data = infrastructureGeneratedSchema.parse(infrastructureGenerated(eksApiPlan, eks));
    expect(data.kubernetes_path).toBe("kubernetes/base");
    expect(data.overlays).toEqual(["kubernetes/overlays/dev", "kubernetes/overlays/prod", "kubernetes/overlays/qa", "kubernetes/overlays/staging"]);
    expect(data.chart_path).toMatch(/^helm\/[a-z0-9-]+$/);
    const paths = new Set(eks.files.map((file) => file.path));
    for (const overlay of data.overlays) expect(paths.has(`${overlay}/kustomization.yaml`)).toBe(true);
    expect(paths.has(`${data.chart_path}/Chart.yaml`)).toBe(true);
    for (const pipeline of data.pipelines) expect(paths.has(pipeline)).toBe(true);
    expect(data.signed_by).toBeNull();
  });

  it("InfrastructureGenerated of an ECS design has Terraform and pipelines, no Kubernetes", () => {
    const data = infrastructureGeneratedSchema.parse(infrastructureGenerated(webApiProdPlan, renderArtifacts(webApiProdPlan)));
    expect([data.kubernetes_path, data.chart_path, data.overlays]).toEqual([null, null, []]);
    expect(data.pipelines.length).toBe(2);
    expect(helmChartReady(webApiProdPlan, renderArtifacts(webApiProdPlan))).toBeNull();
  });

  it("HelmChartReady carries the chart's own digest: changed by a chart file, not by Terraform", () => {
    const ready = helmChartReadySchema.parse(helmChartReady(eksApiPlan, eks));
    expect(ready.values_files).toEqual(
      ["values-dev.yaml", "values-prod.yaml", "values-qa.yaml", "values-staging.yaml", "values.yaml"].map((name) => `${ready.chart_path}/${name}`),
    );
    const edit = (prefix: string) =>
      eks.files.map((file) => (file.path.startsWith(prefix) && file.path.endsWith(".yaml") ? { ...file, sha256: sha256(`${file.content}\n# changed`) } : file));
    const chartEdited = edit(`${ready.chart_path}/values.yaml`);
    const terraformEdited = eks.files.map((file) => (file.path.startsWith("terraform/") ? { ...file, sha256: sha256(`${file.content}\n`) } : file));
    expect(helmChartReady(eksApiPlan, { ...eks, files: chartEdited, digest: artifactDigest(chartEdited) })?.chart_digest).not.toBe(ready.chart_digest);
    expect(helmChartReady(eksApiPlan, { ...eks, files: terraformEdited, digest: artifactDigest(terraformEdited) })?.chart_digest).toBe(ready.chart_digest);
  });
});
