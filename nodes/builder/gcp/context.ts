import { AtlasError } from "../../../lib/errors.js";
import type { PlanComponent, PlanSpec } from "../../../schemas/plan.js";
import { type HclBlock, type HclBody, type HclNested, type HclValue, resource } from "../hcl.js";
import { awsName, GENERATOR, TRACE_TAG_KEYS, tfName } from "../labels.js";

type ComponentKind = PlanComponent["kind"];

/** Blocks destined for one `.tf` file; several renderers may add to the same file. */
export interface GcpSection {
  file: string;
  blocks: HclBlock[];
  /** what the plan asked for that this file does not render, written in the file's header */
  notes?: string[];
}

/**
 * Where each labelable google resource type keeps its labels. Every other type the builder emits
 * takes none (networks, firewalls, IAM members, load balancer plumbing): for those the owning
 * component is written in a comment above the block. A dotted path names a nested block:
 * `settings.user_labels` of a Cloud SQL instance, `node_config.resource_labels` of a node pool.
 */
export const LABEL_ATTRIBUTE: Readonly<Record<string, string>> = {
  google_artifact_registry_repository: "labels",
  google_cloud_run_v2_job: "labels",
  google_cloud_run_v2_service: "labels",
  google_compute_global_address: "labels",
  google_compute_global_forwarding_rule: "labels",
  google_container_cluster: "resource_labels",
  google_container_node_pool: "node_config.resource_labels",
  google_kms_crypto_key: "labels",
  google_monitoring_alert_policy: "user_labels",
  google_pubsub_subscription: "labels",
  google_pubsub_topic: "labels",
  google_redis_instance: "labels",
  google_secret_manager_secret: "labels",
  google_sql_database_instance: "settings.user_labels",
  google_storage_bucket: "labels",
};

/**
 * A Google Cloud label value: lower-case letters, digits, `_` and `-`, at most 63 characters
 * (https://cloud.google.com/resource-manager/docs/labels-overview#requirements). Anything else
 * becomes `-`, upper case is lowered.
 */
export function gcpLabelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .slice(0, 63);
}

/**
 * A resource name Google Cloud accepts almost everywhere (RFC 1035: a lower-case letter first,
 * then letters, digits and dashes, no dash at the end), at most `max` characters.
 */
export function gcpName(max: number, ...parts: string[]): string {
  const name = awsName(max, ...parts);
  const lettered = /^[a-z]/.test(name) ? name : awsName(max, "r", name);
  return lettered.replace(/-+$/g, "");
}

/** One workload of the design: a Cloud Run service, a Cloud Run job, or the GKE cluster's workload. */
export interface Workload {
  /** the plan component id (`app`, `worker`, `jobs`, `gke`) */
  id: string;
  kind: "service" | "job" | "gke";
  /** Terraform block name of its resources and of its service account */
  tf: string;
}

/** What every renderer needs: the plan plus naming, labelling and topology decided once. */
export interface GcpContext {
  plan: PlanSpec;
  /** `<goal>-<environment>`, shortened to leave room for suffixes (Cloud Run: 49, Redis: 40 characters) */
  prefix: string;
  prod: boolean;
  /** a VPC is created (a workload, a database or a cache needs one) */
  hasNetwork: boolean;
  /** the external HTTPS load balancer is created by Terraform (public entry to Cloud Run or a static site) */
  hasPublicLb: boolean;
  /** Cloud Armor guards the public entry */
  hasArmor: boolean;
  gke: boolean;
  /** the plan asks for customer-managed encryption: a Cloud KMS key the design creates (kms.ts) */
  cmk: boolean;
  workloads: Workload[];
  /** The plan component a resource implements (the first of the kinds, else the first component). */
  component(kinds: readonly ComponentKind[], id?: string): string;
  /** Labels for a resource of `component`: the trace labels plus environment and managed-by, sanitised. */
  labels(component: string): Record<string, string>;
  /** A resource block carrying the labels where its type keeps them, else a comment naming its component. */
  resource(type: string, name: string, component: string, body: HclBody): HclBlock;
}

/** `<prefix>-<suffix>` within `max` characters: the prefix is shortened, the suffix kept. */
export function nameWith(ctx: GcpContext, max: number, suffix: string): string {
  const tail = gcpName(max, suffix);
  return gcpName(max, gcpName(Math.max(1, max - tail.length - 1), ctx.prefix), tail);
}

