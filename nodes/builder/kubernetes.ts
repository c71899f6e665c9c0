import { stringify } from "yaml";
import { componentManifests } from "./component-objects.js";
import { hasRuntimeComponents } from "./components.js";
import { appConfig } from "./config.js";
import type { BuildContext } from "./context.js";
import type { Conventions } from "./conventions.js";
import { cronJob } from "./kubernetes-job.js";
import { podTemplate } from "./kubernetes-pod.js";
import { defaultDeny, externalSecret, namespaceObject, networkPolicies, rbacObjects, serviceAccount } from "./kubernetes-security.js";
import { K8S_LABELS, k8sAnnotations, k8sLabels, labelValue, selectorLabels } from "./labels.js";
import type { EnvironmentSettings } from "./overlays.js";
import { HEALTH_PATH } from "./sizing.js";
import { collectorConfig, METRICS_PATH, otelConfigMapName } from "./telemetry.js";
import { TLS_POLICY } from "./terraform/alb.js";

type Obj = Record<string, unknown>;

/** Port the Service exposes inside the cluster; it forwards to the container's named port `http`. */
export const SERVICE_PORT = 80;

/** True when the design runs on Kubernetes (EKS): only then are manifests and a Helm chart rendered. */
export function runsOnKubernetes(ctx: BuildContext): boolean {
  return ctx.plan.compute.platform === "eks";
}

/** True when runs start on a schedule: a CronJob instead of a Deployment with its autoscaler, Service and Ingress. */
export function isScheduled(ctx: BuildContext): boolean {
  return ctx.plan.compute.schedule !== null;
}

/** True when the plan gets an Ingress: a service on EKS behind an ALB, which the load balancer controller builds from the Ingress. */
export function hasIngress(ctx: BuildContext): boolean {
  return runsOnKubernetes(ctx) && !isScheduled(ctx) && ctx.plan.network.ingress.type === "alb";
}

function deployment(ctx: BuildContext, settings: EnvironmentSettings, conventions: Conventions, meta: Obj, selector: Record<string, string>): Obj {
  const sizing = settings.sizing;
  const spread = sizing.zoneSpread
    ? [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }]
    : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta,
    spec: {
      // With an autoscaler the replica count is its to set: applying a fixed one would undo its scaling.
      ...(sizing.autoscaling ? {} : { replicas: sizing.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: podTemplate(ctx, selector, { job: false, settings, conventions, ...(spread ? { spread } : {}) }),
    },
  };
}

/** The ALB controller's settings: on EKS the Ingress is what creates the load balancer. */
export function ingressAnnotations(ctx: BuildContext): Record<string, string> {
  return {
    "alb.ingress.kubernetes.io/scheme": ctx.plan.network.ingress.public ? "internet-facing" : "internal",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
    "alb.ingress.kubernetes.io/healthcheck-path": HEALTH_PATH,
  };
}

/** A manifest and the file it goes to (relative to its Kustomize folder). */
export type Manifest = { file: string; object: Obj };
type Meta = (extra?: Obj) => { name: string; namespace: string; labels: Record<string, string>; annotations: Obj };

/** A long-running service: Deployment, ClusterIP Service, CPU autoscaler (not in dev), a disruption budget from two pods, and the Ingress when it has an ALB. */
function serviceObjects(ctx: BuildContext, settings: EnvironmentSettings, conventions: Conventions, meta: Meta, selector: Record<string, string>): Manifest[] {
  const name = ctx.plan.goal_name;
  const sizing = settings.sizing;
  const out: Manifest[] = [
    { file: "deployment.yaml", object: deployment(ctx, settings, conventions, meta(), selector) },
    {
      file: "service.yaml",
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(),
        spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }] },
      },
    },
  ];
  if (sizing.autoscaling) {
    out.push({
      file: "hpa.yaml",
      object: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: meta(),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          minReplicas: sizing.minReplicas,
          maxReplicas: sizing.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: sizing.targetCpuPercent } } }],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
    });
  }
  if (sizing.pdb) {
    out.push({
      file: "pdb.yaml",
      object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(), spec: { minAvailable: 1, selector: { matchLabels: selector } } },
    });
  }
  if (hasIngress(ctx)) {
    const backend = { service: { name, port: { name: "http" } } };
    const spec: Obj = {
      ingressClassName: "alb",
      tls: [{ hosts: [settings.host], secretName: settings.tlsSecretName }],
      rules: [{ host: settings.host, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    };
    out.push({ file: "ingress.yaml", object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(ingressAnnotations(ctx)), spec } });
  }
  if (conventions.prometheus_operator) {
    const endpoints = [{ port: "http", path: METRICS_PATH, interval: "30s" }];
    const monitor = { selector: { matchLabels: selector }, namespaceSelector: { matchNames: [settings.namespace] }, endpoints };
    out.push({ file: "servicemonitor.yaml", object: { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(), spec: monitor } });
  }
  return out;
}

