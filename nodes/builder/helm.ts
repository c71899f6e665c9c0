import { hasRuntimeComponents } from "./components.js";
import { appConfig } from "./config.js";
import type { BuildContext, RenderedFile } from "./context.js";
import { applyPattern } from "./conventions.js";
import { DELIVERY_PATHS } from "./environments.js";
import { componentChartValues, componentEnvironmentValues } from "./helm-component-values.js";
import { componentChartTemplates, helmTemplates } from "./helm-templates.js";
import { hasIngress, ingressAnnotations, runsOnKubernetes, SERVICE_PORT, sharedConfig, toYaml } from "./kubernetes.js";
import { cronJobSettings } from "./kubernetes-job.js";
import { externalSecret, networkPolicies } from "./kubernetes-security.js";
import { GENERATOR, K8S_LABELS, labelValue, selectorLabels } from "./labels.js";
import { allEnvironmentSettings, type EnvironmentSettings, environmentSettings } from "./overlays.js";
import { HEALTH_PATH, pinnedImage, RUN_AS_USER } from "./sizing.js";
import { blueprintId, collectorConfig, METRICS_PATH, OTEL_COLLECTOR_IMAGE } from "./telemetry.js";

type Obj = Record<string, unknown>;

/** The chart's name (and folder under `helm/`), from the `chart_name` convention. */
export function chartName(ctx: BuildContext): string {
  return applyPattern(ctx.conventions.chart_name, ctx.plan, ctx.plan.environment, ctx.component([ctx.computeKind]));
}

/**
 * What differs per environment, in values form: the same {@link EnvironmentSettings} the
 * Kustomize overlays are patched from. A scheduled plan's pods are sized the same way; how many
 * run is the schedule's, so it has no replicas, autoscaling, disruption budget, spread or Ingress.
 */
function environmentValues(ctx: BuildContext, settings: EnvironmentSettings): Obj {
  const scheduled = ctx.plan.compute.schedule !== null;
  const { sizing } = settings;
  const meta = () => ({ name: "", namespace: "", labels: {}, annotations: {} });
  const secret = externalSecret(ctx, ctx.conventions, settings, meta) as { spec: { data: unknown; dataFrom?: unknown } } | null;
  const common: Obj = {
    environment: settings.environment,
    resources: { requests: { ...sizing.resources }, limits: { ...sizing.resources } },
    otel: { samplingRatio: settings.samplingRatio },
    config: appConfig(ctx, settings.environment),
    ...(secret ? { externalSecret: { secretName: settings.secretName, data: secret.spec.data, dataFrom: secret.spec.dataFrom ?? [] } } : {}),
  };
  if (scheduled) return common;
  return {
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
    ingress: { host: settings.host, tlsSecretName: settings.tlsSecretName },
  };
}

/** values.yaml: every key the templates read, set for the plan's own environment. */
export function chartValues(ctx: BuildContext): Obj {
  const { plan, conventions } = ctx;
  const image = pinnedImage(plan);
  const owner = ctx.component([ctx.computeKind]);
  const schedule = plan.compute.schedule;
  const settings = environmentSettings(ctx, conventions, plan.environment);
  const own = environmentValues(ctx, settings);
  const workload = schedule
    ? { cronJob: cronJobSettings(schedule) }
    : {
        containerPort: plan.compute.container_port,
        service: { type: "ClusterIP", port: SERVICE_PORT },
        probes: { path: HEALTH_PATH },
        ingress: { enabled: hasIngress(ctx), className: "alb", annotations: ingressAnnotations(ctx), ...(own.ingress as Obj) },
      };
  const [, allow] = networkPolicies(ctx, conventions, () => ({}), selectorLabels(plan, owner), !schedule) as [Obj, { spec: Obj }];
  const { podSelector: _selector, ...allowSpec } = allow.spec;
  const ownSecret = own.externalSecret as Obj | undefined;
  return {
    nameOverride: chartName(ctx) === plan.goal_name ? "" : plan.goal_name,
    image: { repository: image.repository, tag: image.tag, digest: image.digest, pullPolicy: "IfNotPresent" },
    ...own,
    ...workload,
    securityContext: { runAsUser: RUN_AS_USER },
    // The name the Terraform Pod Identity association binds to the workload role.
    serviceAccount: { create: true, name: plan.goal_name, annotations: {} },
    // The release namespace is usually created by `helm --create-namespace`; set true to have the chart own it (with its Pod Security labels).
    namespace: { create: false },
    rbac: { create: true },
    networkPolicy: { enabled: true, allow: allowSpec },
    externalSecret: {
      enabled: ownSecret !== undefined,
      storeKind: "ClusterSecretStore",
      storeName: conventions.secret_store,
      refreshInterval: "1h",
      secretName: settings.secretName,
      data: [],
      dataFrom: [],
      ...ownSecret,
    },
    otel: {
      endpoint: conventions.otel_endpoint,
      samplingRatio: settings.samplingRatio,
      collectorConfig: collectorConfig(conventions),
      sidecar: { enabled: false, image: OTEL_COLLECTOR_IMAGE },
    },
    metrics: { scrapeAnnotations: !schedule, path: METRICS_PATH, serviceMonitor: { enabled: conventions.prometheus_operator && !schedule } },
    atlas: {
      component: owner,
      partOf: plan.goal_name,
      team: labelValue(conventions.team),
      traceId: plan.trace_id,
      planId: plan.plan_id,
      blueprintId: blueprintId(ctx),
      planVersion: String(plan.version),
    },
  };
}

/**
 * What differs per environment in a chart of the user's components: the shared objects' settings
 * (config, sampling, secret references) and, for every component, its replicas, scaling, budget,
 * spread and Ingress.
 */
