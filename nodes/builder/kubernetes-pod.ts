import type { BuildContext } from "./context.js";
import { HEALTH_PATH, pinnedImage, planSizing, RUN_AS_USER } from "./sizing.js";

type Obj = Record<string, unknown>;

/**
 * The pod the Deployment and the CronJob share, so a scheduled run gets the same hardening,
 * sizing, labels and service account as a long-running service. Only what a batch run cannot
 * use differs: a run serves nothing, so it has no port and no probes (a liveness probe on a
 * port nobody listens on would kill it), and a failed run is replaced, not restarted in place.
 */

/** The container: pinned image, requests equal to limits, a locked-down security context and, for a service, its port and probes. */
function container(ctx: BuildContext, job: boolean): Obj {
  const { plan } = ctx;
  const sizing = planSizing(plan);
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
    envFrom: [{ configMapRef: { name: plan.goal_name } }],
    resources: { requests: { ...sizing.resources }, limits: { ...sizing.resources } },
    ...serving,
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

/**
 * A pod template: the selector labels plus part-of and managed-by (never the per-run trace ids,
 * which would restart every pod on each plan version), and the pod spec. `spread` is the
 * Deployment's zone spread; a `job` pod restarts `Never`, so each retry is a new pod the Job counts.
 */
export function podTemplate(ctx: BuildContext, selector: Record<string, string>, options: { job: boolean; spread?: Obj[] }): Obj {
  const { plan } = ctx;
  return {
    metadata: { labels: { ...selector, "app.kubernetes.io/part-of": plan.goal_name, "app.kubernetes.io/managed-by": "atlas" } },
    spec: {
      ...(options.job ? { restartPolicy: "Never" } : {}),
      serviceAccountName: plan.goal_name,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 30,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_USER,
        runAsGroup: RUN_AS_USER,
        fsGroup: RUN_AS_USER,
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(options.spread ? { topologySpreadConstraints: options.spread } : {}),
      containers: [container(ctx, options.job)],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    },
  };
}
