import { describe, expect, it } from "vitest";
import { eksApiPlan } from "../../test/fixtures/plans/eks.js";
import { renderArtifacts } from "../builder/engine.js";
import { VALIDATED_KINDS, validateArtifacts } from "./check.js";

describe("the validator node reads what the builder delivers", () => {
  const artifacts = renderArtifacts(eksApiPlan);
  const options = { environment: eksApiPlan.environment, region: eksApiPlan.region, budgetUsd: eksApiPlan.cost.budget_usd };

  it("checks Terraform, Kubernetes, delivery files (pipelines, Argo CD, Flux) and the Helm chart", async () => {
    const report = await validateArtifacts(artifacts, options);
    const expected = artifacts.files.filter((f) => ["terraform", "kubernetes", "delivery", "helm"].includes(f.kind));
    expect(artifacts.files.some((f) => f.kind === "delivery")).toBe(true);
    expect(artifacts.files.some((f) => f.kind === "helm")).toBe(true);
    expect(report.checked_files).toBe(expected.length);
    expect([...VALIDATED_KINDS].sort()).toEqual(["delivery", "helm", "kubernetes", "terraform"]);
    expect(report.findings.filter((f) => f.rule_id.startsWith("HELM_"))).toEqual([]);
  });

  it("fails a build whose pipeline breaks its platform's schema, pointing at the pipeline", async () => {
    const broken = {
      ...artifacts,
      files: artifacts.files.map((file) =>
        file.path === "pipelines/github-actions/deploy.yml"
          ? { ...file, content: file.content.replace("      - uses: actions/checkout@v4\n", "      - name: nothing to do\n") }
          : file,
      ),
    };
    expect(broken.files.find((f) => f.path === "pipelines/github-actions/deploy.yml")?.content).toContain("- name: nothing to do");
    const report = await validateArtifacts(broken, options);
    expect(report.status).toBe("FAIL");
    expect(report.findings.filter((f) => f.rule_id === "PIPELINE_SCHEMA").map((f) => f.file)).toContain("pipelines/github-actions/deploy.yml");
  });

  it("checks the Argo CD and Flux objects against their pinned schemas", async () => {
    const broken = {
      ...artifacts,
      files: artifacts.files.map((file) =>
        file.path === "gitops/flux/kustomization-dev.yaml" ? { ...file, content: file.content.replace("prune: true", "prune: sometimes") } : file,
      ),
    };
    const report = await validateArtifacts(broken, options);
    expect(report.findings.filter((f) => f.rule_id === "K8S_SCHEMA")).toEqual([
      expect.objectContaining({ file: "gitops/flux/kustomization-dev.yaml", message: expect.stringContaining("spec.prune must be boolean") }),
    ]);
  });
});
