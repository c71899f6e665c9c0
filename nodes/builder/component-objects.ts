import type { ComponentRuntime } from "../../schemas/component.js";
import {
  albGroup,
  componentAnnotations,
  componentEnv,
  componentHasIngress,
  componentHost,
  componentLabels,
  componentName,
  componentOtelEnv,
  componentProbes,
  componentResources,
  componentSelector,
  componentSizing,
  componentTlsSecret,
  containerPorts,
  healthCheckPath,
  metricsPort,
  scalingKind,
  serviceAnnotations,
  servicePorts,
  sqsTrigger,
} from "./components.js";
import type { BuildContext } from "./context.js";
import type { Conventions } from "./conventions.js";
import { BACKOFF_LIMIT, SCHEDULE_TIME_ZONE, STARTING_DEADLINE_S, TTL_AFTER_FINISHED_S } from "./kubernetes-job.js";
import { containerSecurityContext, podSecurityContext } from "./kubernetes-pod.js";
import { deliversSecrets, ingressSources, tcp, workloadEgress } from "./kubernetes-security.js";
import { K8S_LABELS } from "./labels.js";
import type { EnvironmentSettings } from "./overlays.js";
import type { EnvironmentSizing } from "./sizing.js";
import { METRICS_PATH } from "./telemetry.js";

/**
 * The Kubernetes objects of each of the user's components in one environment: its ServiceAccount,
 * Role and RoleBinding, NetworkPolicy, its workload (a Deployment for a microservice or a worker,
 * a CronJob for a job) with the container exactly as the component declares it, its Service when
 * it has ports, its scaler (KEDA on queue depth for a worker with a queue, else CPU; none in dev or
 * for a job), a disruption budget from two pods, and for an HTTP microservice its Ingress.
 */

type Obj = Record<string, unknown>;
type Manifest = { file: string; object: Obj };

/** Labels, annotations and namespace every object of one component carries. */
export interface ComponentMeta {
  /** the trace, team and environment labels of every object of the design */
  labels: Record<string, string>;
  /** the plan version and generator annotations */
  annotations: Record<string, string>;
  namespace: string;
}

/** What the pod reads besides its own env: the design's ConfigMap, and the Secret the ExternalSecret writes. */
function envFrom(ctx: BuildContext, settings: EnvironmentSettings): Obj[] {
  const out: Obj[] = [{ configMapRef: { name: ctx.plan.goal_name } }];
  if (deliversSecrets(ctx)) out.push({ secretRef: { name: settings.secretName } });
  return out;
}

