import type { PlanSpec } from "../../schemas/plan.js";
import type { DeliveryEnvironment } from "./environments.js";
import { awsName } from "./labels.js";

/**
 * Naming conventions of an organisation, from the optional `conventions` section of its policy
 * (policies/org-policy-schema.ts). Patterns take `${goal}` (the plan's goal name), `${env}` (the
 * delivery environment) and `${component}` (the plan component that runs the workload).
 * The defaults keep the names Atlas has always used; ConnectSoft's own would be
 * `namespace: cs-${tenant}-${component}`, `chart_name: ${component}-chart`,
 * `secret_name: cs-${component}-secrets-${env}`.
 */
export interface Conventions {
  /** Kubernetes namespace per environment; default `${goal}-${env}` */
  namespace: string;
  /** Helm chart name (and folder under `helm/`); default `${goal}` */
  chart_name: string;
  /** name of the Kubernetes Secret the ExternalSecret writes; default `${goal}-secrets` */
  secret_name: string;
  /** the External Secrets Operator ClusterSecretStore that reads AWS Secrets Manager; default `aws-secrets-manager` */
  secret_store: string;
  /** value of the mandatory `atlas.dev/team` label; default `platform` */
  team: string;
  /** OTLP endpoint of the cluster's collector; default `http://otel-collector.monitoring:4317` */
  otel_endpoint: string;
  /** true when the cluster runs the Prometheus Operator: a ServiceMonitor is emitted; default false */
  prometheus_operator: boolean;
}

/** Atlas's defaults: today's names, the spec's collector endpoint, no Prometheus Operator assumed. */
export const DEFAULT_CONVENTIONS: Readonly<Conventions> = {
  namespace: "${goal}-${env}",
  chart_name: "${goal}",
  secret_name: "${goal}-secrets",
  secret_store: "aws-secrets-manager",
  team: "platform",
  otel_endpoint: "http://otel-collector.monitoring:4317",
  prometheus_operator: false,
};

/** The defaults with what an organisation policy sets laid over them. */
export function resolveConventions(partial: Partial<Conventions> = {}): Conventions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_CONVENTIONS, ...defined };
}

/**
 * A pattern filled in for a plan and environment and made a DNS label (lower case, dashes,
 * at most 63 characters), the shape namespaces, Secrets and charts all accept.
 */
export function applyPattern(pattern: string, plan: PlanSpec, environment: DeliveryEnvironment, component: string): string {
  const filled = pattern.replaceAll("${goal}", plan.goal_name).replaceAll("${env}", environment).replaceAll("${component}", component);
  return awsName(63, filled);
}
