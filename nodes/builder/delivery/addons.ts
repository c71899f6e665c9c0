import type { BuildContext } from "../context.js";
import { DELIVERY_PATHS } from "../environments.js";
import { ADDON_NAMESPACE, CLUSTER_AUTOSCALER, type ClusterAddon, clusterAddons, LOAD_BALANCER_CONTROLLER } from "../terraform/eks-addons.js";

/**
 * Shell snippets that install an EKS design's cluster add-ons (terraform/eks-addons.ts) with Helm,
 * before the workloads: the Ingress needs the load balancer controller (and its webhook up) to
 * become an ALB, and pods that do not fit need cluster-autoscaler to get nodes. Run from the
 * plan's folder after `terraform apply` and the kubeconfig, like the other steps (scripts.ts).
 */

/** `terraform output -raw <name>` of the environment's state, quoted for a shell argument. */
function output(name: string): string {
  return `"$(terraform -chdir=${DELIVERY_PATHS.terraform} output -raw ${name})"`;
}

/** The `--set` values each add-on needs: what ties it to this cluster, region and service account. */
function addonValues(ctx: BuildContext, addon: ClusterAddon): string[] {
  const cluster = output("eks_cluster_name");
  if (addon === LOAD_BALANCER_CONTROLLER)
    return [
      `clusterName=${cluster}`,
      `serviceAccount.name=${addon.serviceAccount}`,
      `region=${ctx.plan.region}`,
      // read by the controller from instance metadata otherwise, which pods cannot reach (hop limit)
      `vpcId=${output("vpc_id")}`,
    ];
  if (addon === CLUSTER_AUTOSCALER)
    return [`autoDiscovery.clusterName=${cluster}`, `awsRegion=${ctx.plan.region}`, `rbac.serviceAccount.name=${addon.serviceAccount}`];
  return [];
}

/**
 * `helm repo add` and `helm upgrade --install` of each add-on at its pinned chart version, waiting
 * until it is ready (`--atomic`): the controller's webhook must answer before the workloads'
 * Services are applied. Empty off EKS.
 */
export function installClusterAddons(ctx: BuildContext): string {
  const addons = clusterAddons(ctx);
  if (addons.length === 0) return "";
  const repos = [...new Map(addons.map((addon) => [addon.repo.name, addon.repo.url])).entries()];
  return [
    ...repos.map(([name, url]) => `helm repo add ${name} ${url} --force-update`),
    ...addons.flatMap((addon) => [
      `helm upgrade --install ${addon.serviceAccount} ${addon.repo.name}/${addon.chart} --version ${addon.version} \\`,
      `  --namespace ${ADDON_NAMESPACE} \\`,
      ...addonValues(ctx, addon).map((value) => `  --set ${value} \\`),
      "  --atomic --timeout 10m",
    ]),
    "",
  ].join("\n");
}

/**
 * Puts the `certificate_arn` Terraform output on every Ingress of the namespace as the
 * controller's `certificate-arn` annotation. Without one (the variable left empty) the controller
 * looks for an ACM certificate matching the Ingress hosts. Empty when the design has no Ingress.
 */
export function annotateCertificate(ctx: BuildContext, namespace: string): string {
  if (!clusterAddons(ctx).includes(LOAD_BALANCER_CONTROLLER)) return "";
  return [
    `certificate=${output("certificate_arn")}`,
    'if [ -n "$certificate" ]; then',
    `  kubectl annotate ingress --all --namespace ${namespace} --overwrite "alb.ingress.kubernetes.io/certificate-arn=$certificate"`,
    "fi",
    "",
  ].join("\n");
}
