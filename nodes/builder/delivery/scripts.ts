import type { PlanSpec } from "../../../schemas/plan.js";
import { DELIVERY_PATHS, type DeliveryEnvironment } from "../environments.js";
import type { DeliveryChart } from "./layout.js";

/**
 * Shell snippets both pipelines run, from the plan's folder (`ATLAS_PLAN_DIR`). They read the
 * environment from shell variables the job sets: `ATLAS_ENVIRONMENT`, `ATLAS_VALIDATOR_ENV`,
 * `TF_STATE_BUCKET` and `ATLAS_IMAGE`, so one text serves every stage. `env` arguments are a literal
 * environment name or `${ATLAS_ENVIRONMENT}` (the rollback job, whose environment is an input).
 */

/** Terraform version the pipelines install: S3 state locking without DynamoDB needs 1.10 or later. */
export const TERRAFORM_VERSION = "1.11.4";

/** Files a pipeline writes into `terraform/` itself; they are not artifacts. */
export const GENERATED_FILES = ["terraform/backend_override.tf", "terraform/plan.tfplan", "terraform/plan.json"] as const;

/**
 * Gives each environment its own state: the generated Terraform has no backend (its README asks
 * for one), and state left on a CI runner is lost with it. An override file adds an S3 backend;
 * bucket from the environment's TF_STATE_BUCKET, key per plan and environment.
 */
export function terraformInit(plan: PlanSpec): string {
  const tf = DELIVERY_PATHS.terraform;
  return [
    `cat > ${tf}/backend_override.tf <<'EOF'`,
    "# written by the pipeline: one S3 state per environment",
    "terraform {",
    '  backend "s3" {}',
    "}",
    "EOF",
    `terraform -chdir=${tf} init -input=false \\`,
    '  -backend-config="bucket=${TF_STATE_BUCKET:?set TF_STATE_BUCKET (the state bucket) for environment ${ATLAS_ENVIRONMENT}}" \\',
    `  -backend-config="key=atlas/${plan.plan_id}/\${ATLAS_ENVIRONMENT}/terraform.tfstate" \\`,
    `  -backend-config="region=${plan.region}" \\`,
    '  -backend-config="encrypt=true" \\',
    '  -backend-config="use_lockfile=true"',
    "",
  ].join("\n");
}

/** Plans into a saved plan and writes its JSON, the form the validator reads with Terraform's resolved values. */
export function terraformPlan(): string {
  const tf = DELIVERY_PATHS.terraform;
  return [`terraform -chdir=${tf} plan -input=false -out=plan.tfplan`, `terraform -chdir=${tf} show -json plan.tfplan > ${tf}/plan.json`, ""].join("\n");
}

/**
 * Runs Atlas's validator (Sentinel) on the plan JSON with the `atlas validate` CLI of the Atlas
 * image: no Atlas server or token needed, and exit code 1 (FAIL) stops the job before anything
 * is applied. The plan JSON is validated alone, as `atlas validate` expects.
 */
export function validatePlan(): string {
  const tf = DELIVERY_PATHS.terraform;
  return [
    `: "\${ATLAS_IMAGE:?set ATLAS_IMAGE to an Atlas image (built from the Atlas Dockerfile)}"`,
    `docker run --rm -v "$PWD/${tf}:/plan:ro" "$ATLAS_IMAGE" atlas validate /plan/plan.json --env "$ATLAS_VALIDATOR_ENV"`,
    "",
  ].join("\n");
}

/** Applies exactly the plan that was validated. */
export function terraformApply(): string {
  return `terraform -chdir=${DELIVERY_PATHS.terraform} apply -input=false plan.tfplan\n`;
}

/** Points kubectl and helm at the environment's cluster, named by the Terraform output. */
export function kubeconfig(plan: PlanSpec): string {
  return `aws eks update-kubeconfig --region ${plan.region} --name "$(terraform -chdir=${DELIVERY_PATHS.terraform} output -raw eks_cluster_name)"\n`;
}

/** `kubectl apply -k` of the environment's overlay. */
export function kustomizeApply(env: string): string {
  // `env` may be the shell variable: the path is built the same way
  return `kubectl apply -k ${DELIVERY_PATHS.overlay(env as DeliveryEnvironment)}\n`;
}

/** `helm upgrade --install --atomic` of each chart with the environment's values file (a failed upgrade rolls itself back). */
export function helmUpgrade(charts: readonly DeliveryChart[], env: string, namespace: string): string {
  return charts
    .map((chart) =>
      [
        `helm upgrade --install ${chart.release} ${chart.dir} \\`,
        `  --namespace ${namespace} --create-namespace \\`,
        `  -f ${chart.dir}/values-${env}.yaml \\`,
        "  --atomic --timeout 10m",
        "",
      ].join("\n"),
    )
    .join("");
}

/** `helm rollback` of each chart to its previous release (revision 0 means the one before the current). */
export function helmRollback(charts: readonly DeliveryChart[], namespace: string): string {
  return charts.map((chart) => `helm rollback ${chart.release} 0 --namespace ${namespace} --wait --timeout 10m\n`).join("");
}

/**
 * Checks out the version of the plan's folder before its latest change (or ROLLBACK_TO when set),
 * run from the plan's folder so `.` is that folder's history only. Needs the full history. Every
 * step after it deploys that version: rolling back is converging on the previous commit.
 */
export function rollbackCheckout(): string {
  return [
    'target="${ROLLBACK_TO:-}"',
    'if [ -z "$target" ]; then',
    "  last=$(git rev-list -n 1 HEAD -- .)",
    '  target=$(git rev-parse --verify "${last}^")',
    "fi",
    `git cat-file -e "$target:./" 2>/dev/null || { echo "Nothing to roll back to: the plan folder did not exist at $target" >&2; exit 1; }`,
    'echo "Rolling back to $target"',
    'git checkout --detach "$target"',
    "",
  ].join("\n");
}
