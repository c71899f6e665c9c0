import type { BuildContext, RenderedFile } from "./context.js";
import type { Conventions } from "./conventions.js";
import { DELIVERY_PATHS, type DeliveryEnvironment } from "./environments.js";
import { kubernetesObjects, type Manifest, runsOnKubernetes, toYaml } from "./kubernetes.js";
import { GENERATOR, K8S_LABELS } from "./labels.js";
import { allEnvironmentSettings } from "./overlays.js";

type Obj = Record<string, unknown>;

/** One RFC 6902 operation, as Kustomize's `patches:` takes them inline. */
export interface JsonPatchOp {
  op: "add" | "remove" | "replace";
  path: string;
  value?: unknown;
}

/** A JSON pointer segment: `~` and `/` escaped as RFC 6901 asks (`atlas.dev/env` → `atlas.dev~1env`). */
function pointer(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The RFC 6902 operations that turn `from` into `to`: keys removed, added or replaced, arrays of
 * equal length compared item by item, anything else replaced whole. Applied in order they give
 * exactly `to`, which is how each overlay is derived from the base.
 */
export function jsonPatch(from: unknown, to: unknown, path = ""): JsonPatchOp[] {
  if (same(from, to)) return [];
  if (isObj(from) && isObj(to)) {
    const ops: JsonPatchOp[] = [];
    for (const key of Object.keys(from)) if (!(key in to)) ops.push({ op: "remove", path: `${path}/${pointer(key)}` });
    for (const [key, value] of Object.entries(to)) {
      ops.push(...(key in from ? jsonPatch(from[key], value, `${path}/${pointer(key)}`) : [{ op: "add" as const, path: `${path}/${pointer(key)}`, value }]));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) return from.flatMap((item, i) => jsonPatch(item, to[i], `${path}/${i}`));
  return [{ op: "replace", path, value: to }];
}

/** The object without what the overlay's `namespace:` and `labels:` set for every object anyway. */
function comparable(object: Obj): Obj {
  const copy = structuredClone(object) as { metadata?: { namespace?: string; labels?: Record<string, string> } } & Obj;
  if (copy.kind !== "Namespace") delete copy.metadata?.namespace;
  if (copy.metadata?.labels) delete copy.metadata.labels[K8S_LABELS.env];
  return copy;
}

const key = (object: Obj) => `${object.kind}/${(object.metadata as Obj).name}`;

/** A Kustomize patch target: group, version, kind and name of the base object. */
function target(object: Obj): Obj {
  const apiVersion = object.apiVersion as string;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? {} : { group: apiVersion.slice(0, slash) };
  return { ...group, version: apiVersion.slice(slash + 1), kind: object.kind, name: (object.metadata as Obj).name };
}

/** The Kustomize layout of every environment: what the base holds, and per environment its overlay's objects and patches. */
export interface KustomizeLayout {
  base: Manifest[];
  overlays: { environment: DeliveryEnvironment; namespace: string; resources: Manifest[]; patches: { target: Obj; ops: JsonPatchOp[] }[] }[];
}

/** One environment's objects, before the split into a base and overlays. */
export interface EnvironmentObjects {
  environment: DeliveryEnvironment;
  namespace: string;
  manifests: Manifest[];
}

/**
 * Splits the per-environment objects into a base and overlays. The base holds the objects every
 * environment has, as the plan's own environment has them; an object only some environments have
 * (the autoscaler is not in dev, a disruption budget needs two pods) lives in those overlays. Each
 * overlay patches the base objects with the JSON operations that make them its environment's.
 * Shared by the EKS build and the AKS/GKE build (cloud-kubernetes/kustomize.ts).
 */
export function splitLayout(perEnv: readonly EnvironmentObjects[], ownEnvironment: string): KustomizeLayout {
  const own = perEnv.find((e) => e.environment === ownEnvironment) ?? perEnv[0];
  if (!own) return { base: [], overlays: [] };
  const everywhere = (k: string) => perEnv.every((e) => e.manifests.some((m) => key(m.object) === k));
  const base = own.manifests.filter((m) => everywhere(key(m.object)));
  const baseKeys = new Set(base.map((m) => key(m.object)));
  const overlays = perEnv.map(({ environment, namespace, manifests }) => {
    const byKey = new Map(manifests.map((m) => [key(m.object), m.object]));
    const patches = base.flatMap((m) => {
      const ops = jsonPatch(comparable(m.object), comparable(byKey.get(key(m.object)) as Obj));
      return ops.length > 0 ? [{ target: target(m.object), ops }] : [];
    });
    return { environment, namespace, resources: manifests.filter((m) => !baseKeys.has(key(m.object))), patches };
  });
  return { base, overlays };
}

/** The EKS design's layout: its objects for every delivery environment, split. */
export function kustomizeLayout(ctx: BuildContext, conventions: Conventions): KustomizeLayout {
  const perEnv = allEnvironmentSettings(ctx, conventions).map((s) => ({
    environment: s.environment,
    namespace: s.namespace,
    manifests: kubernetesObjects(ctx, s, conventions),
  }));
  return splitLayout(perEnv, ctx.plan.environment);
}

/**
 * `kubernetes/base/` (the objects and a kustomization listing them in apply order) and
 * `kubernetes/overlays/<env>/` for dev, qa, staging and prod: a kustomization with the base, the
 * environment's own objects, its namespace, the `atlas.dev/env` label and RFC 6902 patches.
 * Deploy one with `kubectl apply -k kubernetes/overlays/<env>`.
 */
export function renderKubernetes(ctx: BuildContext, conventions: Conventions): RenderedFile[] {
  if (!runsOnKubernetes(ctx)) return [];
  return renderLayout(
    kustomizeLayout(ctx, conventions),
    `# Generated by ${GENERATOR} from plan ${ctx.plan.plan_id} version ${ctx.plan.version}. Edit the plan, not this file.\n`,
  );
}

/** A layout's files: each object under `kubernetes/base` or its overlay, and the kustomizations, every file starting with `header`. */
export function renderLayout(layout: KustomizeLayout, header: string): RenderedFile[] {
  const kustomization = (body: Obj) => header + toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...body });
  const base = DELIVERY_PATHS.kustomizeBase;
  const files: RenderedFile[] = layout.base.map(({ file, object }) => ({ path: `${base}/${file}`, content: header + toYaml(object) }));
  files.push({ path: `${base}/kustomization.yaml`, content: kustomization({ resources: layout.base.map((m) => m.file) }) });
  for (const overlay of layout.overlays) {
    const dir = DELIVERY_PATHS.overlay(overlay.environment);
    files.push(...overlay.resources.map(({ file, object }) => ({ path: `${dir}/${file}`, content: header + toYaml(object) })));
    const body: Obj = {
      namespace: overlay.namespace,
      resources: [relative(dir, base), ...overlay.resources.map((m) => m.file)],
      labels: [{ pairs: { [K8S_LABELS.env]: overlay.environment }, includeSelectors: false }],
      ...(overlay.patches.length > 0 ? { patches: overlay.patches.map((p) => ({ target: p.target, patch: toYaml(p.ops) })) } : {}),
    };
    files.push({ path: `${dir}/kustomization.yaml`, content: kustomization(body) });
  }
  return files;
}

/** `kubernetes/overlays/dev` → `kubernetes/base` is `../../base`. */
function relative(from: string, to: string): string {
  const a = from.split("/");
  const b = to.split("/");
  let common = 0;
  while (common < a.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}
