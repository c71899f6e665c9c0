import { createHash } from "node:crypto";
import type { PlanSpec } from "../../schemas/plan.js";

/** The tag keys that tie every Terraform resource back to the plan and the run that made it. */
export const TRACE_TAG_KEYS = ["atlas_trace_id", "atlas_plan_id", "atlas_plan_version", "atlas_component"] as const;

/** Label and annotation keys on every Kubernetes object. */
export const K8S_LABELS = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  component: "atlas.dev/component",
  traceId: "atlas.dev/trace-id",
  planId: "atlas.dev/plan-id",
  planVersion: "atlas.dev/plan-version",
  generatedBy: "atlas.dev/generated-by",
  /** the owning team (organisation convention `team`) */
  team: "atlas.dev/team",
  /** the delivery environment: dev, qa, staging or prod */
  env: "atlas.dev/env",
  /** a user component's `blueprint_id` (the specification's trace metadata) */
  blueprintId: "atlas.dev/blueprint-id",
  /** a user component's `component_scope`, its domain (Billing, Ordering) */
  componentScope: "atlas.dev/component-scope",
} as const;

/** Who wrote the files, in annotations and headers. */
export const GENERATOR = "atlas-builder";

/**
 * AWS resource types that accept no `tags` argument. They cannot carry the trace tags, so
 * the builder writes the component they belong to in a comment above the block instead.
 */
export const UNTAGGABLE_TYPES: ReadonlySet<string> = new Set([
  "aws_route_table_association",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_iam_role_policy_attachment",
  "aws_iam_role_policy",
  "aws_appautoscaling_policy",
  "aws_cloudwatch_event_target",
  "aws_cloudfront_origin_access_control",
  "aws_ecr_lifecycle_policy",
  "aws_secretsmanager_secret_version",
]);

/** Provider-level tags: the trace labels without the component (that is per resource). */
export function traceTags(plan: PlanSpec): Record<string, string> {
  return {
    atlas_plan_id: tagValue(plan.plan_id),
    atlas_plan_version: String(plan.version),
    atlas_trace_id: tagValue(plan.trace_id),
  };
}

/** Tags for one resource: the trace labels, its component and a readable Name; keys sorted. */
export function resourceTags(plan: PlanSpec, component: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  const tags: Record<string, string> = { ...extra, ...traceTags(plan), atlas_component: component, Name: tagValue(name) };
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((key) => [key, tags[key] as string]),
  );
}

/** Kubernetes labels on every object (values sanitised to what the API accepts). */
export function k8sLabels(plan: PlanSpec, component: string): Record<string, string> {
  return {
    [K8S_LABELS.name]: labelValue(plan.goal_name),
    [K8S_LABELS.partOf]: labelValue(plan.goal_name),
    [K8S_LABELS.managedBy]: "atlas",
    [K8S_LABELS.component]: labelValue(component),
    [K8S_LABELS.traceId]: labelValue(plan.trace_id),
    [K8S_LABELS.planId]: labelValue(plan.plan_id),
  };
}

/**
 * Labels that select the pods. They leave out the trace and plan ids on purpose: selectors
 * are immutable and pod-template labels that change per run would restart every pod.
 */
export function selectorLabels(plan: PlanSpec, component: string): Record<string, string> {
  return { [K8S_LABELS.name]: labelValue(plan.goal_name), [K8S_LABELS.component]: labelValue(component) };
}

/** Annotations on every Kubernetes object. */
export function k8sAnnotations(plan: PlanSpec): Record<string, string> {
  return { [K8S_LABELS.planVersion]: String(plan.version), [K8S_LABELS.generatedBy]: GENERATOR };
}

/** A Kubernetes label value: at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends. */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

/** An AWS tag value: the characters every taggable service accepts, at most 256. */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{N} _.:/=+\-@]+/gu, "-").slice(0, 256);
}

/** A Terraform block label from a plan id: `orders-db` → `orders_db`. */
export function tfName(id: string): string {
  const name = id
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(name) ? name : `r_${name}`;
}

/** A DNS-style AWS name: lower-case, dashes, no doubled or trailing dash, at most `max` characters. */
export function awsName(max: number, ...parts: string[]): string {
  const joined = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-");
  return joined.slice(0, max).replace(/^-+|-+$/g, "");
}

/** Eight hex characters derived from the plan id: keeps global names (S3 buckets) unique yet stable. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
