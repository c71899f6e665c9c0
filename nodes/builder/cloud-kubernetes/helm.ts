import { mergeValues } from "../../../iac/helm-template.js";
import type { RenderedFile } from "../context.js";
import { DELIVERY_PATHS } from "../environments.js";
import { type Manifest, toYaml } from "../kubernetes.js";
import { cronJobSettings } from "../kubernetes-job.js";
import { GENERATOR, K8S_LABELS, labelValue } from "../labels.js";
import { HEALTH_PATH, pinnedImage, RUN_AS_USER } from "../sizing.js";
import { serves } from "../workload-role.js";
import { SECRETS_MOUNT_PATH } from "./cloud.js";
import { type ChartWorkload, cloudHelmTemplates } from "./helm-templates.js";
import { generatedHeader } from "./kustomize.js";
import { cloudKubernetesObjects, SERVICE_PORT, secretFileEnv, secretProviderClassName, TEAM, type WorkloadShape } from "./objects.js";
import type { CloudEnvironment } from "./settings.js";

/**
 * The Helm chart of an AKS or GKE design under `helm/<goal>/`. Its values are read off the very
 * objects the Kustomize overlays are built from (objects.ts), environment by environment, so
 * `helm template -f values-<env>.yaml` and `kubectl kustomize kubernetes/overlays/<env>` give the
 * same objects; the validator's HELM_OVERLAY_DRIFT check compares them.
 */

type Obj = Record<string, unknown>;

/** The object of the given kind (and name, when given) among one environment's manifests. */
function find(manifests: readonly Manifest[], kind: string, name?: string): Obj | undefined {
  return manifests.find((m) => m.object.kind === kind && (name === undefined || (m.object.metadata as Obj).name === name))?.object;
}

/** The annotations of an object beyond the trace annotations every object carries (those come from the chart's helper). */
function extraAnnotations(object: Obj | undefined): Record<string, string> {
  const annotations = { ...(((object?.metadata as Obj | undefined)?.annotations as Record<string, string> | undefined) ?? {}) };
  delete annotations[K8S_LABELS.planVersion];
  delete annotations[K8S_LABELS.generatedBy];
  return annotations;
}

/** The chart's kind of workload. */
function chartWorkload(shape: WorkloadShape): ChartWorkload {
  if (shape.role === "scheduled") return "scheduled";
  return serves(shape.role) ? "serving" : "worker";
}

/** What differs per environment, in values form, read off that environment's objects. */
function environmentValues(shape: WorkloadShape, env: CloudEnvironment): Obj {
  const manifests = cloudKubernetesObjects(shape, env);
  const secretClass = find(manifests, "SecretProviderClass") as { spec: { parameters: Obj } } | undefined;
  const common: Obj = {
    environment: env.environment,
    resources: { requests: { ...env.sizing.resources }, limits: { ...env.sizing.resources } },
    serviceAccount: { name: env.serviceAccount },
    ...(secretClass ? { secrets: { parameters: secretClass.spec.parameters } } : {}),
  };
  if (shape.role === "scheduled") return common;
  const { sizing } = env;
  const out: Obj = {
    ...common,
    replicaCount: sizing.replicas,
    autoscaling: {
      enabled: sizing.autoscaling,
      minReplicas: sizing.minReplicas,
      maxReplicas: sizing.maxReplicas,
      targetCPUUtilizationPercentage: sizing.targetCpuPercent,
    },
    podDisruptionBudget: { enabled: sizing.pdb, minAvailable: 1 },
    topologySpread: { enabled: sizing.zoneSpread },
  };
  const ingress = find(manifests, "Ingress") as { spec: { ingressClassName: string; tls?: unknown[] } } | undefined;
  if (ingress) out.ingress = { host: env.host, tls: ingress.spec.tls ?? [] };
  const certificate = find(manifests, "ManagedCertificate") as { spec: Obj } | undefined;
  if (certificate) out.gke = { managedCertificate: certificate.spec };
  return out;
}

