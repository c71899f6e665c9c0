import { componentSecretKeys, secretRefSource } from "./components.js";
import { envKey } from "./config.js";
import type { BuildContext } from "./context.js";
import type { Conventions } from "./conventions.js";
import { awsName } from "./labels.js";
import type { EnvironmentSettings } from "./overlays.js";
import { collectorTarget, otelConfigMapName } from "./telemetry.js";
import { runtimeEndpoints, runtimeEndpointsSecretName } from "./terraform/eks.js";
import { engineFacts } from "./terraform/engines.js";

type Obj = Record<string, unknown>;
type Meta = (extra?: Obj) => Obj;

/**
 * Identity and isolation of the workload: its ServiceAccount (bound to the Terraform workload
 * role by the EKS Pod Identity association, which matches namespace and name), a Role that can
 * read only its own ConfigMaps, default-deny NetworkPolicies with the allows the design implies,
 * and its secrets delivered by reference through the External Secrets Operator.
 */

/** Link-local address of the EKS Pod Identity agent on every node; the SDK fetches credentials there (port 80). */
export const POD_IDENTITY_AGENT = "169.254.170.23/32";

/** Redis's port on ElastiCache, as Terraform creates it. */
const REDIS_PORT = 6379;

/** The namespace with the Pod Security admission labels: the pods meet "restricted", enforced, audited and warned on. */
export function namespaceObject(settings: EnvironmentSettings, labels: Record<string, string>, annotations: Obj): Obj {
  const pss = Object.fromEntries(["enforce", "audit", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, "restricted"]));
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: settings.namespace, labels: { ...labels, ...pss }, annotations } };
}

/** The workload's ServiceAccount; the token is not mounted (the app never calls the Kubernetes API). */
export function serviceAccount(meta: Meta): Obj {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(), automountServiceAccountToken: false };
}

/** Read access to the workload's own ConfigMaps by name, nothing else: no wildcards, no secrets, no writes. */
export function rbacObjects(ctx: BuildContext, settings: EnvironmentSettings, meta: Meta): Obj[] {
  const name = ctx.plan.goal_name;
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(),
      rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [name, otelConfigMapName(ctx)], verbs: ["get"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: settings.namespace }],
    },
  ];
}

/** A TCP port entry of a NetworkPolicy rule. */
export const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * Two NetworkPolicies: `<goal>-default-deny` shuts every pod of the namespace off in both
 * directions; `<goal>` lets the workload's pods take traffic on their port (from the VPC, where
 * the ALB's targets and the node kubelets are, from pods of the namespace and from the
 * collector's namespace for scrapes) and reach DNS, the plan's databases and caches, the
 * collector, the Pod Identity agent and HTTPS for AWS APIs. A scheduled job serves nothing.
 */
export function networkPolicies(ctx: BuildContext, conventions: Conventions, meta: Meta, selector: Record<string, string>, serving: boolean): Obj[] {
  const { plan } = ctx;
  const allow: Obj = {
    podSelector: { matchLabels: selector },
    policyTypes: serving ? ["Ingress", "Egress"] : ["Egress"],
    ...(serving ? { ingress: [{ from: ingressSources(ctx, conventions), ports: [tcp(plan.compute.container_port)] }] } : {}),
    egress: workloadEgress(ctx, conventions),
  };
  const base = meta();
  return [defaultDeny(ctx, meta), { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: base, spec: allow }];
}

