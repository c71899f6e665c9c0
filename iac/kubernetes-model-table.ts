/**
 * Where the schema of each apiVersion lives. kubernetes-models has every built-in group version
 * (removed ones included); the CRD groups come from pinned @kubernetes-models packages (see
 * package.json). Each entry is a dynamic import, so a group version's models (and their
 * compiled schemas) load only when an object of that group version is checked: `pnpm validate
 * --help` and server start-up load none of them.
 */

type Validatable = { validate(): void };
// `never` lets classes with stricter constructor types (RoleBinding needs roleRef) share one table.
export type ModelClass = (new (data: never) => Validatable) & { apiVersion?: string; kind?: string };

/** A group version's module: its exports, of which the model classes carry a static `kind`. */
type Loader = () => Promise<Record<string, unknown>>;

/** Built-in Kubernetes group versions, from kubernetes-models 4.5.1. */
const BUILT_IN: Record<string, Loader> = {
  v1: () => import("kubernetes-models/v1"),
  "admissionregistration.k8s.io/v1": () => import("kubernetes-models/admissionregistration.k8s.io/v1"),
  "admissionregistration.k8s.io/v1beta1": () => import("kubernetes-models/admissionregistration.k8s.io/v1beta1"),
  "apiextensions.k8s.io/v1": () => import("kubernetes-models/apiextensions.k8s.io/v1"),
  "apiextensions.k8s.io/v1beta1": () => import("kubernetes-models/apiextensions.k8s.io/v1beta1"),
  "apiregistration.k8s.io/v1": () => import("kubernetes-models/apiregistration.k8s.io/v1"),
  "apiregistration.k8s.io/v1beta1": () => import("kubernetes-models/apiregistration.k8s.io/v1beta1"),
  "apps/v1": () => import("kubernetes-models/apps/v1"),
  "apps/v1beta1": () => import("kubernetes-models/apps/v1beta1"),
  "apps/v1beta2": () => import("kubernetes-models/apps/v1beta2"),
  "authentication.k8s.io/v1": () => import("kubernetes-models/authentication.k8s.io/v1"),
  "authentication.k8s.io/v1beta1": () => import("kubernetes-models/authentication.k8s.io/v1beta1"),
  "authorization.k8s.io/v1": () => import("kubernetes-models/authorization.k8s.io/v1"),
  "authorization.k8s.io/v1beta1": () => import("kubernetes-models/authorization.k8s.io/v1beta1"),
  "autoscaling/v1": () => import("kubernetes-models/autoscaling/v1"),
  "autoscaling/v2": () => import("kubernetes-models/autoscaling/v2"),
  "autoscaling/v2beta1": () => import("kubernetes-models/autoscaling/v2beta1"),
  "autoscaling/v2beta2": () => import("kubernetes-models/autoscaling/v2beta2"),
  "batch/v1": () => import("kubernetes-models/batch/v1"),
  "batch/v1beta1": () => import("kubernetes-models/batch/v1beta1"),
  "certificates.k8s.io/v1": () => import("kubernetes-models/certificates.k8s.io/v1"),
  "certificates.k8s.io/v1beta1": () => import("kubernetes-models/certificates.k8s.io/v1beta1"),
  "coordination.k8s.io/v1": () => import("kubernetes-models/coordination.k8s.io/v1"),
  "coordination.k8s.io/v1beta1": () => import("kubernetes-models/coordination.k8s.io/v1beta1"),
  "discovery.k8s.io/v1": () => import("kubernetes-models/discovery.k8s.io/v1"),
  "discovery.k8s.io/v1beta1": () => import("kubernetes-models/discovery.k8s.io/v1beta1"),
  "events.k8s.io/v1": () => import("kubernetes-models/events.k8s.io/v1"),
  "events.k8s.io/v1beta1": () => import("kubernetes-models/events.k8s.io/v1beta1"),
  "extensions/v1beta1": () => import("kubernetes-models/extensions/v1beta1"),
  "flowcontrol.apiserver.k8s.io/v1": () => import("kubernetes-models/flowcontrol.apiserver.k8s.io/v1"),
  "flowcontrol.apiserver.k8s.io/v1beta1": () => import("kubernetes-models/flowcontrol.apiserver.k8s.io/v1beta1"),
  "flowcontrol.apiserver.k8s.io/v1beta2": () => import("kubernetes-models/flowcontrol.apiserver.k8s.io/v1beta2"),
  "flowcontrol.apiserver.k8s.io/v1beta3": () => import("kubernetes-models/flowcontrol.apiserver.k8s.io/v1beta3"),
  "networking.k8s.io/v1": () => import("kubernetes-models/networking.k8s.io/v1"),
  "networking.k8s.io/v1beta1": () => import("kubernetes-models/networking.k8s.io/v1beta1"),
  "node.k8s.io/v1": () => import("kubernetes-models/node.k8s.io/v1"),
  "node.k8s.io/v1beta1": () => import("kubernetes-models/node.k8s.io/v1beta1"),
  "policy/v1": () => import("kubernetes-models/policy/v1"),
  "policy/v1beta1": () => import("kubernetes-models/policy/v1beta1"),
  "rbac.authorization.k8s.io/v1": () => import("kubernetes-models/rbac.authorization.k8s.io/v1"),
  "rbac.authorization.k8s.io/v1beta1": () => import("kubernetes-models/rbac.authorization.k8s.io/v1beta1"),
  "scheduling.k8s.io/v1": () => import("kubernetes-models/scheduling.k8s.io/v1"),
  "scheduling.k8s.io/v1beta1": () => import("kubernetes-models/scheduling.k8s.io/v1beta1"),
  "storage.k8s.io/v1": () => import("kubernetes-models/storage.k8s.io/v1"),
  "storage.k8s.io/v1beta1": () => import("kubernetes-models/storage.k8s.io/v1beta1"),
};

