import type { BuildContext } from "./context.js";
import type { Conventions } from "./conventions.js";
import { deliversSecrets } from "./kubernetes-security.js";
import type { EnvironmentSettings } from "./overlays.js";
import { HEALTH_PATH, pinnedImage, RUN_AS_USER } from "./sizing.js";
import { otelEnv, scrapeAnnotations } from "./telemetry.js";

type Obj = Record<string, unknown>;

/**
 * The pod the Deployment and the CronJob share, so a scheduled run gets the same hardening,
 * sizing, labels and service account as a long-running service. Only what a batch run cannot
 * use differs: a run serves nothing, so it has no port and no probes (a liveness probe on a
 * port nobody listens on would kill it), and a failed run is replaced, not restarted in place.
 */

/** What the pod of one environment is built from. */
export interface PodOptions {
  job: boolean;
  spread?: Obj[];
  settings: EnvironmentSettings;
  conventions: Conventions;
}

/**
 * The container: pinned image, the OTel variables, its ConfigMap and (when the plan has
 * secrets or Terraform-made endpoints) the Secret the ExternalSecret writes, requests equal to limits, a locked-down
 * security context and, for a service, its port and probes.
 */
function container(ctx: BuildContext, options: PodOptions): Obj {
  const { plan } = ctx;
  const { job, settings } = options;
  const sizing = settings.sizing;
  const envFrom: Obj[] = [{ configMapRef: { name: plan.goal_name } }];
  if (deliversSecrets(ctx)) envFrom.push({ secretRef: { name: settings.secretName } });
  const probe = (extra: Obj) => ({ httpGet: { path: HEALTH_PATH, port: "http" }, timeoutSeconds: 3, ...extra });
  const serving = job
    ? {}
    : {
        startupProbe: probe({ periodSeconds: 5, failureThreshold: 30 }),
        livenessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
        readinessProbe: probe({ periodSeconds: 5, failureThreshold: 3 }),
      };
  return {
    name: plan.goal_name,
    image: pinnedImage(plan).image,
    imagePullPolicy: "IfNotPresent",
    ...(job ? {} : { ports: [{ name: "http", containerPort: plan.compute.container_port, protocol: "TCP" }] }),
    env: otelEnv(ctx, options.conventions, settings),
    envFrom,
    resources: { requests: { ...sizing.resources }, limits: { ...sizing.resources } },
    ...serving,
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/**
 * A pod template: the selector labels plus part-of and managed-by (never the per-run trace ids,
 * which would restart every pod on each plan version), and the pod spec. `spread` is the
 * Deployment's zone spread; a `job` pod restarts `Never`, so each retry is a new pod the Job counts.
 * A serving pod carries the Prometheus scrape annotations.
 */
export function podTemplate(ctx: BuildContext, selector: Record<string, string>, options: PodOptions): Obj {
  const { plan } = ctx;
  const labels = { ...selector, "app.kubernetes.io/part-of": plan.goal_name, "app.kubernetes.io/managed-by": "atlas" };
  return {
    metadata: options.job ? { labels } : { labels, annotations: scrapeAnnotations(ctx) },
    spec: {
      ...(options.job ? { restartPolicy: "Never" } : {}),
      serviceAccountName: plan.goal_name,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
      securityContext: podSecurityContext(),
      ...(options.spread ? { topologySpreadConstraints: options.spread } : {}),
      containers: [container(ctx, options)],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    },
  };
}

/** Every pod's security context (the "restricted" Pod Security Standard): non-root, its own user and group, the runtime's seccomp profile. */
export function podSecurityContext(): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: RUN_AS_USER, runAsGroup: RUN_AS_USER, fsGroup: RUN_AS_USER, seccompProfile: { type: "RuntimeDefault" } };
}

/** Every container's security context: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export function containerSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
