import { stringify } from "yaml";
import { appConfig } from "./config.js";
import type { BuildContext, RenderedFile } from "./context.js";
import { cronJob } from "./kubernetes-job.js";
import { podTemplate } from "./kubernetes-pod.js";
import { GENERATOR, k8sAnnotations, k8sLabels, selectorLabels } from "./labels.js";
import { HEALTH_PATH, planSizing } from "./sizing.js";
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

function deployment(ctx: BuildContext, meta: Obj, selector: Record<string, string>): Obj {
  const sizing = planSizing(ctx.plan);
  const spread = sizing.zoneSpread
    ? [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }]
    : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta,
    spec: {
      replicas: sizing.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: podTemplate(ctx, selector, { job: false, ...(spread ? { spread } : {}) }),
    },
  };
}

/** The ALB controller's settings: on EKS the Ingress is what creates the load balancer. */
function ingressAnnotations(ctx: BuildContext): Obj {
  return {
    "alb.ingress.kubernetes.io/scheme": ctx.plan.network.ingress.public ? "internet-facing" : "internal",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
    "alb.ingress.kubernetes.io/healthcheck-path": HEALTH_PATH,
  };
}

type Manifest = { file: string; object: Obj };
type Meta = (extra?: Obj) => { name: string; namespace: string; labels: Record<string, string>; annotations: Obj };

/** A long-running service: Deployment, ClusterIP Service, CPU autoscaler, a disruption budget from two pods, and the Ingress when it has an ALB. */
function serviceObjects(ctx: BuildContext, meta: Meta, selector: Record<string, string>): Manifest[] {
  const name = ctx.plan.goal_name;
  const sizing = planSizing(ctx.plan);
  const out: Manifest[] = [
    { file: "deployment.yaml", object: deployment(ctx, meta(), selector) },
    {
      file: "service.yaml",
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(),
        spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }] },
      },
    },
    {
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
    },
  ];
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
      tls: [{ secretName: `${name}-tls` }],
      rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    };
    out.push({ file: "ingress.yaml", object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(ingressAnnotations(ctx)), spec } });
  }
  return out;
}

/**
 * The workload's Kubernetes objects, in apply order, each with the trace labels and in the
 * plan's own namespace: a Deployment and what serves it, or for a scheduled plan one CronJob
 * (a run serves nothing, so no Service, Ingress, autoscaler or disruption budget). Empty for
 * designs that do not run on Kubernetes: ECS services and static sites.
 */
export function kubernetesObjects(ctx: BuildContext): Manifest[] {
  if (!runsOnKubernetes(ctx)) return [];
  const { plan } = ctx;
  const owner = ctx.component([ctx.computeKind]);
  const labels = k8sLabels(plan, owner);
  const annotations = k8sAnnotations(plan);
  const meta: Meta = (extra = {}) => ({ name: plan.goal_name, namespace: ctx.namespace, labels, annotations: { ...annotations, ...extra } });
  const selector = selectorLabels(plan, owner);
  const schedule = plan.compute.schedule;
  return [
    {
      file: "namespace.yaml",
      object: {
        apiVersion: "v1",
        kind: "Namespace",
        // The pods meet the "restricted" Pod Security Standard; enforcing it keeps it that way.
        metadata: { name: ctx.namespace, labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted" }, annotations },
      },
    },
    { file: "serviceaccount.yaml", object: { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(), automountServiceAccountToken: false } },
    { file: "configmap.yaml", object: { apiVersion: "v1", kind: "ConfigMap", metadata: meta(), data: appConfig(ctx) } },
    ...(schedule
      ? [{ file: "cronjob.yaml", object: cronJob(schedule, meta(), podTemplate(ctx, selector, { job: true })) }]
      : serviceObjects(ctx, meta, selector)),
  ];
}

/** `kubernetes/<kind>.yaml` files plus a kustomization, so `kubectl apply -k kubernetes/` applies them in order. */
export function renderKubernetes(ctx: BuildContext): RenderedFile[] {
  const objects = kubernetesObjects(ctx);
  if (objects.length === 0) return [];
  const header = `# Generated by ${GENERATOR} from plan ${ctx.plan.plan_id} version ${ctx.plan.version}. Edit the plan, not this file.\n`;
  const files = objects.map(({ file, object }) => ({ path: `kubernetes/${file}`, content: header + toYaml(object) }));
  const kustomization = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: objects.map((o) => o.file) };
  files.push({ path: "kubernetes/kustomization.yaml", content: header + toYaml(kustomization) });
  return files;
}

/** YAML without line folding (long values stay on one line) and without anchors for repeated objects. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
