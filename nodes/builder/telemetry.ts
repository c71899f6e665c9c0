import type { BuildContext } from "./context.js";
import type { Conventions } from "./conventions.js";
import type { EnvironmentSettings } from "./overlays.js";

/**
 * OpenTelemetry and Prometheus wiring of the workload: the SDK is configured by the standard
 * OTEL_* environment variables (every OTel SDK reads them), the collector configuration ships as
 * a ConfigMap (`<goal>-otel`) for a sidecar or the cluster's collector, and Prometheus finds the
 * pods by annotation, or by a ServiceMonitor when the cluster runs the Prometheus Operator.
 */

/** Path the service serves metrics on, for the scrape annotations and the ServiceMonitor. */
export const METRICS_PATH = "/metrics";

/** The collector image of the optional sidecar (Helm `otel.sidecar.enabled`), pinned. */
export const OTEL_COLLECTOR_IMAGE = "otel/opentelemetry-collector:0.114.0";

/** OTLP gRPC port of a collector: the sidecar's, and what egress to the cluster collector allows. */
export const OTLP_GRPC_PORT = 4317;

/** The name of the OTel collector ConfigMap (the spec's `otel-configmap`). */
export function otelConfigMapName(ctx: BuildContext): string {
  return `${ctx.plan.goal_name}-otel`;
}

/** The blueprint id on traces: the plan id (a plan is the blueprint Atlas builds from). */
export function blueprintId(ctx: BuildContext): string {
  return ctx.plan.plan_id;
}

/**
 * OTEL_* variables for the container, in a fixed order (overlays patch entries by position):
 * exporter endpoint, service name, resource attributes (trace_id, blueprint_id and
 * deployment.environment), W3C propagators, and a parent-based ratio sampler at the environment's rate.
 */
export function otelEnv(ctx: BuildContext, conventions: Conventions, settings: EnvironmentSettings): { name: string; value: string }[] {
  const { plan } = ctx;
  const attributes = [`trace_id=${plan.trace_id}`, `blueprint_id=${blueprintId(ctx)}`, `deployment.environment=${settings.environment}`].join(",");
  return [
    { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: conventions.otel_endpoint },
    { name: "OTEL_SERVICE_NAME", value: plan.goal_name },
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: attributes },
    { name: "OTEL_PROPAGATORS", value: "tracecontext,baggage" },
    { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
    { name: "OTEL_TRACES_SAMPLER_ARG", value: String(settings.samplingRatio) },
  ];
}

/** Annotations on a serving pod so a stock Prometheus scrape config finds it. */
export function scrapeAnnotations(ctx: BuildContext): Record<string, string> {
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(ctx.plan.compute.container_port), "prometheus.io/path": METRICS_PATH };
}

/**
 * The collector configuration: OTLP in (gRPC and HTTP, local only), batched, OTLP out to the
 * cluster collector. Used by the sidecar; the same file documents what the app sends where.
 */
export function collectorConfig(conventions: Conventions): string {
  return [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc:",
    `        endpoint: 127.0.0.1:${OTLP_GRPC_PORT}`,
    "      http:",
    "        endpoint: 127.0.0.1:4318",
    "processors:",
    "  batch: {}",
    "exporters:",
    "  otlp:",
    `    endpoint: ${conventions.otel_endpoint}`,
    "service:",
    "  pipelines:",
    "    traces: { receivers: [otlp], processors: [batch], exporters: [otlp] }",
    "    metrics: { receivers: [otlp], processors: [batch], exporters: [otlp] }",
    "    logs: { receivers: [otlp], processors: [batch], exporters: [otlp] }",
    "",
  ].join("\n");
}

/** host and port of the collector endpoint, e.g. `otel-collector.monitoring` and 4317; the namespace is the host's second label. */
export function collectorTarget(conventions: Conventions): { namespace: string | null; port: number } {
  const url = new URL(conventions.otel_endpoint);
  const labels = url.hostname.split(".");
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { namespace: labels.length >= 2 && !/^\d+$/.test(labels[1] ?? "") ? (labels[1] ?? null) : null, port };
}
