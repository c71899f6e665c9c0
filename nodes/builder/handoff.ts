import { parse } from "yaml";
import type { HandoffEventData } from "../../schemas/handoff-events.js";
import type { PlanSpec } from "../../schemas/plan.js";
import type { ArtifactFile, BuildArtifacts } from "../../schemas/reports.js";
import { artifactDigest } from "./engine.js";

/** A build as the state keeps it (file contents may be in the artifact store only). */
type Built = Pick<BuildArtifacts, "digest" | "signature"> & { files: readonly Pick<ArtifactFile, "path" | "sha256">[] };

/** The folders holding `name` among the files, e.g. every `kubernetes/overlays/<env>` with a kustomization. */
const foldersOf = (files: readonly Pick<ArtifactFile, "path">[], pattern: RegExp) =>
  files.flatMap((file) => {
    const match = pattern.exec(file.path);
    return match?.[1] ? [match[1]] : [];
  });

/** What `InfrastructureGenerated` says about a build: where each kind of artifact is, and its digest. */
export function infrastructureGenerated(plan: PlanSpec, built: Built): HandoffEventData<"InfrastructureGenerated"> {
  const paths = built.files.map((file) => file.path);
  const chart = foldersOf(built.files, /^(helm\/[^/]+)\/Chart\.yaml$/)[0] ?? null;
  return {
    plan_id: plan.plan_id,
    plan_version: plan.version,
    blueprint_id: plan.plan_id,
    digest: built.digest,
    agent: "atlas-builder",
    files: built.files.length,
    terraform_path: paths.some((path) => path.startsWith("terraform/")) ? "terraform" : null,
    kubernetes_path: paths.includes("kubernetes/base/kustomization.yaml") ? "kubernetes/base" : null,
    overlays: foldersOf(built.files, /^(kubernetes\/overlays\/[^/]+)\/kustomization\.yaml$/),
    chart_path: chart,
    pipelines: paths.filter((path) => path.startsWith("pipelines/")),
    target_environment: plan.environment,
    signed_by: built.signature?.key_id ?? null,
  };
}

/** What `HelmChartReady` says, or null when the build has no chart (designs without Kubernetes). */
export function helmChartReady(plan: PlanSpec, built: Pick<BuildArtifacts, "digest" | "files">): HelmChartReady | null {
  const chartFile = built.files.find((file) => /^helm\/[^/]+\/Chart\.yaml$/.test(file.path));
  if (!chartFile) return null;
  const chartPath = chartFile.path.slice(0, -"/Chart.yaml".length);
  const chartFiles = built.files.filter((file) => file.path.startsWith(`${chartPath}/`));
  const chart = (chartFile.content ? parse(chartFile.content) : {}) as { name?: unknown; version?: unknown };
  return {
    plan_id: plan.plan_id,
    plan_version: plan.version,
    blueprint_id: plan.plan_id,
    digest: built.digest,
    chart_name: typeof chart.name === "string" ? chart.name : chartPath.slice("helm/".length),
    chart_path: chartPath,
    chart_version: typeof chart.version === "string" ? chart.version : String(chart.version ?? "0.0.0"),
    chart_digest: artifactDigest(chartFiles),
    values_files: chartFiles.map((file) => file.path).filter((path) => /\/values(-[a-z]+)?\.yaml$/.test(path)),
  };
}

type HelmChartReady = HandoffEventData<"HelmChartReady">;
