import { z } from "zod";

/**
 * The events the infrastructure-engineer specification (seed 002) names for downstream agents
 * (DevOps, observability, security, orchestration): what was generated, where, and its digest.
 * They keep the specification's names as their lifecycle-event `type`, so a consumer written
 * against the specification subscribes by those names; each has a strict data schema, checked
 * before the event is published (nodes publish them through `emitHandoff`, graph/deps.ts).
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "hex SHA-256");
const artifactPath = z.string().min(1).max(1024);
const planRef = {
  plan_id: z.string().min(1),
  plan_version: z.number().int().positive(),
  /** the design the artifacts implement: the plan id (the specification's blueprint) */
  blueprint_id: z.string().min(1),
  /** the artifacts' digest (nodes/builder/engine.ts artifactDigest) */
  digest: sha256,
};

/** The builder wrote the artifacts of a plan version. */
export const infrastructureGeneratedSchema = z
  .object({
    ...planRef,
    /** who wrote them, as the specification's `agent` */
    agent: z.literal("atlas-builder"),
    files: z.number().int().nonnegative(),
    terraform_path: artifactPath.nullable(),
    /** the Kustomize base, when the design runs on Kubernetes */
    kubernetes_path: artifactPath.nullable(),
    /** one Kustomize overlay per delivery environment */
    overlays: z.array(artifactPath),
    chart_path: artifactPath.nullable(),
    pipelines: z.array(artifactPath),
    /** the environment the plan was sized for; overlays cover the others */
    target_environment: z.string().min(1),
    /** the signing key's id when the digest was signed, else null */
    signed_by: z.string().nullable(),
  })
  .strict();

/** A Helm chart is ready to install (only for designs on Kubernetes). */
export const helmChartReadySchema = z
  .object({
    ...planRef,
    chart_name: z.string().min(1),
    chart_path: artifactPath,
    chart_version: z.string().min(1),
    /** the chart's files' own digest (the same rule as the artifacts' digest, over the chart's files only) */
    chart_digest: sha256,
    values_files: z.array(artifactPath),
  })
  .strict();

/** The approved artifacts were committed to the GitOps workspace (and pushed, when a remote is configured). */
export const manifestPublishedSchema = z
  .object({
    ...planRef,
    commit: z.string().regex(/^[0-9a-f]{40}$/, "a git commit id"),
    /** the folder in the GitOps repository */
    path: artifactPath,
    /** Kubernetes and Helm files published (empty for designs without Kubernetes) */
    manifests: z.array(artifactPath),
    approver: z.string().min(1),
  })
  .strict();

/** The validator failed the artifacts: what failed, and what happens next. */
export const infraValidationFailedSchema = z
  .object({
    ...planRef,
    findings: z.number().int().nonnegative(),
    blocking: z.array(z.object({ rule_id: z.string(), severity: z.string(), file: z.string().nullable(), line: z.number().int().nullable() }).strict()),
    /** `revise`: back to the architect; `blocked`: no revisions left */
    next: z.enum(["revise", "blocked"]),
  })
  .strict();

/** Each hand-off event's data schema, by its type. */
export const handoffEventSchemas = {
  InfrastructureGenerated: infrastructureGeneratedSchema,
  HelmChartReady: helmChartReadySchema,
  ManifestPublished: manifestPublishedSchema,
  InfraValidationFailed: infraValidationFailedSchema,
} as const;

export type HandoffEventType = keyof typeof handoffEventSchemas;
export type HandoffEventData<T extends HandoffEventType> = z.input<(typeof handoffEventSchemas)[T]>;
export const handoffEventTypes = Object.keys(handoffEventSchemas) as HandoffEventType[];
