/**
 * The builder's tests build Kustomize folders with the validator's own builder (iac/kustomize.ts:
 * resources, namespace, labels, RFC 6902 patches; compared with `kubectl kustomize` in
 * iac/kustomize.test.ts and nodes/builder/tooling.test.ts where kubectl is present). These are the
 * shapes those tests use: plain objects from an in-memory folder.
 */
import { applyJsonPatch as applyOps, buildKustomization } from "../../iac/kustomize.js";

type Obj = Record<string, unknown>;

/** One RFC 6902 operation. */
export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

/** Applies RFC 6902 operations to a copy of `document` (throws, as the RFC asks, on a path that does not exist). */
export function applyJsonPatch<T>(document: T, ops: PatchOp[]): T {
  return applyOps(structuredClone(document) as Obj, ops) as T;
}

/** Builds the kustomization in `dir` from the in-memory files (path → content), as `kustomize build dir` would. */
export function kustomizeBuild(files: ReadonlyMap<string, string>, dir: string): Obj[] {
  return buildKustomization(files, dir).map((object) => object.object);
}

/** The files of a folder, path → content, for {@link kustomizeBuild}. */
export function fileMap(files: readonly { path: string; content: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.content]));
}
