import { parse } from "yaml";
import { parseKubernetes } from "./kubernetes.js";
import type { IacFile, KubernetesObject } from "./types.js";

/**
 * Builds Kustomize overlays in memory, the way `kustomize build` / `kubectl kustomize` (kustomize
 * v5) does, for the subset of Kustomize that Atlas's builder writes and that users most often
 * write: `resources` (files, and folders holding a kustomization), `namespace`, `labels` (without
 * selectors or templates), and `patches` holding RFC 6902 operations with a `target` (inline
 * or from a file). Anything else (strategic-merge patches, generators, images, replicas,
 * commonLabels, components, remote bases, ...) makes the build stop with "not built: <feature>
 * unsupported", so a validator can say which overlay it did not check instead of checking a
 * different set of objects than the cluster would receive.
 */

type Obj = Record<string, unknown>;

/** Names a kustomization file may have, in the order kustomize looks for them. */
const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** Top-level fields this builder understands; any other field stops the build as unsupported. */
const SUPPORTED_FIELDS = new Set(["apiVersion", "kind", "metadata", "resources", "namespace", "labels", "patches"]);

/**
 * Kinds kustomize knows to be cluster-scoped (from its built-in OpenAPI data): the namespace
 * transformer leaves them alone. Every other kind, CRDs included, gets the overlay's namespace.
 */
const CLUSTER_SCOPED = new Set([
  "APIService",
  "CSIDriver",
  "CSINode",
  "CertificateSigningRequest",
  "ClusterRole",
  "ClusterRoleBinding",
  "ComponentStatus",
  "CustomResourceDefinition",
  "FlowSchema",
  "IngressClass",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PodSecurityPolicy",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "RuntimeClass",
  "StorageClass",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
]);

/** Why an overlay could not be built. */
export class KustomizeError extends Error {
  constructor(
    message: string,
    /** the kustomization (or patch) file at fault */
    readonly file: string,
    /** true when the input uses a Kustomize feature this builder does not implement */
    readonly unsupported: boolean,
    /** the top-level field of the kustomization at fault (`patches`, `images`), when known */
    readonly field?: string,
  ) {
    super(message);
    this.name = "KustomizeError";
  }
}

/** The outcome of building one overlay. */
export type OverlayBuild = { dir: string; file: string; objects: KubernetesObject[] } | { dir: string; file: string; error: KustomizeError };

/** The kustomization file of `dir` among `files`, or undefined. */
export function kustomizationFile(files: ReadonlyMap<string, string>, dir: string): string | undefined {
  return KUSTOMIZATION_NAMES.map((name) => join(dir, name)).find((path) => files.has(path));
}

/** True for a path whose file name is a kustomization file. */
export function isKustomizationPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return KUSTOMIZATION_NAMES.includes(name);
}

/**
 * Builds every overlay among `files`: each kustomization no other kustomization uses as a
 * resource (a base used by overlays is built as part of them). Never throws: an overlay that
 * cannot be built comes back with its error.
 */
export function buildOverlays(files: readonly IacFile[]): OverlayBuild[] {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const kustomizations = files.filter((f) => isKustomizationPath(f.path)).map((f) => ({ file: f.path, dir: dirname(f.path) }));
  const used = new Set<string>();
  for (const { file, dir } of kustomizations) {
    for (const resource of resourcesOf(byPath.get(file) ?? "")) {
      const target = normalise(join(dir, resource));
      if (kustomizationFile(byPath, target)) used.add(target);
    }
  }
  return kustomizations
    .filter(({ dir }) => !used.has(dir))
    .map(({ file, dir }) => {
      try {
        return { dir, file, objects: buildKustomization(byPath, dir) };
      } catch (error) {
        if (error instanceof KustomizeError) return { dir, file, error };
        return { dir, file, error: new KustomizeError(error instanceof Error ? error.message : String(error), file, false) };
      }
    });
}

/**
 * Builds the kustomization in `dir` (a folder path relative to the files' root, `""` for the
 * root) from in-memory files, as `kustomize build dir` would: resources, then patches, then the
 * namespace, then labels. Each object keeps the file and lines it came from. Throws
 * {@link KustomizeError}.
 */
