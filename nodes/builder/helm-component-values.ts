import type { ComponentRuntime } from "../../schemas/component.js";
import { componentPolicyRules, scaled } from "./component-objects.js";
import {
  albGroup,
  componentAnnotations,
  componentHasIngress,
  componentHost,
  componentLabels,
  componentName,
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
import { ingressAnnotations } from "./kubernetes.js";
import { BACKOFF_LIMIT, SCHEDULE_TIME_ZONE, STARTING_DEADLINE_S, TTL_AFTER_FINISHED_S } from "./kubernetes-job.js";
import type { EnvironmentSettings } from "./overlays.js";

/**
 * The Helm values of the user's components: `components.<kubernetes name>` with what the
 * templates (helm-component-templates.ts) render, from the same functions as the Kustomize
 * objects (components.ts, component-objects.ts). values.yaml carries every field for the plan's
 * environment; each values-<env>.yaml carries, for every component, what differs by environment
 * (replicas, scaling, disruption budget, zone spread, Ingress host, TLS and ALB group).
 */

type Obj = Record<string, unknown>;

/** What of one component differs by environment. */
function perEnvironment(ctx: BuildContext, component: ComponentRuntime, settings: EnvironmentSettings): Obj {
  if (component.type === "job") return {};
  const sizing = componentSizing(ctx.plan, component, settings.environment);
  const kind = scalingKind(ctx.plan, component);
  const trigger = kind === "keda-sqs" ? sqsTrigger(ctx.plan) : null;
  const port = component.ports[0];
  const ingress = componentHasIngress(ctx, component) && port !== undefined;
  return {
    replicaCount: sizing.replicas,
    autoscaling: {
      enabled: scaled(ctx, component, sizing),
      kind,
      minReplicas: sizing.minReplicas,
      maxReplicas: sizing.maxReplicas,
      targetCPUUtilizationPercentage: sizing.targetCpuPercent,
      ...(trigger ? { triggers: [trigger] } : {}),
    },
    podDisruptionBudget: { enabled: sizing.pdb, minAvailable: 1 },
    topologySpread: { enabled: sizing.zoneSpread },
    ingress: ingress
      ? {
          enabled: true,
          host: componentHost(component, settings),
          tlsSecretName: componentTlsSecret(component, settings),
          annotations: {
            ...ingressAnnotations(ctx),
            "alb.ingress.kubernetes.io/healthcheck-path": healthCheckPath(component),
            "alb.ingress.kubernetes.io/group.name": albGroup(ctx, settings),
          },
        }
      : { enabled: false },
  };
}

/** Every field of one component, for the plan's own environment (values.yaml). */
function fullValues(ctx: BuildContext, component: ComponentRuntime, settings: EnvironmentSettings): Obj {
  const metrics = metricsPort(component);
  const own = perEnvironment(ctx, component, settings);
  const port = component.ports[0];
  return {
    name: component.name,
    kind: component.type === "job" ? "CronJob" : "Deployment",
    image: component.container_image,
    labels: componentLabels(component),
    selectorLabels: componentSelector(component),
    annotations: componentAnnotations(component),
    resourceAttributes: [
      `trace_id=${ctx.plan.trace_id}`,
      `blueprint_id=${component.blueprint_id ?? ctx.plan.plan_id}`,
      ...(component.component_scope ? [`component_scope=${component.component_scope}`] : []),
    ].join(","),
    ports: containerPorts(component),
    env: component.env.map((e) => ("value" in e ? { name: e.name, value: e.value } : { name: e.name, secretKeyRef: e.secret_ref.key })),
    resources: componentResources(component),
    probes: componentProbes(component),
    metrics: metrics ? { portName: metrics.name, portNumber: metrics.number } : null,
    networkPolicy: componentPolicyRules(ctx, component, ctx.conventions),
    service: { enabled: component.type !== "job" && component.ports.length > 0, annotations: serviceAnnotations(component), ports: servicePorts(component) },
    ...(component.type === "job"
      ? {
          cronJob: {
            schedule: component.schedule,
            timeZone: SCHEDULE_TIME_ZONE,
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: STARTING_DEADLINE_S,
            parallelism: component.replicas ?? 1,
            completions: component.replicas ?? 1,
            backoffLimit: BACKOFF_LIMIT,
            ttlSecondsAfterFinished: TTL_AFTER_FINISHED_S,
          },
          autoscaling: { enabled: false },
          podDisruptionBudget: { enabled: false },
          topologySpread: { enabled: false },
          ingress: { enabled: false },
        }
      : { ...own, ingress: { ...(own.ingress as Obj), ...(port ? { portName: port.name } : {}) } }),
  };
}

/** `components` of values.yaml: every component with every field, for the plan's environment. */
export function componentChartValues(ctx: BuildContext, settings: EnvironmentSettings): Obj {
  return Object.fromEntries(ctx.plan.runtime_components.map((c) => [componentName(c), fullValues(ctx, c, settings)]));
}

/** `components` of values-<env>.yaml: for every component, what differs in that environment. */
export function componentEnvironmentValues(ctx: BuildContext, settings: EnvironmentSettings): Obj {
  return Object.fromEntries(ctx.plan.runtime_components.map((c) => [componentName(c), perEnvironment(ctx, c, settings)]));
}
