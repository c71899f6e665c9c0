import type { BuildContext, RenderedFile } from "../context.js";
import { DELIVERY_ENVIRONMENTS, type DeliveryEnvironment } from "../environments.js";
import { awsName, tfName } from "../labels.js";
import { annotateCertificate, installClusterAddons } from "./addons.js";
import { type DeliveryLayout, deliveryNamespace, deployerDescription, deployers, validatorEnvironment } from "./layout.js";
import { kubeconfig, kustomizeApply, rollbackCheckout, TERRAFORM_VERSION, terraformApply, terraformInit, terraformPlan, validatePlan } from "./scripts.js";
import { traceHeader, yamlWithComments } from "./yaml-doc.js";

/** Where the Azure DevOps pipeline is written. */
export const AZURE_PIPELINE_PATH = "pipelines/azure-pipelines.deploy.yaml";

type Step = Record<string, unknown>;

/** The plan's folder in the checked-out repository, as an Azure DevOps macro path. */
const PLAN_ROOT = "$(Build.SourcesDirectory)/$(ATLAS_PLAN_DIR)";

/** Names of what a team creates in Azure DevOps for an environment; the header lists them. */
export function azureNames(ctx: BuildContext, env: DeliveryEnvironment) {
  const goal = ctx.plan.goal_name;
  return {
    environment: awsName(63, goal, env),
    variableGroup: awsName(63, goal, env),
    awsConnection: awsName(63, goal, "aws", env),
    kubernetesConnection: awsName(63, goal, "k8s", env),
  };
}

/** A script run with the environment's AWS service connection (AWS Toolkit for Azure DevOps), from the plan's folder. */
function awsStep(ctx: BuildContext, env: DeliveryEnvironment, displayName: string, script: string, condition?: string): Step {
  return {
    task: "AWSShellScript@1",
    displayName,
    ...(condition ? { condition } : {}),
    inputs: {
      awsCredentials: azureNames(ctx, env).awsConnection,
      regionName: ctx.plan.region,
      scriptType: "inline",
      inlineScript: `set -euo pipefail\ncd "${PLAN_ROOT}"\n${script}`,
    },
  };
}

function scriptStep(displayName: string, script: string): Step {
  return { script: `set -euo pipefail\n${script}`, displayName, workingDirectory: PLAN_ROOT };
}

const installTerraform = [
  "set -euo pipefail",
  'dir="$(Agent.TempDirectory)/terraform"',
  'mkdir -p "$dir"',
  'curl -fsSLo "$dir.zip" "https://releases.hashicorp.com/terraform/$(TF_VERSION)/terraform_$(TF_VERSION)_linux_amd64.zip"',
  'unzip -o -q "$dir.zip" -d "$dir"',
  'echo "##vso[task.prependpath]$dir"',
  "",
].join("\n");

const deployerIs = (mode: string) => `and(succeeded(), eq(variables.ATLAS_DEPLOYER, '${mode}'))`;

/**
 * The Kubernetes deploy: Helm, the cluster add-ons, then kubectl apply -k of the overlay or
 * HelmDeploy@0 of each chart with the environment's values, then the Ingress's certificate.
 */
function kubernetesSteps(ctx: BuildContext, layout: DeliveryLayout, env: DeliveryEnvironment): Step[] {
  // the cluster add-ons are Helm charts, whichever deployer runs the workloads
  const steps: Step[] = [{ task: "HelmInstaller@1", displayName: "Install Helm", inputs: { helmVersionToInstall: "latest" } }];
  const addons = installClusterAddons(ctx);
  if (addons) steps.push(awsStep(ctx, env, "Install the cluster add-ons (load balancer controller, cluster-autoscaler)", `${kubeconfig(ctx.plan)}${addons}`));
  if (layout.kustomize)
    steps.push(awsStep(ctx, env, `kubectl apply -k kubernetes/overlays/${env}`, `${kubeconfig(ctx.plan)}${kustomizeApply(env)}`, deployerIs("kustomize")));
  if (layout.charts.length > 0) {
    for (const chart of layout.charts) {
      steps.push({
        task: "HelmDeploy@0",
        displayName: `helm upgrade --install ${chart.release}`,
        condition: deployerIs("helm"),
        inputs: {
          connectionType: "Kubernetes Service Connection",
          kubernetesServiceEndpoint: azureNames(ctx, env).kubernetesConnection,
          namespace: deliveryNamespace(ctx.plan, env),
          command: "upgrade",
          chartType: "FilePath",
          chartPath: `${PLAN_ROOT}/${chart.dir}`,
          releaseName: chart.release,
          valueFile: `${PLAN_ROOT}/${chart.dir}/values-${env}.yaml`,
          install: true,
          arguments: "--create-namespace --atomic --timeout 10m",
        },
      });
    }
  }
  const certificate = annotateCertificate(ctx, deliveryNamespace(ctx.plan, env));
  if (certificate) steps.push(awsStep(ctx, env, "Put the certificate on the Ingress", `${kubeconfig(ctx.plan)}${certificate}`));
  return steps;
}

