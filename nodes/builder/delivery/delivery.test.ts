import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlanSpec } from "../../../schemas/plan.js";
import { eksApiPlan, eksPipelinePlan } from "../../../test/fixtures/plans/eks.js";
import { staticSitePlan, webApiProdPlan } from "../../../test/fixtures/plans/index.js";
import { makeContext } from "../context.js";
import { renderArtifacts } from "../engine.js";
import { DELIVERY_ENVIRONMENTS } from "../environments.js";
import { renderDelivery } from "./index.js";
import { GENERATED_FILES } from "./scripts.js";

type Obj = Record<string, unknown>;

/**
 * Artifact paths for a plan: what the builder renders, with the per-environment overlays and values
 * files taken out and put back as `extras` asks, so a test controls exactly which exist (whether or
 * not the overlay work has landed in the builder).
 */
function artifactPaths(plan: PlanSpec, extras: { overlays?: boolean; values?: boolean } = { overlays: true, values: true }): string[] {
  const isPerEnv = (p: string) => p.startsWith("kubernetes/overlays/") || /^helm\/[^/]+\/values-[a-z]+\.yaml$/.test(p);
  const paths = renderArtifacts(plan)
    .files.map((file) => file.path)
    .filter((p) => !isPerEnv(p));
  if (plan.compute.platform !== "eks") return paths;
  const chart = paths.find((p) => p.endsWith("/Chart.yaml"))?.replace(/\/Chart\.yaml$/, "");
  for (const env of DELIVERY_ENVIRONMENTS) {
    if (extras.overlays) paths.push(`kubernetes/overlays/${env}/kustomization.yaml`);
    if (extras.values && chart) paths.push(`${chart}/values-${env}.yaml`);
  }
  return paths;
}

function render(plan: PlanSpec, paths = artifactPaths(plan), options = {}) {
  return renderDelivery(makeContext(plan), paths, options);
}

function file(files: { path: string; content: string }[], path: string): string {
  const found = files.find((f) => f.path === path);
  if (!found) throw new Error(`no ${path} among ${files.map((f) => f.path).join(", ")}`);
  return found.content;
}

const asObj = (value: unknown) => value as Obj;
const asList = (value: unknown) => value as Obj[];

/** Every shell text a pipeline runs: GitHub `run`, Azure `script` and AWSShellScript `inlineScript`. */
function shellTexts(steps: Obj[]): string[] {
  return steps.flatMap((step) => {
    const inline = asObj(step.inputs ?? {}).inlineScript;
    return [step.run, step.script, inline].filter((text): text is string => typeof text === "string");
  });
}

