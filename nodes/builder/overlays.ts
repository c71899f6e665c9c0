import type { BuildContext } from "./context.js";
import { applyPattern, type Conventions } from "./conventions.js";
import { DELIVERY_ENVIRONMENTS, type DeliveryEnvironment } from "./environments.js";
import { type EnvironmentSizing, environmentSizing } from "./sizing.js";

/**
 * The one source of what differs between delivery environments. The Kustomize overlays and the
 * Helm values files are both written from {@link environmentSettings}, so the two ways of
 * deploying cannot drift apart (a test renders both and compares them).
 */

/** Traces kept per environment (OTEL_TRACES_SAMPLER_ARG): all of them in dev and qa, half in staging, a fifth in prod (the spec's 100 % and 20 %). */
export const OTEL_SAMPLING: Readonly<Record<DeliveryEnvironment, number>> = { dev: 1, qa: 1, staging: 0.5, prod: 0.2 };

/** Everything about one environment's deployment that is not the same in all of them. */
export interface EnvironmentSettings {
  environment: DeliveryEnvironment;
  /** from the `namespace` convention; `${goal}-${env}` by default, the namespace Terraform's Pod Identity association names */
  namespace: string;
  /** the Kubernetes Secret the ExternalSecret writes (the `secret_name` convention) */
  secretName: string;
  sizing: EnvironmentSizing;
  /**
   * The Ingress host. Plans carry no domain yet, so it follows the convention
   * `<goal>.<env>.example.internal`: replace it (Helm `ingress.host`, or a patch) with the real name.
   */
  host: string;
  /** the Secret with the Ingress's TLS certificate, per environment */
  tlsSecretName: string;
  /** OTEL_TRACES_SAMPLER_ARG: share of root traces kept */
  samplingRatio: number;
  logLevel: "info" | "debug";
}

/** The settings of one environment, derived from the plan (see `environmentSizing` for the sizing rules). */
export function environmentSettings(ctx: BuildContext, conventions: Conventions, environment: DeliveryEnvironment): EnvironmentSettings {
  const { plan } = ctx;
  const component = ctx.component([ctx.computeKind]);
  return {
    environment,
    namespace: applyPattern(conventions.namespace, plan, environment, component),
    secretName: applyPattern(conventions.secret_name, plan, environment, component),
    sizing: environmentSizing(plan, environment),
    host: `${plan.goal_name}.${environment}.example.internal`,
    tlsSecretName: `${plan.goal_name}-${environment}-tls`,
    samplingRatio: OTEL_SAMPLING[environment],
    logLevel: environment === "prod" ? "info" : "debug",
  };
}

/** Settings for every delivery environment, in promotion order. */
export function allEnvironmentSettings(ctx: BuildContext, conventions: Conventions): EnvironmentSettings[] {
  return DELIVERY_ENVIRONMENTS.map((environment) => environmentSettings(ctx, conventions, environment));
}
