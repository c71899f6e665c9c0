import type { BuildContext, RenderedFile } from "../context.js";
import { DELIVERY_ENVIRONMENTS, DELIVERY_PATHS, type DeliveryEnvironment } from "../environments.js";
import { awsName, k8sAnnotations, k8sLabels } from "../labels.js";
import { deliveryNamespace, underPlanDir } from "./layout.js";
import { traceHeader, yamlWithComments } from "./yaml-doc.js";

/**
 * The repository URL written when none is known: `.invalid` never resolves, so a manifest applied
 * without replacing it fails at once instead of syncing from somewhere unexpected.
 */
export const PLACEHOLDER_REPO_URL = "https://git.example.invalid/replace-me/gitops.git";

/** The branch Atlas's approved commits reach (by merge, when apply opens a pull request). */
export const GITOPS_BRANCH = "main";

/** Name of the Flux GitRepository every Kustomization pulls from. */
export const FLUX_SOURCE_NAME = "atlas-gitops";

/** Environments a cluster syncs without a person: later ones wait for a manual sync (Argo CD) or a resume (Flux). */
export const AUTO_SYNC_ENVIRONMENTS: readonly DeliveryEnvironment[] = ["dev", "qa"];

interface GitopsInput {
  ctx: BuildContext;
  planDir: string;
  repoUrl: string;
}

function metadata(ctx: BuildContext, env: DeliveryEnvironment, namespace: string) {
  return {
    name: awsName(63, ctx.plan.goal_name, env),
    namespace,
    labels: k8sLabels(ctx.plan, ctx.component([])),
    annotations: k8sAnnotations(ctx.plan),
  };
}

function sourceNote(input: GitopsInput): string[] {
  return [
    input.repoUrl === PLACEHOLDER_REPO_URL
      ? `Replace the repository URL ${PLACEHOLDER_REPO_URL} with the GitOps repository Atlas commits to.`
      : `Pulls from ${input.repoUrl}.`,
    `Paths assume the plan's folder is ${input.planDir === "." ? "the repository root" : input.planDir}; in Atlas's GitOps repository it is plans/<tenant>/${input.ctx.plan.plan_id}.`,
  ];
}

function argoApplication(input: GitopsInput, env: DeliveryEnvironment): RenderedFile {
  const { ctx } = input;
  const automated = AUTO_SYNC_ENVIRONMENTS.includes(env);
  const application = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: metadata(ctx, env, "argocd"),
    spec: {
      project: "default",
      source: { repoURL: input.repoUrl, targetRevision: GITOPS_BRANCH, path: underPlanDir(input.planDir, DELIVERY_PATHS.overlay(env)) },
      // Argo CD in the environment's own cluster; a central Argo CD names that cluster's API server here
      destination: { server: "https://kubernetes.default.svc", namespace: deliveryNamespace(ctx.plan, env) },
      syncPolicy: automated
        ? {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["PruneLast=true"],
            retry: { limit: 5, backoff: { duration: "30s", factor: 2, maxDuration: "5m" } },
          }
        : { syncOptions: ["PruneLast=true"] },
    },
  };
  const header = traceHeader(ctx.plan, [
    `Argo CD Application for ${env}: ${automated ? "syncs every change on its own (prune, self-heal)" : "no automated sync; a person syncs after review (argocd app sync), the manual gate"}.`,
    ...sourceNote(input),
  ]);
  return { path: `gitops/argocd/application-${env}.yaml`, content: yamlWithComments(header, application) };
}

function fluxKustomization(input: GitopsInput, env: DeliveryEnvironment): RenderedFile {
  const { ctx } = input;
  const automated = AUTO_SYNC_ENVIRONMENTS.includes(env);
  const kustomization = {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: metadata(ctx, env, "flux-system"),
    spec: {
      interval: "10m",
      retryInterval: "2m",
      timeout: "5m",
      path: `./${underPlanDir(input.planDir, DELIVERY_PATHS.overlay(env))}`,
      prune: true,
      wait: true,
      sourceRef: { kind: "GitRepository", name: FLUX_SOURCE_NAME },
      ...(automated ? {} : { suspend: true }),
    },
  };
  const header = traceHeader(ctx.plan, [
    `Flux Kustomization for ${env}: ${automated ? "reconciles every change on its own" : `suspended; \`flux resume kustomization ${kustomization.metadata.name}\` deploys after review, the manual gate`}.`,
    ...sourceNote(input),
  ]);
  return { path: `gitops/flux/kustomization-${env}.yaml`, content: yamlWithComments(header, kustomization) };
}

function fluxSource(input: GitopsInput): RenderedFile {
  const { ctx } = input;
  const source = {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: FLUX_SOURCE_NAME, namespace: "flux-system", labels: k8sLabels(ctx.plan, ctx.component([])), annotations: k8sAnnotations(ctx.plan) },
    spec: { interval: "1m", url: input.repoUrl, ref: { branch: GITOPS_BRANCH } },
  };
  const header = traceHeader(ctx.plan, [
    "The Git source of the Flux Kustomizations; a private repository also needs spec.secretRef naming its credentials.",
    ...sourceNote(input),
  ]);
  return { path: "gitops/flux/gitrepository.yaml", content: yamlWithComments(header, source) };
}

/**
 * Pull-based delivery for Kubernetes designs: an Argo CD Application and a Flux Kustomization per
 * environment, each pointing at that environment's overlay, plus the Flux GitRepository they share.
 * dev and qa sync on their own; staging and prod wait for a person.
 */
export function renderGitops(ctx: BuildContext, planDir: string, repoUrl: string): RenderedFile[] {
  const input = { ctx, planDir, repoUrl };
  return [
    ...DELIVERY_ENVIRONMENTS.map((env) => argoApplication(input, env)),
    ...DELIVERY_ENVIRONMENTS.map((env) => fluxKustomization(input, env)),
    fluxSource(input),
  ];
}
