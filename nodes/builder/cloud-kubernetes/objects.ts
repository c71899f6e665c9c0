import type { PlanSpec } from "../../../schemas/plan.js";
import { envKey } from "../config.js";
import { resolveConventions } from "../conventions.js";
import type { Manifest } from "../kubernetes.js";
import { cronJob } from "../kubernetes-job.js";
import { containerSecurityContext, podSecurityContext } from "../kubernetes-pod.js";
import { K8S_LABELS, k8sAnnotations, k8sLabels, labelValue, selectorLabels } from "../labels.js";
import { HEALTH_PATH, pinnedImage } from "../sizing.js";
import { serves, type WorkloadRole, workloadRole } from "../workload-role.js";
import {
  dataPorts,
  gkeIngressObjects,
  ingressSettings,
  ingressSources,
  platformEgress,
  podPlatformLabels,
  SECRETS_MOUNT_PATH,
  SECRETS_STORE_DRIVER,
  secretProviderParameters,
  serviceAccountAnnotations,
  serviceAnnotations,
} from "./cloud.js";
import { type CloudCluster, type CloudEnvironment, workloadComponent } from "./settings.js";

type Obj = Record<string, unknown>;
type Meta = (extra?: Obj, name?: string) => { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };

/** Port the Service exposes inside the cluster (the AWS side's too); it forwards to the container's named port `http`. */
export const SERVICE_PORT = 80;

/** The owning team label's value: the organisation convention's default, as on AWS (`atlas.dev/team`). */
export const TEAM = labelValue(resolveConventions().team);

/** The design's parts the objects of every environment share. */
export interface WorkloadShape {
  plan: PlanSpec;
  cluster: CloudCluster;
  role: WorkloadRole;
  /** the plan component owning the objects */
  owner: string;
}

/** The shape of a plan's workload on its cluster. */
export function workloadShape(plan: PlanSpec, cluster: CloudCluster): WorkloadShape {
  return { plan, cluster, role: workloadRole(plan), owner: workloadComponent(plan, cluster) };
}

/** Labels on every object: the trace labels (as the AWS objects carry them), the team and the environment. */
export function objectLabels(shape: WorkloadShape, env: CloudEnvironment): Record<string, string> {
  return { ...k8sLabels(shape.plan, shape.owner), [K8S_LABELS.team]: TEAM, [K8S_LABELS.env]: env.environment };
}

/** The SecretProviderClass name (the workload's name: one per namespace). */
export function secretProviderClassName(plan: PlanSpec): string {
  return `${plan.goal_name}-secrets`;
}

/** Environment variables pointing the app at its secret files: `STRIPE_API_KEY_FILE=/mnt/secrets/stripe-api-key`. */
export function secretFileEnv(plan: PlanSpec): { name: string; value: string }[] {
  return plan.security.secrets.map((s) => ({ name: `${envKey(s.name)}_FILE`, value: `${SECRETS_MOUNT_PATH}/${s.name}` }));
}

/** The pod the Deployment and the CronJob share (a job pod has no port or probes and restarts `Never`), hardened to "restricted". */
function podTemplate(shape: WorkloadShape, env: CloudEnvironment, job: boolean, spread: boolean): Obj {
  const { plan } = shape;
  const selector = selectorLabels(plan, shape.owner);
  const hasSecrets = plan.security.secrets.length > 0;
  const probe = (extra: Obj) => ({ httpGet: { path: HEALTH_PATH, port: "http" }, timeoutSeconds: 3, ...extra });
  const serving = job
    ? {}
    : {
        startupProbe: probe({ periodSeconds: 5, failureThreshold: 30 }),
        livenessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
        readinessProbe: probe({ periodSeconds: 5, failureThreshold: 3 }),
      };
  const container: Obj = {
    name: plan.goal_name,
    image: pinnedImage(plan).image,
    imagePullPolicy: "IfNotPresent",
    ...(job ? {} : { ports: [{ name: "http", containerPort: plan.compute.container_port, protocol: "TCP" }] }),
    ...(hasSecrets ? { env: secretFileEnv(plan) } : {}),
    resources: { requests: { ...env.sizing.resources }, limits: { ...env.sizing.resources } },
    ...serving,
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(hasSecrets ? [{ name: "secrets", mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : [])],
  };
  const volumes: Obj[] = [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }];
  if (hasSecrets) {
    volumes.push({
      name: "secrets",
      csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: secretProviderClassName(plan) } },
    });
  }
  const labels = { ...selector, [K8S_LABELS.partOf]: labelValue(plan.goal_name), [K8S_LABELS.managedBy]: "atlas", ...podPlatformLabels(shape.cluster) };
  const topology = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }];
  return {
    metadata: { labels },
    spec: {
      ...(job ? { restartPolicy: "Never" } : {}),
      serviceAccountName: env.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
      securityContext: podSecurityContext(),
      ...(spread ? { topologySpreadConstraints: topology } : {}),
      containers: [container],
      volumes,
    },
  };
}

