import { type ComponentRuntime, kubernetesName } from "../../schemas/component.js";
import type { PlanSpec } from "../../schemas/plan.js";
import { envKey } from "./config.js";
import type { BuildContext } from "./context.js";
import type { DeliveryEnvironment } from "./environments.js";
import { K8S_LABELS, labelValue } from "./labels.js";
import type { EnvironmentSettings } from "./overlays.js";
import { type EnvironmentSizing, environmentSizing, HEALTH_PATH } from "./sizing.js";

/**
 * The user's own component runtime definitions (`plan.runtime_components`, copied from the goal),
 * as the facts both renderers use: Kubernetes names and labels, the container's ports, env, probes
 * and resources written verbatim (snake case turned into the API's camel case, nothing else),
 * per-environment replica counts, and how each one scales. The Kustomize objects
 * (component-objects.ts) and the Helm values (helm-components.ts) are both built from these.
 */

type Obj = Record<string, unknown>;

/** True when the plan renders the user's components instead of the one goal-named workload. */
export function hasRuntimeComponents(plan: PlanSpec): boolean {
  return plan.runtime_components.length > 0;
}

/** The component's Kubernetes name (`OrderService` → `order-service`): every object of the component has it. */
export function componentName(component: ComponentRuntime): string {
  return kubernetesName(component.name);
}

/** Labels that select the component's pods: stable across plan versions. */
export function componentSelector(component: ComponentRuntime): Record<string, string> {
  const name = componentName(component);
  return { [K8S_LABELS.name]: name, [K8S_LABELS.component]: name };
}

/** The component's own labels (besides the trace labels every object has): selector, blueprint id and scope. */
export function componentLabels(component: ComponentRuntime): Record<string, string> {
  return {
    ...componentSelector(component),
    ...(component.blueprint_id ? { [K8S_LABELS.blueprintId]: labelValue(component.blueprint_id) } : {}),
    ...(component.component_scope ? { [K8S_LABELS.componentScope]: labelValue(component.component_scope) } : {}),
  };
}

/** Annotations with the blueprint id and scope as written (labels must be sanitised; annotations need not). */
export function componentAnnotations(component: ComponentRuntime): Record<string, string> {
  return {
    ...(component.blueprint_id ? { [K8S_LABELS.blueprintId]: component.blueprint_id } : {}),
    ...(component.component_scope ? { [K8S_LABELS.componentScope]: component.component_scope } : {}),
  };
}

/** A probe as the API writes it: `http_get` → `httpGet`, `initial_delay_seconds` → `initialDelaySeconds`; values untouched. */
export function probeObject(probe: NonNullable<NonNullable<ComponentRuntime["probes"]>["liveness"]>): Obj {
  const out: Obj = {};
  if ("http_get" in probe) out.httpGet = { path: probe.http_get.path, port: probe.http_get.port };
  if ("grpc" in probe) out.grpc = { port: probe.grpc.port, ...(probe.grpc.service !== undefined ? { service: probe.grpc.service } : {}) };
  if ("tcp_socket" in probe) out.tcpSocket = { port: probe.tcp_socket.port };
  if (probe.initial_delay_seconds !== undefined) out.initialDelaySeconds = probe.initial_delay_seconds;
  if (probe.period_seconds !== undefined) out.periodSeconds = probe.period_seconds;
  if (probe.timeout_seconds !== undefined) out.timeoutSeconds = probe.timeout_seconds;
  if (probe.failure_threshold !== undefined) out.failureThreshold = probe.failure_threshold;
  return out;
}

/** The container's probes by their API field names; only those the component declares (none are invented). */
export function componentProbes(component: ComponentRuntime): Obj {
  const probes = component.probes ?? {};
  return {
    ...(probes.startup ? { startupProbe: probeObject(probes.startup) } : {}),
    ...(probes.liveness ? { livenessProbe: probeObject(probes.liveness) } : {}),
    ...(probes.readiness ? { readinessProbe: probeObject(probes.readiness) } : {}),
  };
}

/** The container's ports: `target_port` (or `port`) under the port's name. */
export function containerPorts(component: ComponentRuntime): Obj[] {
  return component.ports.map((p) => ({ name: p.name, containerPort: p.target_port ?? p.port, protocol: "TCP" }));
}

