import type { BuildContext, RenderedFile } from "../context.js";
import { renderAzurePipeline } from "./azure-pipelines.js";
import { renderGithubActions } from "./github-actions.js";
import { PLACEHOLDER_REPO_URL, renderGitops } from "./gitops.js";
import { readLayout } from "./layout.js";

/** Where the delivery files find the artifacts; both default to what the builder cannot know. */
export interface DeliveryOptions {
  /**
   * The plan's folder inside the repository the artifacts are committed to (`ATLAS_PLAN_DIR` in
   * the pipelines, the path prefix in Argo CD and Flux). Default `.`: the repository root. Atlas's
   * GitOps workspace keeps a plan in `plans/<tenant>/<plan_id>` (lib/gitops.ts planFolder).
   */
  planDir?: string;
  /** The GitOps repository Argo CD and Flux pull from; default a placeholder that never resolves. */
  repoUrl?: string;
}

/**
 * Renders the delivery definitions for a plan's artifacts: a GitHub Actions workflow and an Azure
 * DevOps pipeline (a stage per environment: Terraform plan, the plan JSON kept and validated by
 * `atlas validate`, apply, then on EKS `kubectl apply -k` or `helm upgrade --install`; rollback),
 * and for EKS designs Argo CD Applications and Flux Kustomizations. What exists (overlays, charts,
 * values files) is read from `paths`, the artifact paths, so the files only name what was rendered.
 * Pure and deterministic: the same plan and paths give the same bytes.
 *
 * @throws Error when `paths` has no Terraform, or Kubernetes artifacts with no overlay or chart
 *   values for every delivery environment (a builder defect, not a client error)
 */
export function renderDelivery(ctx: BuildContext, paths: readonly string[], options: DeliveryOptions = {}): RenderedFile[] {
  const layout = readLayout(paths);
  const planDir = options.planDir ?? ".";
  const files = [renderGithubActions(ctx, layout, paths, planDir), renderAzurePipeline(ctx, layout, paths, planDir)];
  // Argo CD and Flux sync Kustomize overlays: without overlays there is nothing for them to point at
  if (layout.kubernetes && layout.kustomize) files.push(...renderGitops(ctx, planDir, options.repoUrl ?? PLACEHOLDER_REPO_URL));
  return files;
}