/**
 * The workload's Kubernetes objects for one environment, in apply order, each with the trace
 * labels, the team and environment labels, and in the environment's namespace: the Namespace
 * (Pod Security "restricted"), ServiceAccount, Role and RoleBinding, NetworkPolicies, the app
 * and OTel ConfigMaps, the ExternalSecret when the plan has secrets, then a Deployment and what
 * serves it, or for a scheduled plan one CronJob (a run serves nothing, so no Service, Ingress,
 * autoscaler or disruption budget). Empty for designs that do not run on Kubernetes.
 */
export function kubernetesObjects(ctx: BuildContext, settings: EnvironmentSettings, conventions: Conventions): Manifest[] {
  if (!runsOnKubernetes(ctx)) return [];
  const { plan } = ctx;
  const owner = ctx.component([ctx.computeKind]);
  const labels = { ...k8sLabels(plan, owner), [K8S_LABELS.team]: labelValue(conventions.team), [K8S_LABELS.env]: settings.environment };
  const annotations = k8sAnnotations(plan);
  const meta: Meta = (extra = {}) => ({ name: plan.goal_name, namespace: settings.namespace, labels, annotations: { ...annotations, ...extra } });
  const selector = selectorLabels(plan, owner);
  const schedule = plan.compute.schedule;
  const secret = externalSecret(ctx, conventions, settings, meta);
  const otelData = { "collector.yaml": collectorConfig(conventions) };
  if (hasRuntimeComponents(plan)) {
    // The user's components replace the goal-named workload; what the design shares stays one object each.
    return [
      { file: "namespace.yaml", object: namespaceObject(settings, labels, annotations) },
      { file: "networkpolicy-deny.yaml", object: defaultDeny(ctx, meta) },
      { file: "configmap.yaml", object: { apiVersion: "v1", kind: "ConfigMap", metadata: meta(), data: sharedConfig(ctx, settings.environment) } },
      { file: "otel-configmap.yaml", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { ...meta(), name: otelConfigMapName(ctx) }, data: otelData } },
      ...(secret ? [{ file: "externalsecret.yaml", object: secret }] : []),
      ...plan.runtime_components.flatMap((component) =>
        componentManifests(ctx, component, settings, conventions, { labels, annotations, namespace: settings.namespace }, ingressAnnotations(ctx)),
      ),
    ];
  }
  return [
    { file: "namespace.yaml", object: namespaceObject(settings, labels, annotations) },
    { file: "serviceaccount.yaml", object: serviceAccount(meta) },
    ...rbacObjects(ctx, settings, meta).map((object) => ({ file: `${(object.kind as string).toLowerCase()}.yaml`, object })),
    ...networkPolicies(ctx, conventions, meta, selector, !schedule).map((object, i) => ({
      file: i === 0 ? "networkpolicy-deny.yaml" : "networkpolicy.yaml",
      object,
    })),
    { file: "configmap.yaml", object: { apiVersion: "v1", kind: "ConfigMap", metadata: meta(), data: appConfig(ctx, settings.environment) } },
    { file: "otel-configmap.yaml", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { ...meta(), name: otelConfigMapName(ctx) }, data: otelData } },
    ...(secret ? [{ file: "externalsecret.yaml", object: secret }] : []),
    ...(schedule
      ? [{ file: "cronjob.yaml", object: cronJob(schedule, meta(), podTemplate(ctx, selector, { job: true, settings, conventions })) }]
      : serviceObjects(ctx, settings, conventions, meta, selector)),
  ];
}

/**
 * The design's ConfigMap when it runs the user's components: the app config without `PORT`, since
 * each component declares its own ports (and its own env wins over the ConfigMap anyway).
 */
export function sharedConfig(ctx: BuildContext, environment: EnvironmentSettings["environment"]): Record<string, string> {
  const { PORT: _port, ...config } = appConfig(ctx, environment);
  return config;
}

/** YAML without line folding (long values stay on one line) and without anchors for repeated objects. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
