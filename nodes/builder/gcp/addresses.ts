import type { PlanSpec } from "../../../schemas/plan.js";
import { type HclExpr, interpolate, ref } from "../hcl.js";
import { shortHash, tfName } from "../labels.js";
import { type GcpContext, gcpName, nameWith, type Workload } from "./context.js";

type Bucket = PlanSpec["buckets"][number];
type Database = PlanSpec["databases"][number];
type Cache = PlanSpec["caches"][number];
type Queue = PlanSpec["queues"][number];

/**
 * Terraform addresses and cloud names of what the renderers create, in one place so a renderer
 * that refers to another's resource (IAM to a bucket, Pub/Sub to a Cloud Run service) cannot drift.
 */

/** The Artifact Registry repository of the workload images. */
export const REGISTRY = "google_artifact_registry_repository.app";

/** The service account of a workload or of a named helper (`pubsub_invoker`, `scheduler`, `gke_nodes`). */
export function serviceAccount(tf: string): string {
  return `google_service_account.${tf}`;
}

/** `google_cloud_run_v2_service.<id>` or `google_cloud_run_v2_job.<id>`. */
export function runAddress(workload: Workload): string {
  return `${workload.kind === "job" ? "google_cloud_run_v2_job" : "google_cloud_run_v2_service"}.${workload.tf}`;
}

/** A Cloud Run service or job name (services allow at most 49 characters). */
export function runName(ctx: GcpContext, workload: Workload): string {
  return nameWith(ctx, 49, workload.id);
}

export function bucketAddress(bucket: Bucket): string {
  return `google_storage_bucket.${tfName(bucket.id)}`;
}

/** Bucket names are global: prefix, id and a stable hash of the plan id. */
export function bucketName(ctx: GcpContext, bucket: Bucket): string {
  return `${gcpName(54, ctx.prefix, bucket.id)}-${shortHash(ctx.plan.plan_id)}`;
}

export function secretAddress(name: string): string {
  return `google_secret_manager_secret.${tfName(name)}`;
}

/** Secret Manager secrets the builder generates values for (database passwords, Redis AUTH strings). */
export function databasePasswordSecret(db: Database): string {
  return `google_secret_manager_secret.${tfName(db.id)}_password`;
}

export function cacheAuthSecret(cache: Cache): string {
  return `google_secret_manager_secret.${tfName(cache.id)}_auth`;
}

export function sqlAddress(db: Database): string {
  return `google_sql_database_instance.${tfName(db.id)}`;
}

export function sqlName(ctx: GcpContext, db: Database): string {
  return nameWith(ctx, 80, db.id);
}

export function redisAddress(cache: Cache): string {
  return `google_redis_instance.${tfName(cache.id)}`;
}

export function topicAddress(queue: Queue, deadLetter = false): string {
  return `google_pubsub_topic.${tfName(queue.id)}${deadLetter ? "_dead_letter" : ""}`;
}

export function subscriptionAddress(queue: Queue, deadLetter = false): string {
  return `google_pubsub_subscription.${tfName(queue.id)}${deadLetter ? "_dead_letter" : ""}`;
}

export function topicName(ctx: GcpContext, queue: Queue, deadLetter = false): string {
  return nameWith(ctx, 255, deadLetter ? `${queue.id}-dead-letter` : queue.id);
}

/** A queue's subscription: `<queue>-push` or `<queue>-pull` (see {@link pushTarget}), or the dead-letter topic's. */
export function subscriptionName(ctx: GcpContext, queue: Queue, deadLetter = false): string {
  return nameWith(ctx, 255, deadLetter ? `${queue.id}-dead-letter` : `${queue.id}-${pushTarget(ctx) ? "push" : "pull"}`);
}

/** A Google-managed service agent of this project as an IAM member (`service-<number>@<domain>`). */
export function serviceAgent(domain: string): HclExpr {
  return interpolate("serviceAccount:service-", ref("data.google_project.current.number"), `@${domain}`);
}

/** The Pub/Sub service agent's IAM member. */
/** The Pub/Sub service agent, which signs push requests and forwards messages to dead-letter topics. */
export const PUBSUB_AGENT = serviceAgent("gcp-sa-pubsub.iam.gserviceaccount.com");

/**
 * The Cloud Run service a queue's push subscription delivers to: the `worker` service when the
 * design has one, else the only service when no public load balancer fronts it; none (a pull
 * subscription the workload reads itself) otherwise.
 */
export function pushTarget(ctx: GcpContext): Workload | undefined {
  if (ctx.plan.queues.length === 0) return undefined;
  const services = ctx.workloads.filter((w) => w.kind === "service");
  const worker = services.find((w) => w.id === "worker");
  if (worker) return worker;
  return services.length === 1 && !ctx.hasPublicLb ? services[0] : undefined;
}

/** The Cloud Run service behind the public load balancer: the first service that is not the queue's push target. */
export function lbTarget(ctx: GcpContext): Workload | undefined {
  if (!ctx.hasPublicLb) return undefined;
  const push = pushTarget(ctx);
  return ctx.workloads.find((w) => w.kind === "service" && w !== push);
}