function componentModeEnvironmentValues(ctx: BuildContext, settings: EnvironmentSettings): Obj {
  const meta = () => ({ name: "", namespace: "", labels: {}, annotations: {} });
  const secret = externalSecret(ctx, ctx.conventions, settings, meta) as { spec: { data: unknown; dataFrom?: unknown } } | null;
  return {
    environment: settings.environment,
    otel: { samplingRatio: settings.samplingRatio },
    config: sharedConfig(ctx, settings.environment),
    ...(secret ? { externalSecret: { secretName: settings.secretName, data: secret.spec.data, dataFrom: secret.spec.dataFrom ?? [] } } : {}),
    components: componentEnvironmentValues(ctx, settings),
  };
}

/** values.yaml of a chart of the user's components: the design's shared settings and every component in full, for the plan's environment. */
function componentModeValues(ctx: BuildContext): Obj {
  const { plan, conventions } = ctx;
  const settings = environmentSettings(ctx, conventions, plan.environment);
  const own = componentModeEnvironmentValues(ctx, settings);
  const ownSecret = own.externalSecret as Obj | undefined;
  return {
    nameOverride: chartName(ctx) === plan.goal_name ? "" : plan.goal_name,
    ...own,
    securityContext: { runAsUser: RUN_AS_USER },
    namespace: { create: false },
    externalSecret: {
      enabled: ownSecret !== undefined,
      storeKind: "ClusterSecretStore",
      storeName: conventions.secret_store,
      refreshInterval: "1h",
      secretName: settings.secretName,
      data: [],
      dataFrom: [],
      ...ownSecret,
    },
    otel: { endpoint: conventions.otel_endpoint, samplingRatio: settings.samplingRatio, collectorConfig: collectorConfig(conventions) },
    metrics: { path: METRICS_PATH, serviceMonitor: { enabled: conventions.prometheus_operator } },
    atlas: {
      component: ctx.component([ctx.computeKind]),
      partOf: plan.goal_name,
      team: labelValue(conventions.team),
      traceId: plan.trace_id,
      planId: plan.plan_id,
      blueprintId: blueprintId(ctx),
      planVersion: String(plan.version),
    },
    components: componentChartValues(ctx, settings),
  };
}

/** Chart.yaml: chart version 0.1.0 with the plan version as build metadata; appVersion is the image's. */
function chartYaml(ctx: BuildContext): Obj {
  const { plan } = ctx;
  const image = pinnedImage(plan);
  return {
    apiVersion: "v2",
    name: chartName(ctx),
    description: `${plan.goal_name} (${plan.pattern}), generated by Atlas from plan ${plan.plan_id}`,
    type: "application",
    version: `0.1.0+plan.${plan.version}`,
    // It becomes the app.kubernetes.io/version label, where ":" is not allowed.
    appVersion: image.tag || image.digest.replace(/^sha256:/, "").slice(0, 12),
    annotations: {
      [K8S_LABELS.planId]: plan.plan_id,
      [K8S_LABELS.planVersion]: String(plan.version),
      [K8S_LABELS.traceId]: plan.trace_id,
      [K8S_LABELS.generatedBy]: GENERATOR,
      // the specification's trace metadata: the blueprints the chart realises (the plan's, else its components') and their scopes
      [K8S_LABELS.blueprintId]: joined(plan.runtime_components.map((c) => c.blueprint_id)) ?? plan.plan_id,
      ...optional(K8S_LABELS.componentScope, joined(plan.runtime_components.map((c) => c.component_scope))),
    },
  };
}

/** The distinct values, comma-separated, or undefined when there are none. */
function joined(values: readonly (string | undefined)[]): string | undefined {
  const distinct = [...new Set(values.filter((value): value is string => Boolean(value)))];
  return distinct.length ? distinct.join(",") : undefined;
}

const optional = (key: string, value: string | undefined): Obj => (value === undefined ? {} : { [key]: value });

/**
 * The Helm chart under `helm/<chart>/`: Chart.yaml, values.yaml for the plan's environment,
 * values-<env>.yaml for dev, qa, staging and prod from the same settings as the Kustomize
 * overlays (sizing, autoscaling, disruption budget, zone spread, Ingress host and TLS, sampling,
 * app config and secret references), and the templates. Empty unless the design runs on Kubernetes.
 */
export function renderHelm(ctx: BuildContext): RenderedFile[] {
  if (!runsOnKubernetes(ctx)) return [];
  const { plan } = ctx;
  const chart = chartName(ctx);
  const root = `helm/${chart}`;
  const header = `# Generated by ${GENERATOR} from plan ${plan.plan_id} version ${plan.version}. Edit the plan, not this file.\n`;
  const components = hasRuntimeComponents(plan);
  const files: RenderedFile[] = [
    { path: `${root}/Chart.yaml`, content: header + toYaml(chartYaml(ctx)) },
    { path: `${root}/values.yaml`, content: header + toYaml(components ? componentModeValues(ctx) : chartValues(ctx)) },
  ];
  for (const settings of allEnvironmentSettings(ctx, ctx.conventions)) {
    const { environment } = settings;
    const note = environment === plan.environment ? "the plan's own environment" : `derived from the ${plan.environment} plan`;
    files.push({
      path: DELIVERY_PATHS.helmValues(root, environment),
      content: `${header}# ${environment} (${note}); the Kustomize overlay kubernetes/overlays/${environment} has the same settings.\n${toYaml(components ? componentModeEnvironmentValues(ctx, settings) : environmentValues(ctx, settings))}`,
    });
  }
  const templates = components ? componentChartTemplates(chart) : helmTemplates(chart, plan.compute.schedule !== null);
  for (const [name, content] of templates) files.push({ path: `${root}/templates/${name}`, content });
  return files;
}