/** Paths relative to the plan folder that a text names: `terraform`, `kubernetes/overlays/dev`, `helm/x/values-qa.yaml`. */
function referencedPaths(text: string): string[] {
  const found = text.matchAll(/(?<=[\s"'=/])((?:terraform|kubernetes|helm)(?:\/[\w.${}-]+)*)(?=[\s"']|$)/gm);
  const refs = [...found].map((match) => match[1] as string);
  // the rollback job names the environment by a shell variable: check every environment it can be
  return refs.flatMap((ref) => (ref.includes("${ATLAS_ENVIRONMENT}") ? DELIVERY_ENVIRONMENTS.map((env) => ref.replace("${ATLAS_ENVIRONMENT}", env)) : [ref]));
}

const exists = (paths: readonly string[], ref: string) =>
  (GENERATED_FILES as readonly string[]).includes(ref) || paths.some((p) => p === ref || p.startsWith(`${ref}/`));

describe("renderDelivery: which files", () => {
  it("gives an EKS design both pipelines, an Argo CD Application and a Flux Kustomization per environment, and the Flux source", () => {
    const paths = render(eksApiPlan).map((f) => f.path);
    expect(paths).toEqual([
      "pipelines/github-actions/deploy.yml",
      "pipelines/azure-pipelines.deploy.yaml",
      ...DELIVERY_ENVIRONMENTS.map((env) => `gitops/argocd/application-${env}.yaml`),
      ...DELIVERY_ENVIRONMENTS.map((env) => `gitops/flux/kustomization-${env}.yaml`),
      "gitops/flux/gitrepository.yaml",
    ]);
  });

  it("gives ECS and static designs the two pipelines only", () => {
    for (const plan of [webApiProdPlan, staticSitePlan]) {
      expect(render(plan).map((f) => f.path)).toEqual(["pipelines/github-actions/deploy.yml", "pipelines/azure-pipelines.deploy.yaml"]);
    }
  });

  it("is deterministic: the same plan gives the same bytes, whatever the order of the paths", () => {
    for (const plan of [eksApiPlan, webApiProdPlan]) {
      const paths = artifactPaths(plan);
      expect(render(plan, [...paths].reverse())).toEqual(render(plan, paths));
      expect(render(plan, paths)).toEqual(render(plan, paths));
    }
  });

  it("refuses Kubernetes artifacts that no environment-complete overlay or chart can deploy", () => {
    expect(() =>
      render(
        eksApiPlan,
        artifactPaths(eksApiPlan, {}).filter((p) => !p.endsWith("values-qa.yaml")),
      ),
    ).toThrow(/kubernetes\/overlays\/qa/);
    expect(() => render(eksApiPlan, ["README.md"])).toThrow(/no terraform/);
  });

  it("offers only Helm, and no GitOps files, when the overlays are missing but every values file exists", () => {
    const files = render(eksApiPlan, artifactPaths(eksApiPlan, { values: true }));
    expect(files.map((f) => f.path)).toEqual(["pipelines/github-actions/deploy.yml", "pipelines/azure-pipelines.deploy.yaml"]);
    const workflow = asObj(parse(file(files, "pipelines/github-actions/deploy.yml")));
    const inputs = asObj(asObj(asObj(workflow.on).workflow_dispatch).inputs);
    expect(asObj(inputs.deployer).options).toEqual(["helm"]);
    expect(file(files, "pipelines/github-actions/deploy.yml")).not.toContain("kubectl apply");
  });
});

describe("renderDelivery: GitHub Actions", () => {
  const workflowOf = (plan: PlanSpec) => asObj(parse(file(render(plan), "pipelines/github-actions/deploy.yml")));

  it("has the keys GitHub requires and one job per environment, each needing the one before", () => {
    const workflow = workflowOf(eksApiPlan);
    const on = asObj(workflow.on);
    expect(asObj(on.push).branches).toEqual(["main"]);
    expect(asObj(on.push).paths).toContain(`plans/*/${eksApiPlan.plan_id}/**`);
    expect(asObj(asObj(asObj(on.workflow_dispatch).inputs).environment).options).toEqual([...DELIVERY_ENVIRONMENTS]);
    expect(asObj(workflow.permissions)["id-token"]).toBe("write");
    const jobs = asObj(workflow.jobs);
    DELIVERY_ENVIRONMENTS.forEach((env, index) => {
      const job = asObj(jobs[`deploy_${env}`]);
      expect(job["runs-on"]).toBeTruthy();
      expect(job.environment).toBe(env);
      expect(job.needs).toBe(index === 0 ? undefined : `deploy_${DELIVERY_ENVIRONMENTS[index - 1]}`);
      for (const step of asList(job.steps)) expect(typeof step.uses === "string" || typeof step.run === "string").toBe(true);
    });
    expect(asObj(jobs.rollback).if).toContain("inputs.rollback");
  });

  it("plans, uploads the plan JSON, validates it, applies it, then deploys the overlay or the chart, in that order", () => {
    const jobs = asObj(workflowOf(eksApiPlan).jobs);
    for (const env of DELIVERY_ENVIRONMENTS) {
      const steps = asList(asObj(jobs[`deploy_${env}`]).steps);
      const at = (test: (step: Obj) => boolean) => steps.findIndex(test);
      const plan = at((s) => String(s.run ?? "").includes("show -json plan.tfplan > terraform/plan.json"));
      const upload = at((s) => s.uses === "actions/upload-artifact@v4" && String(asObj(s.with).path).endsWith("/terraform/plan.json"));
      const validate = at((s) => String(s.run ?? "").includes("atlas validate /plan/plan.json"));
      const apply = at((s) => String(s.run ?? "").includes("apply -input=false plan.tfplan"));
      const kustomize = at((s) => s.run === `kubectl apply -k kubernetes/overlays/${env}\n`);
      const helm = at((s) => String(s.run ?? "").includes(`-f helm/orders-api/values-${env}.yaml`));
      expect([plan, upload, validate, apply].every((index) => index >= 0)).toBe(true);
      expect(plan < upload && upload < validate && validate < apply && apply < kustomize && apply < helm).toBe(true);
      expect(steps[kustomize]?.if).toBe("env.ATLAS_DEPLOYER == 'kustomize'");
      expect(steps[helm]?.if).toBe("env.ATLAS_DEPLOYER == 'helm'");
      expect(String(steps[helm]?.run)).toMatch(/helm upgrade --install orders-api helm\/orders-api[\s\S]*--atomic/);
    }
  });

  it("pins every action to a major version", () => {
    const jobs = Object.values(asObj(workflowOf(eksApiPlan).jobs)).map(asObj);
    const uses = new Set(jobs.flatMap((job) => asList(job.steps).map((s) => s.uses)).filter((u): u is string => typeof u === "string"));
    expect([...uses].sort()).toEqual([
      "actions/checkout@v4",
      "actions/upload-artifact@v4",
      "aws-actions/configure-aws-credentials@v4",
      "azure/setup-helm@v4",
      "azure/setup-kubectl@v4",
      "hashicorp/setup-terraform@v3",
    ]);
  });

  it("gives an ECS design no kubectl or helm step: it applies the saved plan, and rolls back by applying the previous commit's Terraform", () => {
    const jobs = asObj(workflowOf(webApiProdPlan).jobs);
    for (const job of Object.values(jobs).map(asObj)) {
      const steps = asList(job.steps);
      for (const text of shellTexts(steps)) expect(text).not.toMatch(/\b(kubectl|helm)\b/);
      expect(steps.map((s) => s.uses)).not.toContain("azure/setup-helm@v4");
      expect(steps.map((s) => s.uses)).not.toContain("azure/setup-kubectl@v4");
      expect(shellTexts(steps).some((text) => text.includes("terraform -chdir=terraform apply -input=false plan.tfplan"))).toBe(true);
    }
    const rollback = shellTexts(asList(asObj(jobs.rollback).steps)).join("\n");
    expect(rollback.indexOf("git checkout --detach")).toBeLessThan(rollback.indexOf("apply -input=false plan.tfplan"));
  });
});

describe("renderDelivery: Azure DevOps", () => {
  const pipelineOf = (plan: PlanSpec) => asObj(parse(file(render(plan), "pipelines/azure-pipelines.deploy.yaml")));

  it("has a deployment stage per environment in promotion order, each on its environment, and a rollback stage on failure", () => {
    const stages = asList(pipelineOf(eksApiPlan).stages);
    const deploys = stages.filter((s) => String(s.stage).startsWith("deploy_"));
    expect(deploys.map((s) => s.stage)).toEqual(DELIVERY_ENVIRONMENTS.map((env) => `deploy_${env}`));
    DELIVERY_ENVIRONMENTS.forEach((env, index) => {
      const stage = deploys[index] as Obj;
      expect(stage.dependsOn).toBe(index === 0 ? undefined : `deploy_${DELIVERY_ENVIRONMENTS[index - 1]}`);
      const job = asList(stage.jobs)[0] as Obj;
      expect(typeof job.deployment).toBe("string");
      expect(job.environment).toBe(`orders-api-${env}`);
      const steps = asList(asObj(asObj(asObj(job.strategy).runOnce).deploy).steps);
      for (const step of steps) expect(["task", "script", "checkout", "publish"].some((key) => key in step)).toBe(true);
      expect(steps.some((s) => String(s.publish).endsWith("/terraform/plan.json"))).toBe(true);
      expect(steps.some((s) => String(s.script).includes("atlas validate"))).toBe(true);
      const helm = steps.find((s) => s.task === "HelmDeploy@0");
      expect(asObj(helm?.inputs).chartPath).toBe("$(Build.SourcesDirectory)/$(ATLAS_PLAN_DIR)/helm/orders-api");
      expect(asObj(helm?.inputs).valueFile).toBe(`$(Build.SourcesDirectory)/$(ATLAS_PLAN_DIR)/helm/orders-api/values-${env}.yaml`);
      expect(shellTexts(steps).some((text) => text.includes(`kubectl apply -k kubernetes/overlays/${env}`))).toBe(true);
      const rollback = stages.find((s) => s.stage === `rollback_${env}`);
      expect(rollback?.condition).toBe("failed()");
      expect(rollback?.dependsOn).toBe(`deploy_${env}`);
    });
  });

  it("gives an ECS design Terraform steps and no kubectl or Helm", () => {
    const stages = asList(pipelineOf(webApiProdPlan).stages);
    for (const stage of stages) {
      const job = asList(stage.jobs)[0] as Obj;
      const steps = asList(asObj(asObj(asObj(job.strategy).runOnce).deploy).steps);
      expect(steps.map((s) => s.task)).not.toContain("HelmDeploy@0");
      for (const text of shellTexts(steps)) expect(text).not.toMatch(/\b(kubectl|helm)\b/);
      expect(shellTexts(steps).some((text) => text.includes("apply -input=false plan.tfplan"))).toBe(true);
    }
  });
});

describe("renderDelivery: paths and trace", () => {
  it("names in its pipelines only paths that exist among the artifacts (or that the pipeline writes)", () => {
    for (const plan of [eksApiPlan, eksPipelinePlan, webApiProdPlan, staticSitePlan]) {
      const paths = artifactPaths(plan);
      for (const f of render(plan, paths).filter((x) => x.path.startsWith("pipelines/"))) {
        const refs = referencedPaths(f.content);
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) expect(exists(paths, ref), `${f.path} names ${ref}`).toBe(true);
      }
    }
  });

  it("points Argo CD and Flux at each environment's overlay, syncing dev and qa on their own only", () => {
    const paths = artifactPaths(eksApiPlan);
    const files = render(eksApiPlan, paths);
    const source = asObj(parse(file(files, "gitops/flux/gitrepository.yaml")));
    for (const env of DELIVERY_ENVIRONMENTS) {
      const app = asObj(parse(file(files, `gitops/argocd/application-${env}.yaml`)));
      expect([app.apiVersion, app.kind]).toEqual(["argoproj.io/v1alpha1", "Application"]);
      const spec = asObj(app.spec);
      expect(asObj(spec.source).path).toBe(`kubernetes/overlays/${env}`);
      expect(exists(paths, String(asObj(spec.source).path))).toBe(true);
      expect(asObj(spec.destination).namespace).toBe(`orders-api-${env}`);
      expect(asObj(spec.destination).server).toBeTruthy();
      const automated = asObj(spec.syncPolicy).automated;
      expect(automated === undefined).toBe(env === "staging" || env === "prod");

      const flux = asObj(parse(file(files, `gitops/flux/kustomization-${env}.yaml`)));
      expect([flux.apiVersion, flux.kind]).toEqual(["kustomize.toolkit.fluxcd.io/v1", "Kustomization"]);
      const fluxSpec = asObj(flux.spec);
      expect(exists(paths, String(fluxSpec.path).replace(/^\.\//, ""))).toBe(true);
      expect(fluxSpec.sourceRef).toEqual({ kind: "GitRepository", name: asObj(source.metadata).name });
      expect(fluxSpec.interval).toMatch(/^\d+[smh]$/);
      expect(fluxSpec.prune).toBe(true);
      expect(fluxSpec.suspend === true).toBe(env === "staging" || env === "prod");
    }
  });

  it("prefixes the GitOps paths and ATLAS_PLAN_DIR with the plan folder when given one, and uses a given repository URL", () => {
    const dir = `plans/acme/${eksApiPlan.plan_id}`;
    const files = render(eksApiPlan, artifactPaths(eksApiPlan), { planDir: dir, repoUrl: "https://git.example.com/acme/gitops.git" });
    const app = asObj(parse(file(files, "gitops/argocd/application-prod.yaml")));
    expect(asObj(asObj(app.spec).source)).toMatchObject({ path: `${dir}/kubernetes/overlays/prod`, repoURL: "https://git.example.com/acme/gitops.git" });
    expect(asObj(parse(file(files, "gitops/flux/kustomization-dev.yaml")).spec).path).toBe(`./${dir}/kubernetes/overlays/dev`);
    expect(asObj(asObj(parse(file(files, "pipelines/github-actions/deploy.yml"))).env).ATLAS_PLAN_DIR).toBe(dir);
    expect(asObj(asObj(parse(file(files, "pipelines/azure-pipelines.deploy.yaml"))).variables).ATLAS_PLAN_DIR).toBe(dir);
  });

  it("traces every file to the plan: a header on each, labels and annotations on each GitOps object", () => {
    for (const plan of [eksApiPlan, webApiProdPlan]) {
      for (const f of render(plan)) {
        const header = f.content.split("\n")[0];
        expect(header).toContain(plan.plan_id);
        expect(header).toContain(plan.trace_id);
        expect(header).toContain(`version ${plan.version}`);
        if (!f.path.startsWith("gitops/")) continue;
        const meta = asObj(asObj(parse(f.content)).metadata);
        expect(asObj(meta.labels)["atlas.dev/trace-id"]).toBe(plan.trace_id);
        expect(asObj(meta.labels)["atlas.dev/plan-id"]).toBe(plan.plan_id);
        expect(asObj(meta.annotations)["atlas.dev/plan-version"]).toBe(String(plan.version));
        expect(asObj(meta.annotations)["atlas.dev/generated-by"]).toBe("atlas-builder");
      }
    }
  });
});

describe("renderDelivery: cluster add-ons before the workloads", () => {
  const githubDeploySteps = (plan: PlanSpec, env: string) =>
    asList(asObj(asObj(asObj(parse(file(render(plan), "pipelines/github-actions/deploy.yml"))).jobs)[`deploy_${env}`]).steps);
  const azureDeploySteps = (plan: PlanSpec, env: string) => {
    const stage = asList(asObj(parse(file(render(plan), "pipelines/azure-pipelines.deploy.yaml"))).stages).find((s) => s.stage === `deploy_${env}`);
    const job = asList(stage?.jobs)[0] as Obj;
    return asList(asObj(asObj(asObj(job.strategy).runOnce).deploy).steps);
  };
  const installs = (chart: string) => new RegExp(`helm upgrade --install [a-z-]+ ${chart} --version \\d+\\.\\d+\\.\\d+ \\\\\\n\\s+--namespace kube-system`);
  const controller = installs("eks/aws-load-balancer-controller");
  const autoscaler = installs("autoscaler/cluster-autoscaler");

  for (const [name, stepsOf] of [
    ["GitHub Actions", githubDeploySteps],
    ["Azure DevOps", azureDeploySteps],
  ] as const) {
    it(`${name}: installs the pinned controller and cluster-autoscaler charts after the apply and before the overlay or chart, then the certificate`, () => {
      for (const env of DELIVERY_ENVIRONMENTS) {
        const steps = stepsOf(eksApiPlan, env);
        const at = (test: (text: string, step: Obj) => boolean) =>
          steps.findIndex((step) => shellTexts([step]).some((text) => test(text, step)) || test("", step));
        const apply = at((text) => text.includes("apply -input=false plan.tfplan"));
        const addons = at((text) => controller.test(text));
        const kustomize = at((text) => text.includes(`kubectl apply -k kubernetes/overlays/${env}`));
        const chart = at((text, step) => text.includes(`-f helm/orders-api/values-${env}.yaml`) || step.task === "HelmDeploy@0");
        const certificate = at((text) => text.includes("alb.ingress.kubernetes.io/certificate-arn="));
        expect([apply, addons, kustomize, chart, certificate].every((index) => index >= 0)).toBe(true);
        expect(apply < addons && addons < kustomize && addons < chart && kustomize < certificate && chart < certificate).toBe(true);
        const script = shellTexts([steps[addons] as Obj]).join("\n");
        expect(script).toMatch(autoscaler);
        // connected to the cluster in an earlier step (GitHub) or earlier in the same script (Azure)
        const connect = at((text) => text.includes("aws eks update-kubeconfig"));
        expect(connect >= 0 && connect <= addons).toBe(true);
        if (connect === addons) expect(script.indexOf("aws eks update-kubeconfig")).toBeLessThan(script.indexOf("helm upgrade"));
        expect(script).toContain("helm repo add eks https://aws.github.io/eks-charts");
        expect(script).toContain("helm repo add autoscaler https://kubernetes.github.io/autoscaler");
        expect(script).toContain('--set clusterName="$(terraform -chdir=terraform output -raw eks_cluster_name)"');
        expect(script).toContain('--set vpcId="$(terraform -chdir=terraform output -raw vpc_id)"');
        expect(script).toContain("--set serviceAccount.name=aws-load-balancer-controller");
        expect(script).toContain(`--set region=${eksApiPlan.region}`);
        expect(script).toContain('--set autoDiscovery.clusterName="$(terraform -chdir=terraform output -raw eks_cluster_name)"');
        expect(script).toContain("--set rbac.serviceAccount.name=cluster-autoscaler");
        // the release the webhook belongs to must be up before any Service is applied
        expect(
          script
            .split("helm upgrade")
            .slice(1)
            .every((install) => install.includes("--atomic")),
        ).toBe(true);
      }
    });
  }

  it("reads only Terraform outputs the build declares", () => {
    const outputs = renderArtifacts(eksApiPlan).files.find((f) => f.path === "terraform/outputs.tf")?.content ?? "";
    const pipelines = render(eksApiPlan).filter((f) => f.path.startsWith("pipelines/"));
    const read = new Set(pipelines.flatMap((f) => [...f.content.matchAll(/output -raw ([a-z_]+)/g)].map((m) => m[1] as string)));
    expect([...read].sort()).toEqual(["certificate_arn", "eks_cluster_name", "vpc_id"]);
    for (const name of read) expect(outputs).toContain(`output "${name}"`);
  });

  it("gives a scheduled EKS design (no Ingress) cluster-autoscaler but no controller and no certificate step", () => {
    for (const stepsOf of [githubDeploySteps, azureDeploySteps]) {
      const texts = shellTexts(stepsOf(eksPipelinePlan, "prod")).join("\n");
      expect(texts).toMatch(autoscaler);
      expect(texts).not.toMatch(controller);
      expect(texts).not.toContain("certificate-arn");
    }
  });
});
