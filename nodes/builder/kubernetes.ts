import { stringify } from "yaml";
import { appConfig } from "./config.js";
import type { BuildContext, RenderedFile } from "./context.js";
import { GENERATOR, k8sAnnotations, k8sLabels, selectorLabels } from "./labels.js";
import { HEALTH_PATH, pinnedImage, planSizing, RUN_AS_USER } from "./sizing.js";
import { TLS_POLICY } from "./terraform/alb.js";

type Obj = Record<string, unknown>;

/** Port the Service exposes inside the cluster; it forwards to the container's named port `http`. */
export const SERVICE_PORT = 80;

/** True when the plan gets an Ingress: a public ALB, or any ALB on EKS (the controller builds it from the Ingress). */
export function hasIngress(ctx: BuildContext): boolean {
  const { ingress } = ctx.plan.network;
  return ingress.type === "alb" && (ingress.public || ctx.plan.compute.platform === "eks");
}

/** The pod's container: pinned image, probes, requests and limits, and a locked-down security context. */
function container(ctx: BuildContext): Obj {
  const { plan } = ctx;
  const sizing = planSizing(plan);
  const probe = (extra: Obj) => ({ httpGet: { path: HEALTH_PATH, port: "http" }, timeoutSeconds: 3, ...extra });
  return {
    name: plan.goal_name,
    image: pinnedImage(plan).image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "http", containerPort: plan.compute.container_port, protocol: "TCP" }],
    envFrom: [{ configMapRef: { name: plan.goal_name } }],
    resources: { requests: { ...sizing.resources }, limits: { ...sizing.resources } },
    startupProbe: probe({ periodSeconds: 5, failureThreshold: 30 }),
    livenessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
    readinessProbe: probe({ periodSeconds: 5, failureThreshold: 3 }),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
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
      template: {
        metadata: { labels: { ...selector, "app.kubernetes.io/part-of": ctx.plan.goal_name, "app.kubernetes.io/managed-by": "atlas" } },
        spec: {
          serviceAccountName: ctx.plan.goal_name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: "RuntimeDefault" },
          },
          ...(spread ? { topologySpreadConstraints: spread } : {}),
          containers: [container(ctx)],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        },
      },
    },
  };
}

/** The ALB controller's settings, for EKS, where the Ingress is what creates the load balancer. */
function ingressAnnotations(ctx: BuildContext): Obj {
  if (ctx.plan.compute.platform !== "eks") return {};
  return {
    "alb.ingress.kubernetes.io/scheme": ctx.plan.network.ingress.public ? "internet-facing" : "internal",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
    "alb.ingress.kubernetes.io/healthcheck-path": HEALTH_PATH,
  };
}

/**
 * The service's Kubernetes objects, in apply order, each with the trace labels and in the
 * plan's own namespace. Empty for designs without a service to run (static sites).
 */
export function kubernetesObjects(ctx: BuildContext): { file: string; object: Obj }[] {
  if (!ctx.hasService) return [];
  const { plan } = ctx;
  const owner = ctx.component([ctx.computeKind]);
  const labels = k8sLabels(plan, owner);
  const annotations = k8sAnnotations(plan);
  const name = plan.goal_name;
  const meta = (extra: Obj = {}) => ({ name, namespace: ctx.namespace, labels, annotations: { ...annotations, ...extra } });
  const selector = selectorLabels(plan, owner);
  const sizing = planSizing(plan);
  const out: { file: string; object: Obj }[] = [
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
      ...(plan.compute.platform === "eks" ? { ingressClassName: "alb" } : {}),
      tls: [{ secretName: `${name}-tls` }],
      rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    };
    out.push({ file: "ingress.yaml", object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(ingressAnnotations(ctx)), spec } });
  }
  return out;
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