/**
 * The port a gRPC microservice serves gRPC on: the one named `grpc` (or `grpc-…`), else its first.
 * Other ports of it (metrics, admin) are plain HTTP.
 */
export function grpcPortName(component: ComponentRuntime): string | null {
  if (component.type !== "microservice" || component.transport !== "grpc") return null;
  return (component.ports.find((p) => p.name === "grpc" || p.name.startsWith("grpc-")) ?? component.ports[0])?.name ?? null;
}

/** The Service's ports: `port` forwarding to the container's `target_port`; the gRPC port says so (`appProtocol: grpc`). */
export function servicePorts(component: ComponentRuntime): Obj[] {
  const grpc = grpcPortName(component);
  return component.ports.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.target_port ?? p.port,
    protocol: "TCP",
    ...(p.name === grpc ? { appProtocol: "grpc" } : {}),
  }));
}

/**
 * Annotations of a gRPC component's Service: the AWS Load Balancer Controller reads the backend
 * protocol version from the Service too, so an Ingress someone adds for it speaks gRPC to the pods.
 */
export function serviceAnnotations(component: ComponentRuntime): Record<string, string> {
  return grpcPortName(component) ? { "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC" } : {};
}

/** The component's env as written: literals as values, `secret_ref` keys from the ExternalSecret-backed Secret (never a literal). */
export function componentEnv(component: ComponentRuntime, secretName: string): Obj[] {
  return component.env.map((e) =>
    "value" in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { secretKeyRef: { name: secretName, key: e.secret_ref.key } } },
  );
}

/** Every `secret_ref` key of the plan's components, once each, in first-use order. */
export function componentSecretKeys(plan: PlanSpec): string[] {
  const keys: string[] = [];
  for (const c of plan.runtime_components) for (const e of c.env) if ("secret_ref" in e && !keys.includes(e.secret_ref.key)) keys.push(e.secret_ref.key);
  return keys;
}

/**
 * The Secrets Manager secret a `secret_ref` key reads: the plan's secret named `<goal>/<key>` (the
 * architect plans one per key) or named exactly `key`; `<goal>/<key>` when the plan has neither.
 */
export function secretRefSource(plan: PlanSpec, key: string): string {
  return plan.security.secrets.find((s) => s.name === key)?.name ?? `${plan.goal_name}/${key}`;
}

/** The resources as written: requests and limits both, nothing raised, lowered or filled in. */
export function componentResources(component: ComponentRuntime): Obj {
  return { requests: { ...component.resources.requests }, limits: { ...component.resources.limits } };
}

/** The port Prometheus scrapes: the one named `metrics`, else the first; null for a component without ports. */
export function metricsPort(component: ComponentRuntime): { name: string; number: number } | null {
  const p = component.ports.find((one) => one.name === "metrics") ?? component.ports[0];
  return p ? { name: p.name, number: p.target_port ?? p.port } : null;
}

/**
 * The component's replicas per environment: its own `replicas` (the plan's minimum when unset) for
 * the plan's environment, scaled to the others by the same rules as the goal-named workload
 * (sizing.ts `environmentSizing`: dev one pod, qa two, staging half, prod at least two), up to the
 * plan's maximum. Resources are not scaled: the component's are used verbatim everywhere.
 */
export function componentSizing(plan: PlanSpec, component: ComponentRuntime, environment: DeliveryEnvironment): EnvironmentSizing {
  const replicas = component.replicas ?? plan.compute.min_replicas;
  const compute = { ...plan.compute, min_replicas: replicas, max_replicas: Math.max(replicas, plan.compute.max_replicas) };
  return environmentSizing({ ...plan, compute }, environment);
}

/** How a component scales outside dev: a worker on queue depth when the plan has a queue (KEDA), a service or a queue-less worker on CPU, a job not at all. */
export function scalingKind(plan: PlanSpec, component: ComponentRuntime): "keda-sqs" | "cpu" | "none" {
  if (component.type === "job") return "none";
  if (component.type === "worker" && workerQueue(plan)) return "keda-sqs";
  return "cpu";
}

