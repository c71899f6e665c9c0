import type { Environment } from "../../../policies/types.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import { DELIVERY_ENVIRONMENTS, DELIVERY_PATHS, type DeliveryEnvironment } from "../environments.js";
import { awsName } from "../labels.js";

/** A Helm chart the builder wrote, with a values file for every delivery environment. */
export interface DeliveryChart {
  /** `helm/<chart>` */
  dir: string;
  /** the chart's folder name, also the Helm release name */
  release: string;
}

/** What the delivery pipelines can deploy, read from the artifact paths alone. */
export interface DeliveryLayout {
  /** true when some artifact lies under `kubernetes/` or `helm/`: an EKS design */
  kubernetes: boolean;
  /** true when every delivery environment has an overlay under `kubernetes/overlays/<env>/` */
  kustomize: boolean;
  /** charts with `Chart.yaml` and a `values-<env>.yaml` for every delivery environment */
  charts: DeliveryChart[];
}

/** How a Kubernetes design is deployed; the first one available is the pipelines' default. */
export type Deployer = "kustomize" | "helm";

/** Folder prefix under which a path is found, or the exact file. */
export function pathExists(paths: readonly string[], path: string): boolean {
  return paths.some((p) => p === path || p.startsWith(`${path}/`));
}

/**
 * Reads what was rendered from the artifact paths (not from the renderers that wrote them), so the
 * pipelines only ever name files that exist.
 * @throws Error when there is no Terraform root module, or when Kubernetes artifacts exist but no
 *   environment-complete way to deploy them (overlays or values files missing): a builder defect
 */
export function readLayout(paths: readonly string[]): DeliveryLayout {
  if (!pathExists(paths, DELIVERY_PATHS.terraform)) throw new Error("renderDelivery: no terraform/ files among the artifact paths");
  const kubernetes = paths.some((p) => p.startsWith("kubernetes/") || p.startsWith("helm/"));
  const kustomize = DELIVERY_ENVIRONMENTS.every((env) => pathExists(paths, DELIVERY_PATHS.overlay(env)));
  const charts = paths
    .map((p) => /^helm\/([^/]+)\/Chart\.yaml$/.exec(p)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort()
    .map((release) => ({ dir: `helm/${release}`, release }))
    .filter((chart) => DELIVERY_ENVIRONMENTS.every((env) => paths.includes(DELIVERY_PATHS.helmValues(chart.dir, env))));
  if (kubernetes && !kustomize && charts.length === 0) {
    const missing = DELIVERY_ENVIRONMENTS.filter((env) => !pathExists(paths, DELIVERY_PATHS.overlay(env))).map((env) => DELIVERY_PATHS.overlay(env));
    throw new Error(`renderDelivery: Kubernetes artifacts without an overlay or chart values for every environment (missing ${missing.join(", ")})`);
  }
  return { kubernetes, kustomize, charts };
}

/** The deployers a Kubernetes layout offers, the default first; none for ECS and static designs. */
export function deployers(layout: DeliveryLayout): Deployer[] {
  if (!layout.kubernetes) return [];
  return [...(layout.kustomize ? (["kustomize"] as const) : []), ...(layout.charts.length > 0 ? (["helm"] as const) : [])];
}

/** What the deployer choice offers, in words: only the deployers that exist. */
export function deployerDescription(modes: readonly Deployer[]): string {
  const words: Record<Deployer, string> = { kustomize: "kustomize: kubectl apply -k of the overlay", helm: "helm: helm upgrade --install of the chart" };
  return `How to deploy the workloads (${modes.map((mode) => words[mode]).join("; ")})`;
}

/** The namespace an environment deploys into: `<goal>-<env>`, as the builder names the plan's own. */
export function deliveryNamespace(plan: PlanSpec, env: DeliveryEnvironment): string {
  return awsName(63, plan.goal_name, env);
}

/**
 * The environment the validator's rules are applied for. The validator knows dev, staging and
 * prod; `qa` is checked with staging's (stricter) rules.
 */
export function validatorEnvironment(env: DeliveryEnvironment): Environment {
  return env === "qa" ? "staging" : env;
}

/** `<dir>/<path>` without a leading `./` when the plan folder is the repository root. */
export function underPlanDir(planDir: string, path: string): string {
  const dir = planDir.replace(/\/+$/, "");
  return dir === "" || dir === "." ? path : `${dir}/${path}`;
}
