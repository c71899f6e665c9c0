import { describe, expect, it } from "vitest";
import { renderArtifacts } from "../nodes/builder/engine.js";
import { eksApiPlan } from "../test/fixtures/plans/eks.js";
import { mergeOrgPolicy } from "./org-policy.js";
import { defaultOrgPolicy } from "./org-policy-schema.js";

describe("organisation policy: naming conventions", () => {
  it("has none by default, so the builder keeps its own names", () => {
    expect(defaultOrgPolicy().conventions).toBeUndefined();
  });

  it("reads a conventions section; later files win field by field", () => {
    const policy = mergeOrgPolicy([
      { source: "a.yaml", data: { conventions: { namespace: "cs-${goal}-${env}", team: "payments" } } },
      { source: "b.yaml", data: { conventions: { team: "billing", prometheus_operator: true } } },
    ]);
    expect(policy.conventions).toEqual({ namespace: "cs-${goal}-${env}", team: "billing", prometheus_operator: true });
  });

  it("names a bad pattern, an unknown placeholder or an unknown field with its path", () => {
    const attempt = (conventions: unknown) => () => mergeOrgPolicy([{ source: "p.yaml", data: { conventions } }]);
    expect(attempt({ namespace: "CS_${goal}" })).toThrow(
      expect.objectContaining({ details: { file: "p.yaml" }, issues: [expect.objectContaining({ path: "conventions.namespace" })] }),
    );
    expect(attempt({ secret_name: "${tenant}-secrets" })).toThrow(/conventions\.secret_name: the only placeholders/);
    expect(attempt({ chart: "x" })).toThrow(/conventions\.chart: unknown field/);
  });

  it("the builder uses the policy's conventions for the namespace, chart and labels", () => {
    const policy = mergeOrgPolicy([
      { source: "p.yaml", data: { conventions: { namespace: "cs-${goal}-${env}", chart_name: "${goal}-chart", team: "payments" } } },
    ]);
    const files = renderArtifacts(eksApiPlan, policy.conventions).files;
    expect(files.some((f) => f.path === "helm/orders-api-chart/values-qa.yaml")).toBe(true);
    const namespace = files.find((f) => f.path === "kubernetes/overlays/qa/namespace.yaml")?.content ?? "";
    expect(namespace).toContain("name: cs-orders-api-qa");
    expect(namespace).toContain("atlas.dev/team: payments");
  });
});