export function buildKustomization(files: ReadonlyMap<string, string>, dir: string, seen: readonly string[] = []): KubernetesObject[] {
  const file = kustomizationFile(files, dir);
  if (!file) throw new KustomizeError(`${dir || "."}: no kustomization.yaml`, dir, false);
  if (seen.includes(dir)) throw new KustomizeError(`${file}: cycle through ${[...seen, dir].join(" -> ")}`, file, false);
  const k = readKustomization(files.get(file) ?? "", file);
  let objects: KubernetesObject[] = [];
  for (const resource of stringList(k.resources, "resources", file)) {
    objects.push(...loadResource(files, dir, resource, file, [...seen, dir]));
  }
  for (const [index, entry] of (listOf(k.patches, "patches", file) as unknown[]).entries()) {
    objects = applyPatchEntry(files, dir, file, index, entry, objects);
  }
  if (k.namespace !== undefined) {
    if (typeof k.namespace !== "string") throw new KustomizeError(`${file}: namespace must be a string`, file, false, "namespace");
    objects = setNamespace(objects, k.namespace, file);
  }
  for (const [index, entry] of (listOf(k.labels, "labels", file) as unknown[]).entries()) {
    objects = addLabels(objects, entry, `${file}: labels[${index}]`, file);
  }
  return objects;
}

function readKustomization(content: string, file: string): Obj {
  let value: unknown;
  try {
    value = parse(content);
  } catch (error) {
    throw new KustomizeError(`${file}: not YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, file, false);
  }
  if (!isObj(value)) throw new KustomizeError(`${file}: not a mapping`, file, false);
  for (const field of Object.keys(value)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new KustomizeError(`not built: ${field} unsupported (${file})`, file, true, field);
  }
  if (value.kind !== undefined && value.kind !== "Kustomization") {
    throw new KustomizeError(`not built: kind ${String(value.kind)} unsupported (${file})`, file, true);
  }
  return value;
}

function loadResource(files: ReadonlyMap<string, string>, dir: string, resource: string, file: string, seen: string[]): KubernetesObject[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(resource) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(resource)) {
    throw new KustomizeError(`not built: remote resource ${resource} unsupported (${file})`, file, true, "resources");
  }
  const path = normalise(join(dir, resource));
  if (kustomizationFile(files, path)) return buildKustomization(files, path, seen);
  const content = files.get(path);
  if (content === undefined) throw new KustomizeError(`${file}: resource ${resource} not found (${path || "."})`, file, false, "resources");
  const parsed = parseKubernetes([{ path, content }]);
  const [error] = parsed.errors;
  if (error) throw new KustomizeError(`${path}: ${error.message}`, file, false, "resources");
  // parseKubernetes keeps its objects for the raw checks: each build works on its own copy.
  return parsed.objects.map((object) => ({ ...object, object: structuredClone(object.object) }));
}

function applyPatchEntry(
  files: ReadonlyMap<string, string>,
  dir: string,
  file: string,
  index: number,
  entry: unknown,
  objects: KubernetesObject[],
): KubernetesObject[] {
  const where = `${file}: patches[${index}]`;
  if (!isObj(entry)) throw new KustomizeError(`${where}: not a mapping`, file, false, "patches");
  for (const key of Object.keys(entry)) {
    if (key !== "target" && key !== "patch" && key !== "path")
      throw new KustomizeError(`not built: patches[${index}].${key} unsupported (${file})`, file, true, "patches");
  }
  let text: string;
  if (typeof entry.patch === "string") text = entry.patch;
  else if (typeof entry.path === "string") {
    const patchFile = normalise(join(dir, entry.path));
    const content = files.get(patchFile);
    if (content === undefined) throw new KustomizeError(`${where}: patch file ${entry.path} not found`, file, false, "patches");
    text = content;
  } else throw new KustomizeError(`${where}: needs patch or path`, file, false, "patches");
  let ops: unknown;
  try {
    ops = parse(text);
  } catch (error) {
    throw new KustomizeError(`${where}: patch is not YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, file, false, "patches");
  }
  // A mapping is a strategic-merge patch: Kustomize merges it by the object's schema.
  if (!Array.isArray(ops)) throw new KustomizeError(`not built: strategic-merge patch unsupported (${where})`, file, true, "patches");
  if (!isObj(entry.target)) throw new KustomizeError(`not built: a JSON 6902 patch without target unsupported (${where})`, file, true, "patches");
  const target = entry.target;
  for (const key of Object.keys(target)) {
    if (!["group", "version", "kind", "name", "namespace"].includes(key)) {
      throw new KustomizeError(`not built: patch target ${key} unsupported (${where})`, file, true, "patches");
    }
  }
  return objects.map((object) => {
    if (!matchesTarget(object, target)) return object;
    try {
      return withValue(object, applyJsonPatch(object.object, ops as unknown[]));
    } catch (error) {
      const ref = `${object.kind}/${object.name}`;
      if (error instanceof KustomizeError) throw new KustomizeError(`${where} on ${ref}: ${error.message}`, file, error.unsupported, "patches");
      throw error;
    }
  });
}

