import { createHash } from "node:crypto";
import { AtlasError } from "../../lib/errors.js";
import type { PlanSpec } from "../../schemas/plan.js";
import type { ArtifactFile, BuildArtifacts } from "../../schemas/reports.js";
import { renderAzure } from "./azure/index.js";
import { renderCloudKubernetes } from "./cloud-kubernetes/index.js";
import { renderCloudReadme } from "./cloud-readme.js";
import { makeContext, type RenderedFile } from "./context.js";
import type { Conventions } from "./conventions.js";
import { type DeliveryOptions, renderDelivery } from "./delivery/index.js";
import { renderGcp } from "./gcp/index.js";
import { renderHelm } from "./helm.js";
import { runsOnKubernetes } from "./kubernetes.js";
import { renderKubernetes } from "./kustomize.js";
import { renderReadme } from "./readme.js";
import { renderTerraform } from "./terraform/index.js";

/** Hex SHA-256 of a file's UTF-8 bytes. */
export function sha256(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}

/**
 * The digest of a set of files: SHA-256 over `<path>\0<sha256>\n` for each file, in path
 * order. Two builds have the same digest exactly when they have the same paths and contents.
 */
export function artifactDigest(files: readonly Pick<ArtifactFile, "path" | "sha256">[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => compare(a.path, b.path))) hash.update(`${file.path}\0${file.sha256}\n`, "utf8");
  return hash.digest("hex");
}

/** Code-unit order, not locale order: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function kindOf(path: string): ArtifactFile["kind"] {
  if (path.startsWith("terraform/")) return "terraform";
  if (path.startsWith("bicep/")) return "bicep";
  if (path.startsWith("kubernetes/")) return "kubernetes";
  if (path.startsWith("helm/")) return "helm";
  if (path.startsWith("pipelines/") || path.startsWith("gitops/")) return "delivery";
  return "doc";
}

/**
 * Renders a plan into deployable artifacts: Terraform for AWS (`terraform/`) and a README
 * and, only for a design that runs on Kubernetes (EKS), a Kustomize base with an overlay per
 * delivery environment (`kubernetes/base`, `kubernetes/overlays/<env>`) and a Helm chart
 * (`helm/<chart>/`) with values per environment; delivery pipelines (`pipelines/`: GitHub Actions
 * and Azure DevOps, a stage per environment) and, on EKS, Argo CD and Flux manifests (`gitops/`),
 * which find the files under `delivery.planDir` in the repository. `conventions` are the organisation's naming
 * conventions (its policy's `conventions` section); unset ones take Atlas's defaults. An ECS design's tasks and services are Terraform; a chart for a
 * cluster it does not have would only mislead. Pure and
 * deterministic: the same plan gives byte-identical files, sorted by path, each with its
 * SHA-256, and a digest over them (see {@link artifactDigest}).
 *
 * @throws AtlasError `VALIDATION_FAILED` when the plan cannot be built as written: a cloud
 *   other than AWS, an unpinned image, a wildcard IAM action, an IAM resource naming nothing, or
 *   (on EKS) a schedule a CronJob cannot keep exactly
 */
export function renderArtifacts(plan: PlanSpec, conventions: Partial<Conventions> = {}, delivery: DeliveryOptions = {}): BuildArtifacts {
  if (plan.cloud !== "aws") return packFiles(plan, renderOtherCloud(plan));
  const ctx = makeContext(plan, conventions);
  // Every renderer's files are concatenated here, and only here.
  const rendered: RenderedFile[] = [...renderTerraform(ctx), ...(runsOnKubernetes(ctx) ? [...renderKubernetes(ctx, ctx.conventions), ...renderHelm(ctx)] : [])];
  // the pipelines and GitOps sync manifests name only what was rendered above
  rendered.push(
    ...renderDelivery(
      ctx,
      rendered.map((file) => file.path),
      delivery,
    ),
  );
  rendered.push(
    renderReadme(
      ctx,
      rendered.map((file) => file.path),
    ),
  );
  return packFiles(plan, rendered);
}

/** The cloud a component kind belongs to: `azure-*`/`aks-*` Azure, Google Cloud's own names, the rest AWS. */
export function cloudOfKind(kind: PlanSpec["components"][number]["kind"]): PlanSpec["cloud"] {
  if (kind.startsWith("azure-") || kind.startsWith("aks-")) return "azure";
  if (/^(gcp-|gke-|cloud-|memorystore-|gcs-)/.test(kind) || ["pubsub", "artifact-registry", "secret-manager"].includes(kind)) return "gcp";
  return "aws";
}

/** Azure (Terraform and Bicep) or Google Cloud (Terraform), and their README. */
function renderOtherCloud(plan: PlanSpec): RenderedFile[] {
  const foreign = plan.components.filter((c) => cloudOfKind(c.kind) !== plan.cloud);
  if (foreign.length > 0)
    throw new AtlasError("VALIDATION_FAILED", `Plan ${plan.plan_id} targets ${plan.cloud} but has components of another cloud`, {
      issues: [
        { path: "cloud", message: `"${plan.cloud}" does not match components ${foreign.map((c) => `${c.id} (${c.kind}, ${cloudOfKind(c.kind)})`).join(", ")}` },
      ],
    });
  // AKS and GKE designs also get their workload's manifests and chart (nothing for other platforms)
  const rendered = [...(plan.cloud === "azure" ? renderAzure(plan) : renderGcp(plan)), ...renderCloudKubernetes(plan)];
  return [...rendered, renderCloudReadme(plan, rendered)];
}

/** Sorted files, each with its SHA-256, and the digest over them. */
function packFiles(plan: PlanSpec, rendered: readonly RenderedFile[]): BuildArtifacts {
  const files: ArtifactFile[] = [...rendered]
    .sort((a, b) => compare(a.path, b.path))
    .map(({ path, content }) => ({ path, kind: kindOf(path), sha256: sha256(content), bytes: Buffer.byteLength(content, "utf8"), content }));
  return { plan_id: plan.plan_id, plan_version: plan.version, trace_id: plan.trace_id, files, digest: artifactDigest(files) };
}
