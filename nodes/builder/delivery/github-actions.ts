import type { BuildContext, RenderedFile } from "../context.js";
import { DELIVERY_ENVIRONMENTS, type DeliveryEnvironment } from "../environments.js";
import { labelValue } from "../labels.js";
import { annotateCertificate, installClusterAddons } from "./addons.js";
import { type DeliveryLayout, deliveryNamespace, deployerDescription, deployers, validatorEnvironment } from "./layout.js";
import {
  helmRollback,
  helmUpgrade,
  kubeconfig,
  kustomizeApply,
  rollbackCheckout,
  TERRAFORM_VERSION,
  terraformApply,
  terraformInit,
  terraformPlan,
  validatePlan,
} from "./scripts.js";
import { traceHeader, yamlWithComments } from "./yaml-doc.js";

/** Where the workflow is written; copy it to `.github/workflows/` of the repository that holds the artifacts. */
export const GITHUB_WORKFLOW_PATH = "pipelines/github-actions/deploy.yml";

type Step = Record<string, unknown>;

/** The job id of an environment's deploy job. */
export const deployJobId = (env: DeliveryEnvironment) => `deploy_${env}`;

/**
 * Runners: the EKS API endpoint the builder creates is private, so Kubernetes designs deploy from a
 * self-hosted runner inside the VPC; the rest runs on GitHub's hosted runners.
 */
function runsOn(layout: DeliveryLayout): string | string[] {
  return layout.kubernetes ? ["self-hosted", "atlas-vpc"] : "ubuntu-latest";
}

/** Checkout, cloud credentials (OIDC, the environment's role) and Terraform: the start of every job. */
function setupSteps(ctx: BuildContext, fullHistory: boolean): Step[] {
  return [
    { uses: "actions/checkout@v4", ...(fullHistory ? { with: { "fetch-depth": 0 } } : {}) },
    {
      name: "AWS credentials (OIDC)",
      uses: "aws-actions/configure-aws-credentials@v4",
      with: { "role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": ctx.plan.region },
    },
    // the wrapper would add its own lines to `terraform show -json` output
    { uses: "hashicorp/setup-terraform@v3", with: { terraform_version: TERRAFORM_VERSION, terraform_wrapper: false } },
    { name: "Terraform init (state of this environment)", run: terraformInit(ctx.plan) },
  ];
}

/** Plan, keep the plan JSON as an artifact, validate it, apply it. */
function terraformSteps(artifactName: string): Step[] {
  return [
    { name: "Terraform plan", run: terraformPlan() },
    {
      name: "Upload the plan JSON",
      uses: "actions/upload-artifact@v4",
      // the plan JSON can hold sensitive values: kept a week, not the default 90 days
      with: { name: artifactName, path: "${{ env.ATLAS_PLAN_DIR }}/terraform/plan.json", "retention-days": 7 },
    },
    { name: "Validate the plan (atlas validate)", run: validatePlan() },
    { name: "Terraform apply (the validated plan)", run: terraformApply() },
  ];
}

/** kubectl and helm (the cluster add-ons are Helm charts), and a kubeconfig for the environment's cluster. */
function kubernetesSetup(ctx: BuildContext): Step[] {
  return [{ uses: "azure/setup-kubectl@v4" }, { uses: "azure/setup-helm@v4" }, { name: "Connect to the cluster", run: kubeconfig(ctx.plan) }];
}