/**
 * CRD group versions with pinned schemas: External Secrets Operator (@kubernetes-models/
 * external-secrets 0.5.2), Prometheus Operator (prometheus-operator 4.4.4), KEDA (keda 0.4.2),
 * Argo CD (argo-cd 2.7.2) and Flux (flux-cd 2.3.4). A CRD kind not listed here is reported as
 * not checked against a schema, never passed silently.
 */
const CRDS: Record<string, Loader> = {
  "external-secrets.io/v1alpha1": () => import("@kubernetes-models/external-secrets/external-secrets.io/v1alpha1"),
  "external-secrets.io/v1beta1": () => import("@kubernetes-models/external-secrets/external-secrets.io/v1beta1"),
  "generators.external-secrets.io/v1alpha1": () => import("@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1"),
  "monitoring.coreos.com/v1": () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1"),
  "monitoring.coreos.com/v1alpha1": () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1"),
  "keda.sh/v1alpha1": () => import("@kubernetes-models/keda/keda.sh/v1alpha1"),
  "argoproj.io/v1alpha1": () => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1"),
  "kustomize.toolkit.fluxcd.io/v1": () => import("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1"),
  "kustomize.toolkit.fluxcd.io/v1beta2": () => import("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1beta2"),
  "kustomize.toolkit.fluxcd.io/v1beta1": () => import("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1beta1"),
  "source.toolkit.fluxcd.io/v1": () => import("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1"),
  "source.toolkit.fluxcd.io/v1beta2": () => import("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1beta2"),
  "source.toolkit.fluxcd.io/v1beta1": () => import("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1beta1"),
  "helm.toolkit.fluxcd.io/v2beta2": () => import("@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2beta2"),
  "helm.toolkit.fluxcd.io/v2beta1": () => import("@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2beta1"),
  "notification.toolkit.fluxcd.io/v1": () => import("@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1"),
  "notification.toolkit.fluxcd.io/v1beta3": () => import("@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1beta3"),
  "notification.toolkit.fluxcd.io/v1beta2": () => import("@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1beta2"),
  "image.toolkit.fluxcd.io/v1beta2": () => import("@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1beta2"),
  "image.toolkit.fluxcd.io/v1beta1": () => import("@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1beta1"),
};

/**
 * apiVersions validated against another version's pinned schema, with the reason.
 *
 * External Secrets Operator v1 (served from ESO 0.16.2, the only version from 0.17.0) is v1beta1
 * promoted unchanged except for removals: the maintainers' promotion checklist
 * (https://github.com/external-secrets/external-secrets/issues/4633) promotes ExternalSecret and
 * SecretStore v1beta1 to v1, removes the template engine `v1` and the Fake provider's valueMap.
 * The pinned v1beta1 schema allows unknown fields, so fields added to v1 later are not flagged;
 * the one removal an ExternalSecret can show (`target.template.engineVersion: v1`) is checked
 * by {@link REMOVED_FIELDS}.
 */
export const SCHEMA_ALIASES: Record<string, { schema: string; note: string }> = {
  "external-secrets.io/v1": {
    schema: "external-secrets.io/v1beta1",
    note: "ESO v1 is v1beta1 promoted (external-secrets issue #4633); checked against the pinned v1beta1 schema",
  },
};

/** Fields an aliased apiVersion no longer accepts, though the schema it borrows does. */
export const REMOVED_FIELDS: Record<string, { pointer: string; value: unknown; message: string }[]> = {
  "external-secrets.io/v1": [
    {
      pointer: "/spec/target/template/engineVersion",
      value: "v1",
      message: "spec.target.template.engineVersion v1 was removed in external-secrets.io/v1; use v2",
    },
  ],
};

/** The loader of an apiVersion's models, or undefined when no schema is pinned for it. */
export function loaderFor(apiVersion: string): Loader | undefined {
  return BUILT_IN[apiVersion] ?? CRDS[apiVersion];
}
