import { parse } from "yaml";
import { HelmTemplateError, mergeValues, renderChart, withoutHelmBookkeeping } from "../iac/helm-template.js";
import { parseKubernetes } from "../iac/kubernetes.js";
import type { OverlayBuild } from "../iac/kustomize.js";
import type { IacFile, KubernetesObject } from "../iac/types.js";
import { type ActiveRule, contextFor, dedupeKey } from "./overlays.js";
import type { Finding, RuleContext } from "./types.js";

/** A Helm chart found among the files: the folder holding a Chart.yaml. */
export interface HelmChart {
  /** `name:` of Chart.yaml, else the folder's name */
  name: string;
  /** the Chart.yaml path */
  file: string;
  /** folder of the chart, with a trailing slash (`""` at the top) */
  dir: string;
  /** files read under templates/ */
  templates: string[];
  /** values files of the chart (`values.yaml`, `values-prod.yaml`, `values.prod.yml`, ...) */
  values: string[];
}

/**
 * Every chart among `files`, each file given to the chart folder nearest to it, so a subchart
 * under `charts/` keeps its own templates and values.
 */
export function findCharts(files: readonly IacFile[]): HelmChart[] {
  const charts = files
    .filter((file) => /(^|\/)Chart\.ya?ml$/.test(file.path))
    .map((file) => {
      const dir = file.path.replace(/Chart\.ya?ml$/, "");
      return { name: chartName(file, dir), file: file.path, dir, templates: [] as string[], values: [] as string[] };
    });
  for (const file of files) {
    const owner = charts.filter((chart) => file.path.startsWith(chart.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
    if (!owner) continue;
    const inside = file.path.slice(owner.dir.length);
    if (inside.startsWith("templates/")) owner.templates.push(file.path);
    else if (/(^|\/)values[^/]*\.ya?ml$/i.test(inside) && !inside.startsWith("charts/")) owner.values.push(file.path);
  }
  return charts;
}

function chartName(file: IacFile, dir: string): string {
  try {
    const chart = parse(file.content) as { name?: unknown } | null;
    if (typeof chart?.name === "string" && chart.name !== "") return chart.name;
  } catch {
    // A broken Chart.yaml still marks a chart; its folder names it.
  }
  return dir.replace(/\/$/, "").split("/").pop() || "chart";
}

/** One render of a chart: `values.yaml` alone, or with one `values-<env>.yaml` on top. */
export interface ChartRender {
  chart: HelmChart;
  /** the values files applied, in order */
  valuesFiles: string[];
  /** `<env>` of the `values-<env>.yaml` applied; undefined for `values.yaml` alone */
  env: string | undefined;
  /** the release namespace used: the env's overlay's, else the chart's name */
  namespace: string;
  /** the rendered objects (file = the template, namespace defaulted to the release's), or why it could not be rendered */
  result: { objects: KubernetesObject[] } | { error: string };
}

/** `values-<env>.yaml` → `<env>` */
const ENV_VALUES = /(?:^|\/)values-([A-Za-z0-9_-]+)\.ya?ml$/;

const cache = new WeakMap<readonly IacFile[], ChartRender[]>();

/**
 * Renders every chart among `files` with iac/helm-template.ts, once per values set: values.yaml
 * alone, then values.yaml + each values-<env>.yaml. Release name = chart name; namespace = the
 * one the env's overlay (`overlays/<env>`) deploys to, else the chart name. Results are cached
 * per `files` array, so the rules and the engine share one render. Never throws.
 */
export function renderCharts(files: readonly IacFile[], overlays: readonly OverlayBuild[]): ChartRender[] {
  const cached = cache.get(files);
  if (cached) return cached;
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const charts = findCharts(files);
  const renders: ChartRender[] = [];
  for (const chart of charts) {
    const base = chart.values.find((v) => v === `${chart.dir}values.yaml` || v === `${chart.dir}values.yml`);
    const envFiles = chart.values.filter((v) => ENV_VALUES.test(v) && v.slice(chart.dir.length).indexOf("/") < 0);
    const sets: { valuesFiles: string[]; env: string | undefined }[] = [{ valuesFiles: base ? [base] : [], env: undefined }];
    for (const file of envFiles) sets.push({ valuesFiles: [...(base ? [base] : []), file], env: file.match(ENV_VALUES)?.[1] });
    const blocker = unsupportedChart(chart, charts, files, byPath);
    for (const set of sets) {
      const namespace = (set.env && overlayNamespace(overlays, set.env)) || chart.name;
      const result = blocker ? { error: blocker } : renderOne(chart, set.valuesFiles, namespace, files, byPath);
      renders.push({ chart, ...set, namespace, result });
    }
  }
  cache.set(files, renders);
  return renders;
}

/** Why a chart as a whole is outside the renderer (dependencies, a subchart), else undefined. */
function unsupportedChart(chart: HelmChart, charts: readonly HelmChart[], files: readonly IacFile[], byPath: Map<string, string>): string | undefined {
  const parent = charts.find((other) => other !== chart && chart.dir.startsWith(`${other.dir}charts/`));
  if (parent) return `it is a subchart of ${parent.file}, and subcharts are outside the renderer's subset`;
  let meta: Record<string, unknown> | null;
  try {
    meta = parse(byPath.get(chart.file) ?? "") as Record<string, unknown> | null;
  } catch (error) {
    return `${chart.file} is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
  }
  const dependencies = Array.isArray(meta?.dependencies) && meta.dependencies.length > 0;
  if (dependencies || files.some((f) => f.path.startsWith(`${chart.dir}charts/`)) || byPath.has(`${chart.dir}requirements.yaml`)) {
    return "chart dependencies (Chart.yaml dependencies, requirements.yaml or charts/) are outside the renderer's subset";
  }
  return undefined;
}

/** The namespace the built overlay for `env` deploys to: its objects' namespace, else its Namespace object's name. */
function overlayNamespace(overlays: readonly OverlayBuild[], env: string): string | undefined {
  for (const overlay of envOverlays(overlays, env)) {
    const namespaced = overlay.objects.find((o) => o.kind !== "Namespace" && o.namespace);
    if (namespaced?.namespace) return namespaced.namespace;
    const namespace = overlay.objects.find((o) => o.kind === "Namespace");
    if (namespace?.name) return namespace.name;
  }
  return undefined;
}

/** Built overlays for `env`: the folders `overlays/<env>` (`kubernetes/overlays/<env>` as the builder writes them). */
export function envOverlays(overlays: readonly OverlayBuild[], env: string): { dir: string; file: string; objects: KubernetesObject[] }[] {
  return overlays
    .filter((o): o is { dir: string; file: string; objects: KubernetesObject[] } => "objects" in o)
    .filter((o) => o.dir === `overlays/${env}` || o.dir.endsWith(`/overlays/${env}`));
}

function renderOne(chart: HelmChart, valuesFiles: string[], namespace: string, files: readonly IacFile[], byPath: Map<string, string>): ChartRender["result"] {
  let values: Record<string, unknown> = {};
  let meta: Record<string, unknown>;
  try {
    meta = (parse(byPath.get(chart.file) ?? "") ?? {}) as Record<string, unknown>;
    for (const file of valuesFiles) values = mergeValues(values, (parse(byPath.get(file) ?? "") ?? {}) as Record<string, unknown>);
  } catch (error) {
    return { error: `a values file is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
  const templates = Object.fromEntries(
    files.filter((f) => f.path.startsWith(`${chart.dir}templates/`)).map((f) => [f.path.slice(chart.dir.length), f.content]),
  );
  let rendered: Map<string, string>;
  try {
    rendered = renderChart({
      chart: { Name: chart.name, Version: String(meta.version ?? ""), AppVersion: String(meta.appVersion ?? "") },
      release: { Name: chart.name, Namespace: namespace },
      values,
      templates,
    });
  } catch (error) {
    if (error instanceof HelmTemplateError) return { error: `${chart.dir}${error.template}: ${error.reason}` };
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = parseKubernetes([...rendered].map(([path, content]) => ({ path: `${chart.dir}${path}`, content })));
  const [first] = parsed.errors;
  if (first) return { error: `${first.file} rendered to invalid YAML: ${first.message}` };
  // Helm installs an object without metadata.namespace into the release namespace.
  const objects = parsed.objects.map((o) => ({ ...o, namespace: o.namespace ?? namespace }));
  return { objects };
}

/** `in chart <dir> with values-<env>.yaml (rendered)`: what a finding on a rendered object says first. */
export function renderLabel(render: ChartRender): string {
  const values = render.valuesFiles.map((v) => v.slice(v.lastIndexOf("/") + 1)).at(-1) ?? "no values file";
  return `in chart ${render.chart.dir.replace(/\/$/, "") || "."} with ${values} (rendered)`;
}

/**
 * Runs the Kubernetes rules over the objects of each chart render, in the environment its values
 * file names. A finding points at the template file, at the object's `kind:` line there (rendered
 * lines are not the template's), and says which chart and values file; one already reported (same rule, message and
 * object, on the files, an overlay or an earlier render) is left out.
 */
export async function chartFindings(
  renders: readonly ChartRender[],
  rules: readonly ActiveRule[],
  ctx: RuleContext,
  earlier: readonly Finding[],
): Promise<Finding[]> {
  const seen = new Set(earlier.map((f) => sameProblem({ ...f, message: f.message.replace(/^in overlay .*? \(built\): /, "") })));
  const out: Finding[] = [];
  for (const render of renders) {
    if (!("objects" in render.result)) continue;
    const renderCtx = contextFor(ctx, render.env ?? "", render.result.objects);
    for (const { rule, severity } of rules) {
      if (rule.target !== "kubernetes") continue;
      for (const hit of await rule.check(renderCtx)) {
        const finding: Finding = {
          rule_id: rule.id,
          aliases: hit.aliases ? rule.aliases.filter((alias) => hit.aliases?.includes(alias)) : [...rule.aliases],
          severity,
          resource: hit.resource,
          file: hit.file,
          line: templateLine(ctx.files, render.result.objects, hit.file, hit.resource),
          message: hit.message,
          remediation: hit.remediation ?? rule.remediation,
          ...(hit.unverified ? { unverified: true as const } : {}),
        };
        const key = sameProblem(finding);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...finding, message: `${renderLabel(render)}: ${finding.message}` });
      }
    }
  }
  return out;
}

/**
 * The line of the template where the object a finding names starts: the `kind: <Kind>` line that
 * produced it (the n-th object of that kind the template rendered is taken to come from the n-th
 * such line), else 1.
 */
function templateLine(files: readonly IacFile[], objects: readonly KubernetesObject[], file: string, resource: string): number {
  const [kind, ...rest] = resource.split("/");
  const name = rest.at(-1);
  const sameKind = objects.filter((o) => o.file === file && o.kind === kind);
  const index = Math.max(
    0,
    sameKind.findIndex((o) => o.name === name),
  );
  const source = files.find((f) => f.path === file)?.content ?? "";
  const lines = source.split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (new RegExp(`^kind:\\s*["']?${(kind ?? "").replace(/[^A-Za-z0-9]/g, "")}["']?\\s*$`).test(lines[i] as string) && seen++ === index) return i + 1;
  }
  return 1;
}

/** Rule, message and object without namespace or file: the same problem wherever it was built from. */
function sameProblem(finding: Finding): string {
  return dedupeKey({ ...finding, file: "", line: null });
}

/** Where a rendered object and its overlay twin first differ, or undefined when they are equal. */
export interface Difference {
  /** `spec.template.spec.containers[0].image` */
  path: string;
  chart: unknown;
  overlay: unknown;
}

/**
 * The first field where the chart's object (Helm's bookkeeping removed) and the overlay's differ,
 * walking the overlay's keys in order, then keys only the chart has.
 */
export function firstDifference(chart: unknown, overlay: unknown, path = ""): Difference | undefined {
  if (Array.isArray(chart) && Array.isArray(overlay)) {
    for (let i = 0; i < Math.max(chart.length, overlay.length); i++) {
      const found = firstDifference(chart[i], overlay[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isMap(chart) && isMap(overlay)) {
    const keys = [...Object.keys(overlay), ...Object.keys(chart).filter((k) => !Object.hasOwn(overlay, k))];
    for (const key of keys) {
      const found = firstDifference(chart[key], overlay[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(chart, overlay) ? undefined : { path: path || "(object)", chart, overlay };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One drift between a chart render and the overlay of its environment. */
export interface Drift {
  render: ChartRender;
  overlay: { dir: string; file: string };
  /** `Kind/name` */
  object: string;
  /** the values file (where the env's chart side is set) */
  file: string;
  message: string;
}

/**
 * Compares each env render of a chart with the built overlay `overlays/<env>`: the same objects
 * (by kind and name) and, object by object, the same fields once Helm's bookkeeping labels and
 * checksum annotation are removed. A Namespace only the overlay has is not drift: Helm gets the
 * namespace from `--create-namespace`. When several overlays are for the env, only those sharing
 * an object with the chart are compared (they deploy the same application).
 */
export function chartDrift(renders: readonly ChartRender[], overlays: readonly OverlayBuild[]): Drift[] {
  const out: Drift[] = [];
  for (const render of renders) {
    if (!render.env || !("objects" in render.result)) continue;
    const chart = byKindAndName(render.result.objects);
    const candidates = envOverlays(overlays, render.env);
    const compared = candidates.length > 1 ? candidates.filter((o) => o.objects.some((obj) => chart.has(`${obj.kind}/${obj.name}`))) : candidates;
    const values = render.valuesFiles.at(-1) as string;
    const label = values.slice(values.lastIndexOf("/") + 1);
    for (const overlay of compared) {
      const built = byKindAndName(overlay.objects.filter((o) => o.kind !== "Namespace" || chart.has(`Namespace/${o.name}`)));
      const keys = [...new Set([...built.keys(), ...chart.keys()])].sort();
      for (const key of keys) {
        const fromChart = chart.get(key);
        const fromOverlay = built.get(key);
        const where = `chart ${render.chart.dir.replace(/\/$/, "") || "."} with ${label} and overlay ${overlay.dir}`;
        let message: string | undefined;
        if (!fromOverlay) message = `${key} is rendered by the chart (${fromChart?.file}) but not built by the overlay (${where})`;
        else if (!fromChart) message = `${key} is built by the overlay (${fromOverlay.file}) but not rendered by the chart (${where})`;
        else {
          const diff = firstDifference(asInstalled(fromChart, fromOverlay, render.namespace), fromOverlay.object);
          if (diff) message = `${key} differs at ${diff.path} between ${where}: chart ${show(diff.chart)}, overlay ${show(diff.overlay)}`;
        }
        if (message) out.push({ render, overlay, object: key, file: values, message });
      }
    }
  }
  return out;
}

/**
 * A rendered object as Helm would install it, for comparison: without Helm's bookkeeping, and
 * with metadata.namespace set to the release's when the template leaves it out and the overlay's
 * object is in that namespace (Helm installs it there; Kustomize writes it into the object).
 */
function asInstalled(object: KubernetesObject, overlay: KubernetesObject, namespace: string): Record<string, unknown> {
  const copy = withoutHelmBookkeeping(object.object);
  const metadata = copy.metadata;
  const overlayNamespace = isMap(overlay.object.metadata) ? overlay.object.metadata.namespace : undefined;
  if (isMap(metadata) && metadata.namespace === undefined && overlayNamespace === namespace) copy.metadata = { ...metadata, namespace };
  return copy;
}

function byKindAndName(objects: readonly KubernetesObject[]): Map<string, KubernetesObject> {
  return new Map(objects.map((o) => [`${o.kind}/${o.name}`, o]));
}

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
