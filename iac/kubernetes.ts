import { LineCounter, type Node, parseAllDocuments } from "yaml";
import type { IacFile, KubernetesObject, ParseError, SkippedFile } from "./types.js";
import { lineIndex } from "./yaml-lines.js";

/** Kubernetes objects found in a folder, plus what could not be (or was not) parsed. */
export interface KubernetesParseResult {
  objects: KubernetesObject[];
  errors: ParseError[];
  /** Helm templates and kustomize configuration: not manifests, not errors either */
  skipped: SkippedFile[];
}

/**
 * Reads Kubernetes objects from `.yaml`, `.yml` and `.json` files (not `.tf.json`), one per
 * YAML document; `kind: List` is expanded. Documents without `apiVersion` and `kind` (Helm
 * values, Chart.yaml, CI config) are ignored. Templates of a Helm chart hold `{{ }}` and
 * are not YAML, so they are reported as skipped. Never throws.
 */
export function parseKubernetes(files: IacFile[]): KubernetesParseResult {
  const result: KubernetesParseResult = { objects: [], errors: [], skipped: [] };
  const chartDirs = files.filter((f) => /(^|\/)Chart\.ya?ml$/.test(f.path)).map((f) => f.path.replace(/Chart\.ya?ml$/, ""));
  for (const file of files) {
    const isYaml = /\.ya?ml$/i.test(file.path);
    const isJson = /\.json$/i.test(file.path) && !/\.tf\.json$/i.test(file.path);
    if (!isYaml && !isJson) continue;
    if (chartDirs.some((dir) => file.path.startsWith(`${dir}templates/`))) {
      result.skipped.push({ file: file.path, reason: "Helm template (render it with `helm template` to validate)" });
      continue;
    }
    parseFile(file, isJson, result);
  }
  applyKustomizeNamespaces(files, result.objects);
  return result;
}

function parseFile(file: IacFile, isJson: boolean, out: KubernetesParseResult): void {
  // A JSON file that is not a manifest (package.json, a lock file) is none of our business.
  if (isJson && !/"apiVersion"/.test(file.content)) return;
  const counter = new LineCounter();
  // Duplicate keys stay errors, as kubectl rejects them too.
  const docs = parseAllDocuments(file.content, { lineCounter: counter });
  if (!Array.isArray(docs)) return;
  for (const doc of docs) {
    const [first] = doc.errors;
    if (first) {
      const line = first.linePos?.[0].line ?? null;
      out.errors.push({ file: file.path, line, message: `YAML syntax error: ${tidy(first.message)}` });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias bomb or a broken anchor: the document cannot be read as data.
      out.errors.push({ file: file.path, line: null, message: `YAML error: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const node = doc.contents as Node | null;
    const docLine = node?.range ? counter.linePos(node.range[0]).line : 1;
    const lines = lineIndex(node, counter);
    if (isRecord(value) && value.kind === "List" && Array.isArray(value.items)) {
      value.items.forEach((item, index) => {
        const prefix = `/items/${index}`;
        const itemLines = Object.fromEntries(
          Object.entries(lines)
            .filter(([k]) => k.startsWith(`${prefix}/`))
            .map(([k, v]) => [k.slice(prefix.length), v]),
        );
        addObject(item, file.path, lines[prefix] ?? docLine, itemLines, out);
      });
      continue;
    }
    addObject(value, file.path, docLine, lines, out);
  }
}

function addObject(value: unknown, file: string, line: number, lines: Record<string, number>, out: KubernetesParseResult): void {
  if (!isRecord(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return;
  // Kustomize and kpt configuration look like objects but are never sent to a cluster.
  if (/^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kpt\.dev)\//.test(value.apiVersion)) {
    out.skipped.push({ file, reason: `${value.kind} is build configuration, not a cluster object` });
    return;
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  out.objects.push({
    apiVersion: value.apiVersion,
    kind: value.kind,
    name: typeof metadata.name === "string" ? metadata.name : "",
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : null,
    file,
    line,
    object: value,
    lines,
  });
}

/** yaml's messages end with " at line 2, column 1:" and a code excerpt; the line is reported separately. */
function tidy(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/\s*at line \d+, column \d+:?\s*$/, "");
}

/**
 * `namespace:` in a kustomization.yaml is what every object below it is deployed to, so an
 * object without metadata.namespace under that folder is treated as being in it.
 */
function applyKustomizeNamespaces(files: IacFile[], objects: KubernetesObject[]): void {
  const scopes: { dir: string; namespace: string }[] = [];
  for (const file of files.filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f.path))) {
    const match = file.content.match(/^namespace:\s*["']?([a-z0-9-]+)["']?\s*$/m);
    if (match?.[1]) scopes.push({ dir: file.path.replace(/kustomization\.ya?ml$/, ""), namespace: match[1] });
  }
  // The nearest kustomization wins, as it is the one applied last.
  scopes.sort((a, b) => b.dir.length - a.dir.length);
  for (const object of objects) {
    if (object.namespace !== null) continue;
    const scope = scopes.find((s) => object.file.startsWith(s.dir));
    if (scope) object.namespace = scope.namespace;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