/**
 * Kustomize's selector: each field given must match (name, kind and namespace as anchored
 * regular expressions, as kustomize treats them); a field left out matches anything.
 */
function matchesTarget(object: KubernetesObject, target: Obj): boolean {
  const [group, version] = object.apiVersion.includes("/") ? (object.apiVersion.split("/") as [string, string]) : ["", object.apiVersion];
  const metadata = isObj(object.object.metadata) ? object.object.metadata : {};
  const checks: [unknown, string][] = [
    [target.kind, object.kind],
    [target.name, typeof metadata.name === "string" ? metadata.name : ""],
    [target.namespace, typeof metadata.namespace === "string" ? metadata.namespace : ""],
  ];
  if (target.group !== undefined && target.group !== "" && target.group !== group) return false;
  if (target.version !== undefined && target.version !== "" && target.version !== version) return false;
  return checks.every(([pattern, value]) => pattern === undefined || pattern === "" || new RegExp(`^(?:${String(pattern)})$`).test(value));
}

/** One RFC 6902 operation. */
interface PatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/**
 * Applies RFC 6902 operations to a copy of `document`. Throws a {@link KustomizeError} where
 * kustomize fails: a path whose parent does not exist, an array index out of range, a `remove`
 * of nothing, a failed `test`. One leniency copied from kustomize (kubectl kustomize 5.5 shows
 * it): `replace` of a missing object member adds it.
 */