/** Checkout, Terraform plan, the plan JSON published, validation, apply, then the workloads. */
function deploySteps(ctx: BuildContext, layout: DeliveryLayout, env: DeliveryEnvironment, rollback: boolean): Step[] {
  const artifact = `terraform-plan-${rollback ? "rollback" : "deploy"}-${env}-$(System.StageAttempt)`;
  return [
    // deployment jobs do not check out the repository on their own
    { checkout: "self", fetchDepth: rollback ? 0 : 1 },
    ...(rollback ? [scriptStep("Check out the previous version", rollbackCheckout())] : []),
    { script: installTerraform, displayName: `Install Terraform ${TERRAFORM_VERSION}` },
    awsStep(ctx, env, "Terraform init and plan", `${terraformInit(ctx.plan)}${terraformPlan()}`),
    { publish: `${PLAN_ROOT}/terraform/plan.json`, artifact, displayName: "Publish the plan JSON" },
    scriptStep("Validate the plan (atlas validate)", validatePlan()),
    awsStep(ctx, env, "Terraform apply (the validated plan)", terraformApply()),
    ...(layout.kubernetes ? kubernetesSteps(ctx, layout, env) : []),
  ];
}

function stage(ctx: BuildContext, layout: DeliveryLayout, env: DeliveryEnvironment, previous: DeliveryEnvironment | undefined, rollback: boolean) {
  const names = azureNames(ctx, env);
  const job = tfName(`${rollback ? "rollback" : "deploy"}_${ctx.plan.goal_name}`);
  return {
    stage: `${rollback ? "rollback" : "deploy"}_${env}`,
    displayName: `${rollback ? "Roll back" : "Deploy"} ${env}`,
    ...(rollback ? { dependsOn: `deploy_${env}`, condition: "failed()" } : previous ? { dependsOn: `deploy_${previous}` } : {}),
    variables: [{ group: names.variableGroup }, { name: "ATLAS_ENVIRONMENT", value: env }, { name: "ATLAS_VALIDATOR_ENV", value: validatorEnvironment(env) }],
    jobs: [
      {
        deployment: job,
        displayName: `${rollback ? "Roll back" : "Deploy"} ${ctx.plan.goal_name} to ${env}`,
        // the EKS API endpoint is private: Kubernetes designs need agents inside the VPC
        pool: layout.kubernetes ? { name: "atlas-vpc" } : { vmImage: "ubuntu-latest" },
        environment: names.environment,
        strategy: { runOnce: { deploy: { steps: deploySteps(ctx, layout, env, rollback) } } },
      },
    ],
  };
}

/**
 * The Azure DevOps multi-stage pipeline: a deployment stage per environment in promotion order,
 * each depending on the one before, and a rollback stage per environment that runs when that
 * environment's deployment failed and deploys the plan folder's previous version again.
 */
export function renderAzurePipeline(ctx: BuildContext, layout: DeliveryLayout, paths: readonly string[], planDir: string): RenderedFile {
  const { plan } = ctx;
  const modes = deployers(layout);
  const roots = [...new Set(paths.filter((p) => p.includes("/")).map((p) => p.split("/")[0] as string))].sort();
  const stages = DELIVERY_ENVIRONMENTS.flatMap((env, index) => {
    const previous = index > 0 ? DELIVERY_ENVIRONMENTS[index - 1] : undefined;
    return [stage(ctx, layout, env, previous, false), stage(ctx, layout, env, undefined, true)];
  });
  const pipeline = {
    trigger: { branches: { include: ["main"] }, paths: { include: [`plans/*/${plan.plan_id}/**`, ...roots.map((root) => `${root}/**`)] } },
    pr: "none",
    ...(modes.length > 0
      ? { parameters: [{ name: "deployer", displayName: deployerDescription(modes), type: "string", default: modes[0], values: modes }] }
      : {}),
    variables: {
      ATLAS_PLAN_DIR: planDir,
      ATLAS_PLAN_ID: plan.plan_id,
      ATLAS_PLAN_VERSION: String(plan.version),
      ATLAS_TRACE_ID: plan.trace_id,
      ...(modes.length > 0 ? { ATLAS_DEPLOYER: "${{ parameters.deployer }}" } : {}),
      TF_VERSION: TERRAFORM_VERSION,
      TF_IN_AUTOMATION: "1",
    },
    stages,
  };
  const example = azureNames(ctx, "prod");
  const header = traceHeader(plan, [
    "Per environment, create in Azure DevOps (names shown for prod):",
    `  environment ${example.environment}: add approvals and checks to the prod one, that is the manual gate;`,
    `  variable group ${example.variableGroup}: TF_STATE_BUCKET (S3 state bucket) and ATLAS_IMAGE (an Atlas image for atlas validate);`,
    `  AWS service connection ${example.awsConnection} (AWS Toolkit for Azure DevOps)${layout.charts.length > 0 ? `; Kubernetes service connection ${example.kubernetesConnection} for Helm` : ""}.`,
    `The Terraform is named and sized for ${plan.environment}: give each environment its own AWS account.`,
    ...(layout.kubernetes ? ["The cluster API is private: the atlas-vpc agent pool must run inside the VPC."] : []),
  ]);
  const content = yamlWithComments(header, pipeline, [
    {
      path: ["variables", "ATLAS_PLAN_DIR"],
      text: `The plan's folder in the repository: . at the root, or plans/<tenant>/${plan.plan_id} in Atlas's GitOps repository.`,
    },
  ]);
  return { path: AZURE_PIPELINE_PATH, content };
}
