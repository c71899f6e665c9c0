import { parse, parseAllDocuments } from "yaml";
import { withoutHelmBookkeeping as stripHelmBookkeeping } from "../../iac/helm-template.js";
import type { Conventions } from "../../nodes/builder/conventions.js";
import { renderArtifacts } from "../../nodes/builder/engine.js";
import { DELIVERY_PATHS, type DeliveryEnvironment } from "../../nodes/builder/environments.js";
import type { PlanSpec } from "../../schemas/plan.js";
import { mergeValues, renderChart } from "./helm-render.js";
import { fileMap, kustomizeBuild } from "./kustomize-build.js";

/**
 * What the builder's Kubernetes output deploys, the two ways a user deploys it, through the two
 * test harnesses (no kubectl, kustomize or helm binary here): a built overlay, a rendered chart.
 */

// biome-ignore lint/suspicious/noExplicitAny: test-only access into parsed YAML
type Obj = Record<string, any>;

/** `kustomize build kubernetes/overlays/<env>` of the plan's artifacts. */
export function overlayObjects(plan: PlanSpec, env: DeliveryEnvironment, conventions: Partial<Conventions> = {}): Obj[] {
  return kustomizeBuild(fileMap(renderArtifacts(plan, conventions).files), DELIVERY_PATHS.overlay(env));
}

/** `helm template <goal> helm/<chart> -n <namespace> -f values-<env>.yaml`, with `extra` values laid on top (like `--set`). */
export function chartObjects(plan: PlanSpec, env: DeliveryEnvironment, namespace: string, extra: Obj = {}, conventions: Partial<Conventions> = {}): Obj[] {
  const artifacts = renderArtifacts(plan, conventions).files;
  const root = (artifacts.find((f) => f.path.startsWith("helm/") && f.path.endsWith("/Chart.yaml"))?.path ?? "").replace(/\/Chart\.yaml$/, "");
  const files = fileMap(artifacts);
  const read = (path: string) => parse(files.get(path) ?? "") as Obj;
  const meta = read(`${root}/Chart.yaml`);
  const values = mergeValues(mergeValues(read(`${root}/values.yaml`), read(DELIVERY_PATHS.helmValues(root, env))), extra);
  const templates = Object.fromEntries(
    [...files].filter(([path]) => path.startsWith(`${root}/templates/`)).map(([path, c]) => [path.slice(root.length + 1), c]),
  );
  const rendered = renderChart({
    chart: { Name: meta.name, Version: meta.version, AppVersion: meta.appVersion },
    release: { Name: plan.goal_name, Namespace: namespace },
    values,
    templates,
  });
  return [...rendered.values()].flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as Obj)).filter((o) => o !== null);
}

/** A chart-rendered object without what only Helm adds (iac/helm-template.ts: the validator's own comparison uses it too). */
export const withoutHelmBookkeeping = (object: Obj): Obj => stripHelmBookkeeping(object);

/** Objects by `<kind>/<name>`. */
export const byKindAndName = (objects: Obj[]): Map<string, Obj> => new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