export function applyJsonPatch(document: Obj, ops: readonly unknown[]): Obj {
  let doc = structuredClone(document) as unknown;
  for (const [index, raw] of ops.entries()) {
    if (!isObj(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") {
      throw new KustomizeError(`operation ${index} needs op and path`, "", false);
    }
    const op = raw as unknown as PatchOp;
    const value = () => {
      if (!("value" in raw)) throw new KustomizeError(`operation ${index} (${op.op} ${op.path}) needs a value`, "", false);
      return structuredClone(op.value);
    };
    switch (op.op) {
      case "add":
        doc = put(doc, op.path, value(), "add");
        break;
      case "replace":
        doc = put(doc, op.path, value(), "replace");
        break;
      case "remove":
        doc = removeAt(doc, op.path);
        break;
      case "test":
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw new KustomizeError(`test ${op.path} failed`, "", false);
        break;
      case "move":
      case "copy": {
        if (typeof op.from !== "string") throw new KustomizeError(`operation ${index} (${op.op}) needs from`, "", false);
        const moved = structuredClone(read(doc, op.from));
        if (op.op === "move") doc = removeAt(doc, op.from);
        doc = put(doc, op.path, moved, "add");
        break;
      }
      default:
        throw new KustomizeError(`unknown operation "${op.op}"`, "", false);
    }
  }
  return doc as Obj;
}

function segments(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new KustomizeError(`path "${path}" must start with /`, "", false);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function read(doc: unknown, path: string): unknown {
  let current = doc;
  for (const segment of segments(path)) {
    if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) current = current[Number(segment)];
    else if (isObj(current) && segment in current) current = current[segment];
    else throw new KustomizeError(`path ${path} does not exist`, "", false);
  }
  return current;
}

/** The container that holds the last segment of `path`, and that segment. */
function parentOf(doc: unknown, path: string): { parent: unknown; key: string } {
  const parts = segments(path);
  const key = parts.pop();
  if (key === undefined) return { parent: undefined, key: "" };
  const parentPath = parts.map((p) => `/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
  return { parent: read(doc, parentPath), key };
}

function put(doc: unknown, path: string, value: unknown, op: "add" | "replace"): unknown {
  if (path === "") return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const index = key === "-" && op === "add" ? parent.length : /^\d+$/.test(key) ? Number(key) : Number.NaN;
    const limit = op === "add" ? parent.length : parent.length - 1;
    if (!Number.isInteger(index) || index > limit) throw new KustomizeError(`${path}: index ${key} out of range`, "", false);
    if (op === "add") parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObj(parent)) {
    parent[key] = value;
  } else {
    throw new KustomizeError(`${path}: parent is not an object or list`, "", false);
  }
  return doc;
}

function removeAt(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent) && /^\d+$/.test(key) && Number(key) < parent.length) parent.splice(Number(key), 1);
  else if (isObj(parent) && key in parent) delete parent[key];
  else throw new KustomizeError(`${path}: nothing to remove`, "", false);
  return doc;
}

/**
 * The namespace transformer: metadata.namespace of every namespaced object; a Namespace object
 * is renamed to the namespace (two would collide, which kustomize refuses); RoleBinding and
 * ClusterRoleBinding subjects naming the ServiceAccount `default` follow it (kustomize's
 * `defaultOnly` subject handling).
 */
function setNamespace(objects: KubernetesObject[], namespace: string, file: string): KubernetesObject[] {
  if (objects.filter((o) => o.kind === "Namespace" && o.apiVersion === "v1").length > 1) {
    throw new KustomizeError(`${file}: namespace ${namespace} would rename several Namespace objects to the same name`, file, false, "namespace");
  }
  return objects.map((object) => {
    const value = structuredClone(object.object);
    const metadata = isObj(value.metadata) ? value.metadata : {};
    value.metadata = metadata;
    if (object.kind === "Namespace" && object.apiVersion === "v1") metadata.name = namespace;
    else if (!CLUSTER_SCOPED.has(object.kind)) metadata.namespace = namespace;
    if ((object.kind === "RoleBinding" || object.kind === "ClusterRoleBinding") && Array.isArray(value.subjects)) {
      for (const subject of value.subjects) {
        if (isObj(subject) && subject.kind === "ServiceAccount" && subject.name === "default") subject.namespace = namespace;
      }
    }
    return withValue(object, value);
  });
}

/** The labels transformer without selectors or templates: metadata.labels of every object. */
function addLabels(objects: KubernetesObject[], entry: unknown, where: string, file: string): KubernetesObject[] {
  if (!isObj(entry) || !isObj(entry.pairs)) throw new KustomizeError(`${where}: needs pairs`, file, false, "labels");
  if (entry.includeSelectors === true) throw new KustomizeError(`not built: labels with includeSelectors unsupported (${where})`, file, true, "labels");
  if (entry.includeTemplates === true) throw new KustomizeError(`not built: labels with includeTemplates unsupported (${where})`, file, true, "labels");
  for (const key of Object.keys(entry)) {
    if (!["pairs", "includeSelectors", "includeTemplates"].includes(key))
      throw new KustomizeError(`not built: labels.${key} unsupported (${where})`, file, true, "labels");
  }
  const pairs = Object.fromEntries(Object.entries(entry.pairs).map(([k, v]) => [k, String(v)]));
  return objects.map((object) => {
    const value = structuredClone(object.object);
    const metadata = isObj(value.metadata) ? value.metadata : {};
    metadata.labels = { ...(isObj(metadata.labels) ? metadata.labels : {}), ...pairs };
    value.metadata = metadata;
    return withValue(object, value);
  });
}

/** The object with a new body; name and namespace follow the body. */
function withValue(object: KubernetesObject, value: Obj): KubernetesObject {
  const metadata = isObj(value.metadata) ? value.metadata : {};
  return {
    ...object,
    apiVersion: typeof value.apiVersion === "string" ? value.apiVersion : object.apiVersion,
    kind: typeof value.kind === "string" ? value.kind : object.kind,
    name: typeof metadata.name === "string" ? metadata.name : "",
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : null,
    object: value,
  };
}

function resourcesOf(content: string): string[] {
  try {
    const value = parse(content) as unknown;
    return isObj(value) && Array.isArray(value.resources) ? value.resources.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}

function stringList(value: unknown, field: string, file: string): string[] {
  const list = listOf(value, field, file);
  if (!list.every((item) => typeof item === "string")) throw new KustomizeError(`${file}: ${field} must be a list of strings`, file, false, field);
  return list as string[];
}

function listOf(value: unknown, field: string, file: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KustomizeError(`${file}: ${field} must be a list`, file, false, field);
  return value;
}

function join(dir: string, path: string): string {
  return dir === "" || dir === "." ? path : `${dir}/${path}`;
}

function dirname(path: string): string {
  const at = path.lastIndexOf("/");
  return at < 0 ? "" : path.slice(0, at);
}

/** `a/b/../../c/./d/` → `c/d` */
function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