/** The default-deny policy and the workload's allows: ingress from the entry's sources (serving pods only), egress to DNS, data services, the identity endpoint and HTTPS. */
function networkPolicies(shape: WorkloadShape, meta: Meta): Obj[] {
  const { plan, cluster, role } = shape;
  const serving = serves(role);
  const egress: Obj[] = [
    {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
  ];
  const ports = dataPorts(plan, cluster);
  if (ports.length > 0) egress.push({ to: [{ ipBlock: { cidr: plan.network.vpc_cidr } }], ports: ports.map((port) => ({ protocol: "TCP", port })) });
  egress.push(...platformEgress(cluster));
  // Entra ID / Google token endpoints, the vault and the cloud's other APIs are all HTTPS.
  egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] });
  const allow: Obj = {
    podSelector: { matchLabels: selectorLabels(plan, shape.owner) },
    policyTypes: serving ? ["Ingress", "Egress"] : ["Egress"],
    ...(serving ? { ingress: [{ from: ingressSources(plan, cluster, role), ports: [{ protocol: "TCP", port: plan.compute.container_port }] }] } : {}),
    egress,
  };
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta({}, `${plan.goal_name}-default-deny`),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta(), spec: allow },
  ];
}

/** What serves a long-running workload: Deployment, and for a serving one Service and Ingress (plus GKE's Ingress objects); the autoscaler and disruption budget where the environment has them. */
function workloadObjects(shape: WorkloadShape, env: CloudEnvironment, meta: Meta): Manifest[] {
  const { plan, cluster, role } = shape;
  const name = plan.goal_name;
  const { sizing } = env;
  const selector = selectorLabels(plan, shape.owner);
  const out: Manifest[] = [
    {
      file: "deployment.yaml",
      object: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta(),
        spec: {
          // With an autoscaler the replica count is its to set.
          ...(sizing.autoscaling ? {} : { replicas: sizing.replicas }),
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: podTemplate(shape, env, false, sizing.zoneSpread),
        },
      },
    },
  ];
  if (sizing.autoscaling) {
    const metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: sizing.targetCpuPercent } } }];
    const spec = {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: sizing.minReplicas,
      maxReplicas: sizing.maxReplicas,
      metrics,
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    };
    out.push({ file: "hpa.yaml", object: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: meta(), spec } });
  }
  if (sizing.pdb) {
    out.push({
      file: "pdb.yaml",
      object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(), spec: { minAvailable: 1, selector: { matchLabels: selector } } },
    });
  }
  if (!serves(role)) return out;
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(serviceAnnotations(plan, cluster)),
    spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }] },
  };
  const ingress = ingressSettings(plan, cluster, role, env.host, env.tlsSecretName);
  const backend = { service: { name, port: { name: "http" } } };
  const ingressSpec: Obj = {
    ingressClassName: ingress.className,
    ...(ingress.tls.length > 0 ? { tls: ingress.tls } : {}),
    rules: [{ host: env.host, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
  };
  out.push(
    { file: "service.yaml", object: service },
    { file: "ingress.yaml", object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(ingress.annotations), spec: ingressSpec } },
  );
  if (cluster === "gke") {
    for (const extra of gkeIngressObjects(plan, role, env.host)) {
      out.push({ file: extra.file, object: { apiVersion: extra.apiVersion, kind: extra.kind, metadata: meta(), spec: extra.spec } });
    }
  }
  return out;
}

/**
 * The workload's Kubernetes objects for one environment, in apply order, each with the trace
 * labels and annotations, the team and environment labels, in the environment's namespace: the
 * Namespace (Pod Security "restricted" enforced, audited and warned), the ServiceAccount tied to
 * the cloud identity, the NetworkPolicies, the SecretProviderClass when the plan has secrets,
 * then a CronJob (scheduled plans) or a Deployment and what serves it.
 */
export function cloudKubernetesObjects(shape: WorkloadShape, env: CloudEnvironment): Manifest[] {
  const { plan } = shape;
  const labels = objectLabels(shape, env);
  const annotations = k8sAnnotations(plan);
  const meta = (extra: Obj = {}, name = plan.goal_name) => ({
    name,
    namespace: env.namespace,
    labels: { ...labels },
    annotations: { ...annotations, ...(extra as Record<string, string>) },
  });
  const pss = Object.fromEntries(["enforce", "audit", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, "restricted"]));
  const out: Manifest[] = [
    {
      file: "namespace.yaml",
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name: env.namespace, labels: { ...labels, ...pss }, annotations: { ...annotations } } },
    },
    {
      file: "serviceaccount.yaml",
      object: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: meta(serviceAccountAnnotations(shape.cluster), env.serviceAccount),
        automountServiceAccountToken: false,
      },
    },
    ...networkPolicies(shape, meta).map((object, i) => ({ file: i === 0 ? "networkpolicy-deny.yaml" : "networkpolicy.yaml", object })),
  ];
  if (plan.security.secrets.length > 0) {
    const { provider, parameters } = secretProviderParameters(plan, shape.cluster, env.environment);
    out.push({
      file: "secretproviderclass.yaml",
      object: {
        apiVersion: "secrets-store.csi.x-k8s.io/v1",
        kind: "SecretProviderClass",
        metadata: meta({}, secretProviderClassName(plan)),
        spec: { provider, parameters },
      },
    });
  }
  const schedule = plan.compute.schedule;
  if (schedule) {
    out.push({ file: "cronjob.yaml", object: cronJob(schedule, meta(), podTemplate(shape, env, true, false)) });
    return out;
  }
  return [...out, ...workloadObjects(shape, env, meta)];
}