/** The workloads a plan runs: each `cloud-run` component (a job when the plan has a schedule), or the GKE cluster. */
function workloadsOf(plan: PlanSpec): Workload[] {
  if (plan.compute.platform === "gke") {
    const cluster = plan.components.find((c) => c.kind === "gke-cluster");
    return [{ id: cluster?.id ?? "gke", kind: "gke", tf: "workload" }];
  }
  if (plan.compute.platform !== "cloud-run") return [];
  const runs = plan.components.filter((c) => c.kind === "cloud-run");
  const list = runs.length > 0 ? runs : [{ id: plan.compute.schedule ? "jobs" : "app" }];
  return list.map((c) => ({ id: c.id, kind: plan.compute.schedule ? "job" : "service", tf: tfName(c.id) }));
}

/**
 * Builds the context for a Google Cloud plan.
 * @throws AtlasError `VALIDATION_FAILED` for a plan of another cloud, a platform Google Cloud
 *   does not run, or ids that would collide as Terraform names
 */
export function makeGcpContext(plan: PlanSpec): GcpContext {
  const fail = (path: string, message: string): never => {
    throw new AtlasError("VALIDATION_FAILED", `plan ${plan.plan_id}: ${message}`, { issues: [{ path, message }] });
  };
  if (plan.cloud !== "gcp") fail("cloud", `the Google Cloud builder renders gcp plans, not "${plan.cloud}"`);
  if (!["cloud-run", "gke", "none"].includes(plan.compute.platform)) fail("compute.platform", `"${plan.compute.platform}" does not run on Google Cloud`);
  for (const [path, ids] of [
    ["buckets", plan.buckets.map((b) => b.id)],
    ["databases", plan.databases.map((d) => d.id)],
    ["caches", plan.caches.map((c) => c.id)],
    ["queues", plan.queues.map((q) => q.id)],
    ["security.secrets", plan.security.secrets.map((s) => s.name)],
  ] as const) {
    const names = ids.map(tfName);
    const clash = names.findIndex((name, index) => names.indexOf(name) !== index);
    if (clash >= 0) fail(`${path}[${clash}]`, `"${ids[clash]}" collides with another id once made a Terraform name (${names[clash]})`);
  }
  const workloads = workloadsOf(plan);
  const gke = plan.compute.platform === "gke";
  const has = (kind: ComponentKind) => plan.components.some((c) => c.kind === kind);
  const publicEntry = plan.network.ingress.type === "https-lb" && plan.network.ingress.public;
  const site = plan.buckets.some((b) => b.public_website);
  const hasPublicLb = publicEntry && (site || workloads.some((w) => w.kind === "service"));
  const base = {
    atlas_plan_id: gcpLabelValue(plan.plan_id),
    atlas_plan_version: String(plan.version),
    atlas_trace_id: gcpLabelValue(plan.trace_id),
    environment: plan.environment,
    "managed-by": GENERATOR,
  };
  const labels = (component: string): Record<string, string> => {
    const all: Record<string, string> = { ...base, atlas_component: gcpLabelValue(component) };
    // The trace keys first, in the order TRACE_TAG_KEYS gives, then the rest: a stable layout.
    const keys = [...TRACE_TAG_KEYS, "environment", "managed-by"];
    return Object.fromEntries(keys.map((key) => [key, all[key] as string]));
  };
  const ctx: GcpContext = {
    plan,
    prefix: gcpName(30, plan.goal_name, plan.environment),
    prod: plan.environment === "prod",
    hasNetwork: has("gcp-vpc") || gke || plan.databases.length > 0 || plan.caches.length > 0,
    hasPublicLb,
    hasArmor: publicEntry && plan.security.waf,
    gke,
    cmk: plan.security.kms === "customer-managed",
    workloads,
    component(kinds, id) {
      if (id !== undefined && plan.components.some((c) => c.id === id)) return id;
      for (const kind of kinds) {
        const found = plan.components.find((c) => c.kind === kind);
        if (found) return found.id;
      }
      return plan.components[0]?.id ?? plan.goal_name;
    },
    labels,
    resource(type, name, component, body) {
      const where = LABEL_ATTRIBUTE[type];
      if (where === undefined) return resource(type, name, body, [`atlas_component: ${component} (${type} takes no labels)`]);
      const value = labels(component) as HclValue;
      // Meta-arguments stay last, after the labels, as people write them.
      const { depends_on, lifecycle, ...rest } = body;
      const tail = { lifecycle, depends_on };
      const [outer, inner] = where.split(".") as [string, string | undefined];
      if (inner !== undefined) {
        // Labels kept inside a nested block (`settings { user_labels }`, `node_config { resource_labels }`).
        const nested = rest[outer] as HclNested | undefined;
        if (!nested) throw new Error(`${type}.${name} needs a ${outer} block for its labels`);
        return resource(type, name, { ...rest, [outer]: { nested: { ...nested.nested, [inner]: value } }, ...tail });
      }
      return resource(type, name, { ...rest, [where]: value, ...tail });
    },
  };
  return ctx;
}