/** The queue a worker scales on: the plan's first queue that is not a dead-letter queue. */
export function workerQueue(plan: PlanSpec): PlanSpec["queues"][number] | null {
  return plan.queues.find((q) => !/(^|-)dlq$/.test(q.id)) ?? plan.queues[0] ?? null;
}

/**
 * Messages per pod KEDA scales to (its `queueLength`): KEDA's own default of 5. An assumption, not a
 * measurement: a slow consumer needs a lower number, a fast one a higher (patch the ScaledObject).
 */
export const MESSAGES_PER_POD = "5";

/**
 * The KEDA `aws-sqs-queue` trigger: the queue URL from the env var the ExternalSecret delivers
 * (`QUEUE_<ID>_URL`, written by Terraform after apply, so no account id is guessed here), and the
 * KEDA operator's own AWS identity reading the queue's depth (its role needs `sqs:GetQueueAttributes`).
 */
export function sqsTrigger(plan: PlanSpec): Obj | null {
  const queue = workerQueue(plan);
  if (!queue) return null;
  return {
    type: "aws-sqs-queue",
    metadata: { queueURLFromEnv: `QUEUE_${envKey(queue.id)}_URL`, queueLength: MESSAGES_PER_POD, awsRegion: plan.region, identityOwner: "operator" },
  };
}

/** True when the component gets an Ingress: an HTTP microservice of a design with an ALB. */
export function componentHasIngress(ctx: BuildContext, component: ComponentRuntime): boolean {
  return component.type === "microservice" && component.transport === "http" && ctx.plan.network.ingress.type === "alb";
}

/**
 * The component's host: `<component>.<the environment's host>`, one Ingress per HTTP component.
 * All of a design's Ingresses join one ALB per environment (`group.name`), routed by host, so
 * two components never fight over a path.
 */
export function componentHost(component: ComponentRuntime, settings: EnvironmentSettings): string {
  return `${componentName(component)}.${settings.host}`;
}

/** The TLS Secret of the component's host in one environment. */
export function componentTlsSecret(component: ComponentRuntime, settings: EnvironmentSettings): string {
  return `${componentName(component)}-${settings.environment}-tls`;
}

/** The path the ALB health-checks: the component's readiness (else liveness) HTTP path, else the house default. */
export function healthCheckPath(component: ComponentRuntime): string {
  for (const probe of [component.probes?.readiness, component.probes?.liveness]) if (probe && "http_get" in probe) return probe.http_get.path;
  return HEALTH_PATH;
}

/** The ALB group the design's Ingresses share in one environment: one load balancer for all of them. */
export function albGroup(ctx: BuildContext, settings: EnvironmentSettings): string {
  return labelValue(`${ctx.plan.goal_name}-${settings.environment}`);
}

/**
 * OTel variables of a component, in the fixed order of telemetry.ts `otelEnv`: the service name is
 * the component's name as written; the resource attributes carry its blueprint id (the plan id when
 * it has none) and its scope.
 */
export function componentOtelEnv(
  ctx: BuildContext,
  component: ComponentRuntime,
  endpoint: string,
  settings: EnvironmentSettings,
): { name: string; value: string }[] {
  return [
    { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: endpoint },
    { name: "OTEL_SERVICE_NAME", value: component.name },
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: componentResourceAttributes(ctx, component, settings.environment) },
    { name: "OTEL_PROPAGATORS", value: "tracecontext,baggage" },
    { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
    { name: "OTEL_TRACES_SAMPLER_ARG", value: String(settings.samplingRatio) },
  ];
}

/** `trace_id=…,blueprint_id=…,component_scope=…,deployment.environment=…` (scope only when the component has one). */
export function componentResourceAttributes(ctx: BuildContext, component: ComponentRuntime, environment: DeliveryEnvironment): string {
  return [
    `trace_id=${ctx.plan.trace_id}`,
    `blueprint_id=${component.blueprint_id ?? ctx.plan.plan_id}`,
    ...(component.component_scope ? [`component_scope=${component.component_scope}`] : []),
    `deployment.environment=${environment}`,
  ].join(",");
}
