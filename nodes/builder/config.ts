import type { BuildContext } from "./context.js";
import type { DeliveryEnvironment } from "./environments.js";
import { awsName, shortHash } from "./labels.js";

/** Name of an S3 bucket: prefix, id and a stable hash of the plan id, since bucket names are global. */
export function bucketName(ctx: BuildContext, id: string): string {
  return `${awsName(54, ctx.prefix, id)}-${shortHash(ctx.plan.plan_id)}`;
}

/** Name of an SQS queue (FIFO queues must end in `.fifo`). */
export function queueName(ctx: BuildContext, id: string, fifo: boolean, dlq = false): string {
  const base = awsName(70, ctx.prefix, id, ...(dlq ? ["dlq"] : []));
  return fifo ? `${base}.fifo` : base;
}

/** Name of a Secrets Manager secret. */
export function secretName(ctx: BuildContext, name: string): string {
  return `${ctx.prefix}/${awsName(200, name)}`;
}

/** `orders-db` → `ORDERS_DB`, for environment variable names. */
export function envKey(id: string): string {
  return id
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/**
 * Non-secret settings the service reads from its environment: where it runs and the names
 * of the resources built for it. Values known only after `terraform apply` (endpoints) are
 * not here; the ECS task gets them from Terraform, an EKS pod through the ExternalSecret from the
 * `<goal>-<env>/runtime-endpoints` secret Terraform writes (terraform/eks.ts).
 * Secrets are passed by name: the service fetches them with its own role (on EKS they also
 * arrive as environment variables through the ExternalSecret). `environment` defaults to the
 * plan's; the overlays of the other environments get their names.
 */
export function appConfig(base: BuildContext, environment: DeliveryEnvironment = base.plan.environment): Record<string, string> {
  const { plan } = base;
  // Resource names follow the prefix of the environment's own Terraform: `<goal>-<env>`.
  const ctx: BuildContext = { ...base, prefix: awsName(63, plan.goal_name, environment) };
  const config: Record<string, string> = {
    APP_ENV: environment,
    AWS_REGION: plan.region,
    LOG_LEVEL: environment === "prod" ? "info" : "debug",
    PORT: String(plan.compute.container_port),
  };
  for (const bucket of plan.buckets) config[`BUCKET_${envKey(bucket.id)}_NAME`] = bucketName(ctx, bucket.id);
  for (const queue of plan.queues) config[`QUEUE_${envKey(queue.id)}_NAME`] = queueName(ctx, queue.id, queue.fifo);
  for (const secret of plan.security.secrets) config[`SECRET_${envKey(secret.name)}_ID`] = secretName(ctx, secret.name);
  return Object.fromEntries(
    Object.keys(config)
      .sort()
      .map((key) => [key, config[key] as string]),
  );
}
