import { describe, expect, it } from "vitest";
import { azureAksProdPlan } from "../../test/fixtures/plans/azure.js";
import { gcpWebApiProdPlan } from "../../test/fixtures/plans/gcp.js";
import { requiredVariables } from "./cloud-readme.js";
import { renderArtifacts } from "./engine.js";

describe("README of an Azure or Google Cloud build", () => {
  it("lists the variables declared without a default, and only those", () => {
    const files = [
      {
        path: "terraform/variables.tf",
        content: 'variable "b" {\n  type = string\n}\n\nvariable "a" {\n  type    = string\n  default = "x"\n}\n\nvariable "c" {\n  type = list(string)\n}\n',
      },
      { path: "README.md", content: 'variable "z" {\n}\n' },
    ];
    expect(requiredVariables(files)).toEqual(["b", "c"]);
  });

  it.each([
    ["azure AKS", azureAksProdPlan],
    ["gcp Cloud Run", gcpWebApiProdPlan],
  ])("%s: names every file, the variables to give, the cost and what is not built", (_name, plan) => {
    const artifacts = renderArtifacts(plan);
    const readme = artifacts.files.find((file) => file.path === "README.md")?.content ?? "";
    for (const file of artifacts.files.filter((f) => f.path !== "README.md")) expect(readme).toContain(`\`${file.path}\``);
    for (const name of requiredVariables(artifacts.files)) expect(readme).toContain(`\`${name}\``);
    expect(readme).toContain(`$${plan.cost.monthly_total_usd.toFixed(2)} a month`);
    expect(readme).toMatch(/## Not in this build\n\n- Delivery pipelines/);
  });

  it("tells an AKS operator which placeholders to fill and how to deploy the overlay or the chart", () => {
    const readme = renderArtifacts(azureAksProdPlan).files.find((file) => file.path === "README.md")?.content ?? "";
    expect(readme).toContain("`WORKLOAD_CLIENT_ID`: terraform output -raw identity_workload_client_id");
    expect(readme).toContain(`kubectl apply -k kubernetes/overlays/${azureAksProdPlan.environment}`);
    expect(readme).toContain("az aks command invoke");
  });
});