function deployJob(ctx: BuildContext, layout: DeliveryLayout, env: DeliveryEnvironment, index: number): Record<string, unknown> {
  const earlier = DELIVERY_ENVIRONMENTS.slice(0, index);
  const previous = earlier[earlier.length - 1];
  const namespace = deliveryNamespace(ctx.plan, env);
  const deploySteps: Step[] = [];
  if (layout.kubernetes) {
    deploySteps.push(...kubernetesSetup(ctx));
    const addons = installClusterAddons(ctx);
    if (addons) deploySteps.push({ name: "Install the cluster add-ons (load balancer controller, cluster-autoscaler)", run: addons });
    if (layout.kustomize) deploySteps.push({ name: `Deploy kubernetes/overlays/${env}`, if: "env.ATLAS_DEPLOYER == 'kustomize'", run: kustomizeApply(env) });
    if (layout.charts.length > 0)
      deploySteps.push({ name: "Deploy the Helm chart", if: "env.ATLAS_DEPLOYER == 'helm'", run: helmUpgrade(layout.charts, env, namespace) });
    const certificate = annotateCertificate(ctx, namespace);
    if (certificate) deploySteps.push({ name: "Put the certificate on the Ingress", run: certificate });
  }
  return {
    name: `Deploy ${env}`,
    ...(previous ? { needs: deployJobId(previous) } : {}),
    // a manual run stops at the environment it names; a push promotes through all of them
    if: earlier.length === 0 ? "${{ !inputs.rollback }}" : `\${{ !inputs.rollback && !contains(fromJSON('${JSON.stringify(earlier)}'), inputs.environment) }}`,
    "runs-on": runsOn(layout),
    environment: env,
    defaults: { run: { "working-directory": "${{ env.ATLAS_PLAN_DIR }}" } },
    env: { ATLAS_ENVIRONMENT: env, ATLAS_VALIDATOR_ENV: validatorEnvironment(env), TF_STATE_BUCKET: "${{ vars.TF_STATE_BUCKET }}" },
    steps: [...setupSteps(ctx, false), ...terraformSteps(`terraform-plan-${env}`), ...deploySteps],
  };
}

/**
 * The rollback job (manual: `rollback: true`): Kubernetes designs roll back the workloads (helm
 * rollback, or the previous commit's overlay applied again); ECS and static designs apply the
 * previous commit's Terraform, planned and validated first.
 */
function rollbackJob(ctx: BuildContext, layout: DeliveryLayout): Record<string, unknown> {
  const validator = Object.fromEntries(DELIVERY_ENVIRONMENTS.map((env) => [env, validatorEnvironment(env)]));
  const namespaces = Object.fromEntries(DELIVERY_ENVIRONMENTS.map((env) => [env, deliveryNamespace(ctx.plan, env)]));
  const steps: Step[] = [...setupSteps(ctx, true)];
  steps.splice(1, 0, { name: "Check out the previous version", env: { ROLLBACK_TO: "${{ inputs.rollback_to }}" }, run: rollbackCheckout() });
  if (layout.kubernetes) {
    steps.push(...kubernetesSetup(ctx));
    // re-applying an older overlay does not delete objects added since; remove those by hand
    if (layout.kustomize)
      steps.push({ name: "Re-apply the previous overlay", if: "env.ATLAS_DEPLOYER == 'kustomize'", run: kustomizeApply("${ATLAS_ENVIRONMENT}") });
    if (layout.charts.length > 0)
      steps.push({ name: "Helm rollback", if: "env.ATLAS_DEPLOYER == 'helm'", run: helmRollback(layout.charts, '"$ATLAS_NAMESPACE"') });
  } else {
    steps.push(...terraformSteps("terraform-plan-rollback"));
  }
  return {
    name: "Roll back",
    if: "${{ inputs.rollback }}",
    "runs-on": runsOn(layout),
    environment: "${{ inputs.environment }}",
    defaults: { run: { "working-directory": "${{ env.ATLAS_PLAN_DIR }}" } },
    env: {
      ATLAS_ENVIRONMENT: "${{ inputs.environment }}",
      ATLAS_VALIDATOR_ENV: `\${{ fromJSON('${JSON.stringify(validator)}')[inputs.environment] }}`,
      ...(layout.kubernetes ? { ATLAS_NAMESPACE: `\${{ fromJSON('${JSON.stringify(namespaces)}')[inputs.environment] }}` } : {}),
      TF_STATE_BUCKET: "${{ vars.TF_STATE_BUCKET }}",
    },
    steps,
  };
}