/** The component's container: image, ports, env, probes and resources as declared, with the house's hardening around them. */
function container(ctx: BuildContext, component: ComponentRuntime, settings: EnvironmentSettings, conventions: Conventions): Obj {
  const ports = containerPorts(component);
  return {
    name: componentName(component),
    image: component.container_image,
    imagePullPolicy: "IfNotPresent",
    ...(ports.length > 0 ? { ports } : {}),
    env: [...componentOtelEnv(ctx, component, conventions.otel_endpoint, settings), ...componentEnv(component, settings.secretName)],
    envFrom: envFrom(ctx, settings),
    resources: componentResources(component),
    ...componentProbes(component),
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/** The pod template: selector labels plus part-of and managed-by, scrape annotations when the component has a port. */
function podTemplate(ctx: BuildContext, component: ComponentRuntime, settings: EnvironmentSettings, conventions: Conventions, spread: boolean): Obj {
  const selector = componentSelector(component);
  const labels = { ...selector, [K8S_LABELS.partOf]: ctx.plan.goal_name, [K8S_LABELS.managedBy]: "atlas" };
  const scrape = metricsPort(component);
  const annotations = scrape ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(scrape.number), "prometheus.io/path": METRICS_PATH } : null;
  const zoneSpread = [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
  ];
  return {
    metadata: annotations ? { labels, annotations } : { labels },
    spec: {
      ...(component.type === "job" ? { restartPolicy: "Never" } : {}),
      serviceAccountName: componentName(component),
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
      securityContext: podSecurityContext(),
      ...(spread ? { topologySpreadConstraints: zoneSpread } : {}),
      containers: [container(ctx, component, settings, conventions)],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    },
  };
}

/** True when something scales the Deployment in this environment (then it sets no replica count of its own). */
export function scaled(ctx: BuildContext, component: ComponentRuntime, sizing: EnvironmentSizing): boolean {
  return sizing.autoscaling && scalingKind(ctx.plan, component) !== "none";
}

/**
 * The job's CronJob: its schedule as written (five fields, UTC), one run at a time, `replicas` pods
 * per run (one when unset). No run-length deadline: the component states none, so none is invented.
 */
function cronJob(ctx: BuildContext, component: ComponentRuntime, settings: EnvironmentSettings, conventions: Conventions, meta: Obj): Obj {
  const pods = component.replicas ?? 1;
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta,
    spec: {
      schedule: component.schedule,
      timeZone: SCHEDULE_TIME_ZONE,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: STARTING_DEADLINE_S,
      jobTemplate: {
        metadata: { labels: { ...(meta.labels as Record<string, string>) } },
        spec: {
          parallelism: pods,
          completions: pods,
          backoffLimit: BACKOFF_LIMIT,
          ttlSecondsAfterFinished: TTL_AFTER_FINISHED_S,
          template: podTemplate(ctx, component, settings, conventions, false),
        },
      },
    },
  };
}

/**
 * The component's allow rules: ingress from the VPC (ALB targets, kubelets), the design's own pods
 * and the collector's namespace on the component's ports; egress to what every workload reaches,
 * plus the ports of the design's other components (the allows between components the design implies).
 */
export function componentPolicyRules(ctx: BuildContext, component: ComponentRuntime, conventions: Conventions): Obj {
  const own = [...new Set(component.ports.map((p) => p.target_port ?? p.port))];
  const peers = [...new Set(ctx.plan.runtime_components.filter((c) => c !== component).flatMap((c) => c.ports.map((p) => p.target_port ?? p.port)))].sort(
    (a, b) => a - b,
  );
  const egress = workloadEgress(ctx, conventions);
  if (peers.length > 0) egress.push({ to: [{ podSelector: { matchLabels: { [K8S_LABELS.partOf]: ctx.plan.goal_name } } }], ports: peers.map(tcp) });
  const serving = own.length > 0;
  return {
    policyTypes: serving ? ["Ingress", "Egress"] : ["Egress"],
    ...(serving ? { ingress: [{ from: ingressSources(ctx, conventions), ports: own.map(tcp) }] } : {}),
    egress,
  };
}

function networkPolicy(ctx: BuildContext, component: ComponentRuntime, conventions: Conventions, meta: Obj): Obj {
  const spec = { podSelector: { matchLabels: componentSelector(component) }, ...componentPolicyRules(ctx, component, conventions) };
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta, spec };
}

/** The ALB controller's settings for one component's Ingress: the house's, its own health-check path, one ALB per environment. */
function ingressAnnotations(
  ctx: BuildContext,
  component: ComponentRuntime,
  settings: EnvironmentSettings,
  house: Record<string, string>,
): Record<string, string> {
  return {
    ...house,
    "alb.ingress.kubernetes.io/healthcheck-path": healthCheckPath(component),
    "alb.ingress.kubernetes.io/group.name": albGroup(ctx, settings),
  };
}

/**
 * Every object of one component in one environment, in apply order. `houseIngress` is the
 * design's ALB annotation set (kubernetes.ts `ingressAnnotations`), passed in to keep one source.
 */