/** `<goal>-default-deny`: every pod of the namespace shut off in both directions, until an allow opens a way. */
export function defaultDeny(ctx: BuildContext, meta: Meta): Obj {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { ...meta(), name: `${ctx.plan.goal_name}-default-deny` },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

/** Where a serving pod takes traffic from: the VPC (ALB targets, node kubelets), pods of the namespace, the collector's namespace. */
export function ingressSources(ctx: BuildContext, conventions: Conventions): Obj[] {
  const collector = collectorTarget(conventions);
  const from: Obj[] = [{ ipBlock: { cidr: ctx.plan.network.vpc_cidr } }, { podSelector: {} }];
  if (collector.namespace) from.push({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": collector.namespace } } });
  return from;
}

/** What every workload pod may reach: DNS, the plan's databases and caches, the collector, the Pod Identity agent, HTTPS for AWS APIs. */
export function workloadEgress(ctx: BuildContext, conventions: Conventions): Obj[] {
  const { plan } = ctx;
  const vpc = { ipBlock: { cidr: plan.network.vpc_cidr } };
  const collector = collectorTarget(conventions);
  const egress: Obj[] = [
    {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
  ];
  const dataPorts = [...new Set([...plan.databases.map((db) => engineFacts(db).port), ...(plan.caches.length > 0 ? [REDIS_PORT] : [])])].sort((a, b) => a - b);
  if (dataPorts.length > 0) egress.push({ to: [vpc], ports: dataPorts.map(tcp) });
  if (collector.namespace) {
    egress.push({ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": collector.namespace } } }], ports: [tcp(collector.port)] });
  }
  egress.push({ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [tcp(80)] });
  egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(443)] });
  return egress;
}

/**
 * The ExternalSecret's keys: one per planned secret (`STRIPE_API_KEY` for `stripe-api-key`), then
 * each component `secret_ref` key under its own name, as the component's env reads it.
 */
function secretData(ctx: BuildContext, prefix: string): Obj[] {
  const { plan } = ctx;
  const data: Obj[] = plan.security.secrets.map((s) => ({ secretKey: envKey(s.name), remoteRef: { key: `${prefix}/${awsName(200, s.name)}` } }));
  for (const key of componentSecretKeys(plan)) {
    if (data.some((d) => d.secretKey === key)) continue;
    data.push({ secretKey: key, remoteRef: { key: `${prefix}/${awsName(200, secretRefSource(plan, key))}` } });
  }
  return data;
}

/** True when the workload gets a Secret from the ExternalSecret: the plan has secrets, or endpoints only Terraform knows. */
export function deliversSecrets(ctx: BuildContext): boolean {
  return ctx.plan.security.secrets.length > 0 || runtimeEndpoints(ctx).length > 0 || componentSecretKeys(ctx.plan).length > 0;
}

/** Keys of the Secret the ExternalSecret writes: one per planned secret, `STRIPE_API_KEY` for `stripe-api-key`. */
export function secretKeys(ctx: BuildContext): string[] {
  return ctx.plan.security.secrets.map((s) => envKey(s.name));
}

/**
 * The ExternalSecret that copies the plan's Secrets Manager secrets (named as Terraform names them
 * for this environment) and the endpoints Terraform writes after apply (database and Redis hosts
 * and ports, queue URLs) into the Secret `settings.secretName`, through the organisation's
 * ClusterSecretStore. Null when the plan has neither. No Secret with values is ever written.
 */
export function externalSecret(ctx: BuildContext, conventions: Conventions, settings: EnvironmentSettings, meta: Meta): Obj | null {
  const { plan } = ctx;
  const endpoints = runtimeEndpoints(ctx).length > 0;
  if (!deliversSecrets(ctx)) return null;
  // What the Terraform of that environment names the secret: `<goal>-<env>/<name>` (config.ts `secretName`).
  const prefix = awsName(63, plan.goal_name, settings.environment);
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: meta(),
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: conventions.secret_store },
      target: { name: settings.secretName, creationPolicy: "Owner", deletionPolicy: "Retain" },
      data: secretData(ctx, prefix),
      // Every key of the JSON Terraform writes: DATABASE_*_HOST/_PORT/_SECRET_ARN, REDIS_*_HOST/_PORT/_USER/_CACHE_NAME/_TLS, QUEUE_*_URL.
      ...(endpoints ? { dataFrom: [{ extract: { key: runtimeEndpointsSecretName(plan.goal_name, settings.environment) } }] } : {}),
    },
  };
}