/** values.yaml: every key the templates read, set for the plan's own environment. */
function chartValues(shape: WorkloadShape, own: CloudEnvironment): Obj {
  const { plan } = shape;
  const image = pinnedImage(plan);
  const manifests = cloudKubernetesObjects(shape, own);
  const serviceAccount = find(manifests, "ServiceAccount");
  const allow = find(manifests, "NetworkPolicy", plan.goal_name) as { spec: Obj };
  const { podSelector: _selector, ...allowSpec } = allow.spec;
  const workload = manifests.find((m) => m.object.kind === "Deployment" || m.object.kind === "CronJob")?.object as Obj;
  const template = (workload.kind === "CronJob" ? ((workload.spec as Obj).jobTemplate as Obj).spec : workload.spec) as {
    template: { metadata: { labels: Record<string, string> } };
  };
  const podLabels = { ...template.template.metadata.labels };
  for (const key of [K8S_LABELS.name, K8S_LABELS.component, K8S_LABELS.partOf, K8S_LABELS.managedBy]) delete podLabels[key];
  const secretClass = find(manifests, "SecretProviderClass") as { spec: { provider: string; parameters: Obj } } | undefined;
  const values: Obj = {
    nameOverride: "",
    atlas: {
      component: labelValue(shape.owner),
      partOf: labelValue(plan.goal_name),
      team: TEAM,
      traceId: labelValue(plan.trace_id),
      planId: labelValue(plan.plan_id),
      planVersion: String(plan.version),
    },
    image: { repository: image.repository, tag: image.tag, digest: image.digest, pullPolicy: "IfNotPresent" },
    securityContext: { runAsUser: RUN_AS_USER },
    // The release namespace must be the one the Terraform federates (helm install -n <namespace> --create-namespace); set true to have the chart own it.
    namespace: { create: false },
    serviceAccount: { name: own.serviceAccount, annotations: extraAnnotations(serviceAccount) },
    podLabels,
    secrets: {
      enabled: secretClass !== undefined,
      providerClassName: secretProviderClassName(plan),
      provider: secretClass?.spec.provider ?? "",
      parameters: secretClass?.spec.parameters ?? {},
      mountPath: SECRETS_MOUNT_PATH,
      env: secretFileEnv(plan),
    },
    networkPolicy: { allow: allowSpec },
  };
  const workloadValues: Obj =
    plan.compute.schedule !== null
      ? { cronJob: cronJobSettings(plan.compute.schedule) }
      : { containerPort: plan.compute.container_port, probes: { path: HEALTH_PATH } };
  if (serves(shape.role)) {
    const service = find(manifests, "Service");
    const ingress = find(manifests, "Ingress") as { spec: { ingressClassName: string } };
    workloadValues.service = { port: SERVICE_PORT, annotations: extraAnnotations(service) };
    workloadValues.ingress = { className: ingress.spec.ingressClassName, annotations: extraAnnotations(ingress) };
    if (shape.cluster === "gke") {
      const spec = (kind: string) => (find(manifests, kind) as { spec: Obj } | undefined)?.spec ?? null;
      workloadValues.gke = { backendConfig: spec("BackendConfig"), frontendConfig: spec("FrontendConfig"), managedCertificate: spec("ManagedCertificate") };
    }
  }
  // The environment's own settings over the shared ones, merged as Helm merges values files.
  return mergeValues(mergeValues(values, workloadValues), environmentValues(shape, own));
}

/** Chart.yaml: chart version 0.1.0 with the plan version as build metadata, the image's tag as appVersion, the trace annotations. */
function chartYaml(shape: WorkloadShape): Obj {
  const { plan } = shape;
  const image = pinnedImage(plan);
  return {
    apiVersion: "v2",
    name: plan.goal_name,
    description: `${plan.goal_name} (${plan.pattern}) on ${shape.cluster === "aks" ? "AKS" : "GKE"}, generated by Atlas from plan ${plan.plan_id}`,
    type: "application",
    version: `0.1.0+plan.${plan.version}`,
    // It becomes the app.kubernetes.io/version label, where ":" is not allowed.
    appVersion: image.tag || image.digest.replace(/^sha256:/, "").slice(0, 12),
    annotations: {
      [K8S_LABELS.planId]: plan.plan_id,
      [K8S_LABELS.planVersion]: String(plan.version),
      [K8S_LABELS.traceId]: plan.trace_id,
      [K8S_LABELS.generatedBy]: GENERATOR,
      [K8S_LABELS.component]: shape.owner,
    },
  };
}

/**
 * `helm/<goal>/`: Chart.yaml, values.yaml for the plan's environment, values-<env>.yaml for dev,
 * qa, staging and prod, and the templates. Install an environment with
 * `helm upgrade --install <goal> helm/<goal> -n <namespace> -f helm/<goal>/values-<env>.yaml`.
 */
export function renderCloudHelm(shape: WorkloadShape, environments: readonly CloudEnvironment[]): RenderedFile[] {
  const { plan } = shape;
  const chart = plan.goal_name;
  const root = `helm/${chart}`;
  const header = generatedHeader(shape);
  const own = environments.find((env) => env.environment === plan.environment) ?? environments[0];
  if (!own) return [];
  const files: RenderedFile[] = [
    { path: `${root}/Chart.yaml`, content: header + toYaml(chartYaml(shape)) },
    { path: `${root}/values.yaml`, content: header + toYaml(chartValues(shape, own)) },
  ];
  for (const env of environments) {
    const note = env.environment === plan.environment ? "the plan's own environment" : `derived from the ${plan.environment} plan`;
    files.push({
      path: DELIVERY_PATHS.helmValues(root, env.environment),
      content: `${header}# ${env.environment} (${note}); install into namespace ${env.namespace}, as kubernetes/overlays/${env.environment} does.\n${toYaml(environmentValues(shape, env))}`,
    });
  }
  for (const [name, content] of cloudHelmTemplates(chart, chartWorkload(shape), shape.cluster === "gke"))
    files.push({ path: `${root}/templates/${name}`, content });
  return files;
}