export function componentManifests(
  ctx: BuildContext,
  component: ComponentRuntime,
  settings: EnvironmentSettings,
  conventions: Conventions,
  base: ComponentMeta,
  houseIngress: Record<string, string>,
): Manifest[] {
  const name = componentName(component);
  const sizing = componentSizing(ctx.plan, component, settings.environment);
  const labels = { ...base.labels, ...componentLabels(component) };
  const meta = (extra: Record<string, string> = {}): Obj => ({
    name,
    namespace: base.namespace,
    labels,
    annotations: { ...base.annotations, ...componentAnnotations(component), ...extra },
  });
  const file = (kind: string) => `${name}-${kind}.yaml`;
  const out: Manifest[] = [
    { file: file("serviceaccount"), object: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(), automountServiceAccountToken: false } },
    {
      file: file("role"),
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: meta(),
        rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [ctx.plan.goal_name, `${ctx.plan.goal_name}-otel`], verbs: ["get"] }],
      },
    },
    {
      file: file("rolebinding"),
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: meta(),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
        subjects: [{ kind: "ServiceAccount", name, namespace: settings.namespace }],
      },
    },
    { file: file("networkpolicy"), object: networkPolicy(ctx, component, conventions, meta()) },
  ];
  if (component.type === "job") {
    out.push({ file: file("cronjob"), object: cronJob(ctx, component, settings, conventions, meta()) });
    return out;
  }
  const autoscaled = scaled(ctx, component, sizing);
  out.push({
    file: file("deployment"),
    object: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(),
      spec: {
        ...(autoscaled ? {} : { replicas: sizing.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: componentSelector(component) },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podTemplate(ctx, component, settings, conventions, sizing.zoneSpread),
      },
    },
  });
  if (component.ports.length > 0) {
    out.push({
      file: file("service"),
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(serviceAnnotations(component)),
        spec: { type: "ClusterIP", selector: componentSelector(component), ports: servicePorts(component) },
      },
    });
  }
  out.push(...scaler(ctx, component, sizing, meta, autoscaled));
  if (sizing.pdb) {
    const spec = { minAvailable: 1, selector: { matchLabels: componentSelector(component) } };
    out.push({ file: file("pdb"), object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(), spec } });
  }
  const port = component.ports[0];
  if (componentHasIngress(ctx, component) && port) {
    const host = componentHost(component, settings);
    const backend = { service: { name, port: { name: port.name } } };
    out.push({
      file: file("ingress"),
      object: {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: meta(ingressAnnotations(ctx, component, settings, houseIngress)),
        spec: {
          ingressClassName: "alb",
          tls: [{ hosts: [host], secretName: componentTlsSecret(component, settings) }],
          rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
        },
      },
    });
  }
  const scrape = metricsPort(component);
  if (conventions.prometheus_operator && scrape) {
    const spec = {
      selector: { matchLabels: componentSelector(component) },
      namespaceSelector: { matchNames: [settings.namespace] },
      endpoints: [{ port: scrape.name, path: METRICS_PATH, interval: "30s" }],
    };
    out.push({ file: file("servicemonitor"), object: { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(), spec } });
  }
  return out;
}

/** KEDA ScaledObject on queue depth for a worker with a queue; a CPU HorizontalPodAutoscaler otherwise; nothing when not scaled. */
function scaler(ctx: BuildContext, component: ComponentRuntime, sizing: EnvironmentSizing, meta: () => Obj, autoscaled: boolean): Manifest[] {
  if (!autoscaled) return [];
  const name = componentName(component);
  const trigger = scalingKind(ctx.plan, component) === "keda-sqs" ? sqsTrigger(ctx.plan) : null;
  if (trigger) {
    const spec = {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicaCount: sizing.minReplicas,
      maxReplicaCount: sizing.maxReplicas,
      pollingInterval: 30,
      cooldownPeriod: 300,
      triggers: [trigger],
    };
    return [{ file: `${name}-scaledobject.yaml`, object: { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: meta(), spec } }];
  }
  const spec = {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
    minReplicas: sizing.minReplicas,
    maxReplicas: sizing.maxReplicas,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: sizing.targetCpuPercent } } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
  };
  return [{ file: `${name}-hpa.yaml`, object: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: meta(), spec } }];
}