/** Push paths: the plan's GitOps folder (any tenant) or, when the artifacts sit at the root, their top folders. */
function pushPaths(ctx: BuildContext, paths: readonly string[]): string[] {
  const roots = [...new Set(paths.filter((p) => p.includes("/")).map((p) => p.split("/")[0] as string))].sort();
  return [`plans/*/${ctx.plan.plan_id}/**`, ...roots.map((root) => `${root}/**`)];
}

function dispatchInputs(layout: DeliveryLayout): Record<string, unknown> {
  const modes = deployers(layout);
  return {
    environment: {
      description: "Promote up to this environment; with rollback, the environment to roll back",
      type: "choice",
      options: [...DELIVERY_ENVIRONMENTS],
      default: "prod",
    },
    ...(modes.length > 0 ? { deployer: { description: deployerDescription(modes), type: "choice", options: modes, default: modes[0] } } : {}),
    rollback: { description: "Roll back the chosen environment instead of deploying", type: "boolean", default: false },
    rollback_to: { description: "Commit to roll back to (empty: the one before the plan folder's last change)", type: "string", default: "" },
  };
}

/**
 * The GitHub Actions workflow: one job per environment in promotion order, each needing the one
 * before, each planning, validating and applying the Terraform, then (EKS) deploying the workloads.
 */
export function renderGithubActions(ctx: BuildContext, layout: DeliveryLayout, paths: readonly string[], planDir: string): RenderedFile {
  const { plan } = ctx;
  const modes = deployers(layout);
  const jobs: Record<string, unknown> = {};
  DELIVERY_ENVIRONMENTS.forEach((env, index) => {
    jobs[deployJobId(env)] = deployJob(ctx, layout, env, index);
  });
  jobs.rollback = rollbackJob(ctx, layout);
  const workflow = {
    name: `Deploy ${plan.goal_name}`,
    on: { push: { branches: ["main"], paths: pushPaths(ctx, paths) }, workflow_dispatch: { inputs: dispatchInputs(layout) } },
    permissions: { "id-token": "write", contents: "read" },
    concurrency: { group: `atlas-deploy-${labelValue(plan.plan_id)}`, "cancel-in-progress": false },
    env: {
      ATLAS_PLAN_DIR: planDir,
      ATLAS_PLAN_ID: plan.plan_id,
      ATLAS_PLAN_VERSION: String(plan.version),
      ATLAS_TRACE_ID: plan.trace_id,
      ATLAS_IMAGE: "${{ vars.ATLAS_IMAGE }}",
      ...(modes.length > 0 ? { ATLAS_DEPLOYER: `\${{ inputs.deployer || '${modes[0]}' }}` } : {}),
      TF_IN_AUTOMATION: "1",
    },
    jobs,
  };
  const header = traceHeader(plan, [
    "Copy to .github/workflows/ of the repository that holds these artifacts.",
    "Each environment is a GitHub environment with variables AWS_ROLE_ARN (an OIDC role) and TF_STATE_BUCKET.",
    `The Terraform is named and sized for ${plan.environment}: give each environment its own AWS account.`,
    "Repository variable ATLAS_IMAGE: an Atlas image; its `atlas validate` checks each plan before apply.",
    "Manual approval for prod: required reviewers in the prod environment's protection rules.",
    ...(layout.kubernetes ? ["The cluster API is private: runners labelled atlas-vpc must run inside the VPC."] : []),
  ]);
  const content = yamlWithComments(header, workflow, [
    {
      path: ["env", "ATLAS_PLAN_DIR"],
      text: `The plan's folder in the repository: . at the root, or plans/<tenant>/${plan.plan_id} in Atlas's GitOps repository.`,
    },
    { path: ["jobs", deployJobId("prod")], text: "Waits for the prod environment's required reviewers (its protection rules) before it starts." },
  ]);
  return { path: GITHUB_WORKFLOW_PATH, content };
}
