/**
 * TEST HARNESS standing in for `kustomize build` / `kubectl kustomize`: there is no kubectl or
 * kustomize binary on this machine. It builds a folder of the kind Atlas writes and nothing more:
 * `resources` (files, and folders with their own kustomization.yaml), `patches` whose inline
 * `patch` is an RFC 6902 operation list with a `target` (group, version, kind, name), then the
 * `namespace` transformer (metadata.namespace of every object; a Namespace object's name) and
 * the `labels` transformer with `includeSelectors: false` (metadata.labels only). It applies them
 * in Kustomize's order: patches first, then namespace, then labels. Anything else throws.
 */
import { parse, parseAllDocuments } from "yaml";

type Obj = Record<string, unknown>;

/** One RFC 6902 operation of the kinds Atlas emits (and `test`/`move`/`copy` refused). */
export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

function decode(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/**
 * Applies RFC 6902 `add`, `remove` and `replace` to a copy of `document`. Throws, as the RFC
 * asks, when a path does not exist (`replace`, `remove`, or the parent of `add`).
 */
export function applyJsonPatch<T>(document: T, ops: PatchOp[]): T {
  const root = { doc: structuredClone(document) as unknown };
  for (const { op, path, value } of ops) {
    if (!["add", "remove", "replace"].includes(op)) throw new Error(`op "${op}" is outside the harness's subset`);
    const segments = path === "" ? [] : path.slice(1).split("/").map(decode);
    let parent: unknown = root;
    let key: string = "doc";
    for (const segment of segments) {
      parent = (parent as Obj)[key];
      key = segment;
      if (typeof parent !== "object" || parent === null) throw new Error(`${path}: parent of ${segment} does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = key === "-" ? parent.length : Number(key);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`${path}: bad array index`);
      if (op !== "add" && index >= parent.length) throw new Error(`${path}: no element to ${op}`);
      if (op === "add") parent.splice(index, 0, structuredClone(value));
      else if (op === "remove") parent.splice(index, 1);
      else parent[index] = structuredClone(value);
    } else {
      const container = parent as Obj;
      if (op !== "add" && !(key in container)) throw new Error(`${path}: nothing to ${op}`);
      if (op === "remove") delete container[key];
      else container[key] = structuredClone(value);
    }
  }
  return root.doc as T;
}

/** `a/b/../../c` → `c` */
function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

const KNOWN_FIELDS = new Set(["apiVersion", "kind", "resources", "patches", "namespace", "labels"]);

/** Builds the kustomization in `dir` from the in-memory files (path → content), as `kustomize build dir` would. */
export function kustomizeBuild(files: ReadonlyMap<string, string>, dir: string): Obj[] {
  const source = files.get(`${dir}/kustomization.yaml`);
  if (source === undefined) throw new Error(`no ${dir}/kustomization.yaml`);
  const k = parse(source) as Obj;
  for (const field of Object.keys(k)) if (!KNOWN_FIELDS.has(field)) throw new Error(`${dir}: field "${field}" is outside the harness's subset`);
  let objects: Obj[] = [];
  for (const resource of (k.resources as string[] | undefined) ?? []) {
    const path = normalise(`${dir}/${resource}`);
    if (files.has(`${path}/kustomization.yaml`)) objects.push(...kustomizeBuild(files, path));
    else {
      const content = files.get(path);
      if (content === undefined) throw new Error(`${dir}: resource ${resource} not found`);
      objects.push(...parseAllDocuments(content).map((d) => d.toJS() as Obj));
    }
  }
  for (const patch of (k.patches as { target: Obj; patch: string }[] | undefined) ?? []) {
    const ops = parse(patch.patch) as PatchOp[];
    const matches = objects.filter((o) => matchesTarget(o, patch.target));
    if (matches.length === 0) throw new Error(`${dir}: patch target ${JSON.stringify(patch.target)} matches nothing`);
    objects = objects.map((o) => (matchesTarget(o, patch.target) ? applyJsonPatch(o, ops) : o));
  }
  const namespace = k.namespace as string | undefined;
  if (namespace) {
    for (const o of objects) {
      const meta = o.metadata as Obj;
      if (o.kind === "Namespace") meta.name = namespace;
      else meta.namespace = namespace;
    }
  }
  for (const { pairs, includeSelectors } of (k.labels as { pairs: Record<string, string>; includeSelectors?: boolean }[] | undefined) ?? []) {
    if (includeSelectors) throw new Error("labels with includeSelectors are outside the harness's subset");
    for (const o of objects) {
      const meta = o.metadata as Obj;
      meta.labels = { ...(meta.labels as Obj | undefined), ...pairs };
    }
  }
  return objects;
}

function matchesTarget(object: Obj, target: Obj): boolean {
  const apiVersion = object.apiVersion as string;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if ((target.group ?? "") !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (target.kind !== undefined && target.kind !== object.kind) return false;
  return target.name === undefined || target.name === (object.metadata as Obj).name;
}

/** The files of a folder, path → content, for {@link kustomizeBuild}. */
export function fileMap(files: readonly { path: string; content: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.content]));
}
