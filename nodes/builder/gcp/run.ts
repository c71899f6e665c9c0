import { AtlasError } from "../../../lib/errors.js";
import { envKey } from "../config.js";
import { block, type HclBlock, type HclBody, type HclNested, type HclValue, interpolate, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { HEALTH_PATH } from "../sizing.js";
import {
  bucketAddress,
  cacheAuthSecret,
  databasePasswordSecret,
  lbTarget,
  pushTarget,
  redisAddress,
  runAddress,
  runName,
  secretAddress,
  serviceAccount,
  sqlAddress,
  subscriptionAddress,
  topicAddress,
} from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith, type Workload } from "./context.js";
import { DB_NAME, DB_USER } from "./data.js";
import { generatedSecretGrants } from "./iam.js";
import { NETWORK, SUBNET } from "./network.js";
import { cloudSchedulerCron } from "./schedule.js";

/** A plain environment variable. */
function env(name: string, value: HclValue): HclNested {
  return block({ name, value });
}

/** An environment variable Cloud Run resolves from the latest version of a Secret Manager secret at instance start. */
function secretEnv(name: string, secretAddressOf: string): HclNested {
  return block({ name, value_source: block({ secret_key_ref: block({ secret: ref(`${secretAddressOf}.secret_id`), version: "latest" }) }) });
}

/**
 * What the workload reads from its environment: where it runs, how to reach each database (private
 * IP, TLS required, password from Secret Manager) and cache (AUTH from Secret Manager, TLS with the
 * instance's CA), its buckets, topics and subscriptions, and the ids of the plan's secrets, which it
 * reads through the API with its own service account. Sorted by name. (`PORT` is set by Cloud Run.)
 */
export function workloadEnv(ctx: GcpContext): HclNested[] {
  const { plan } = ctx;
  const vars: [string, HclNested][] = [
    ["APP_ENV", env("APP_ENV", plan.environment)],
    ["GOOGLE_CLOUD_PROJECT", env("GOOGLE_CLOUD_PROJECT", ref("var.project_id"))],
    ["LOG_LEVEL", env("LOG_LEVEL", ctx.prod ? "info" : "debug")],
  ];
  const add = (name: string, value: HclValue) => vars.push([name, env(name, value)]);
  for (const db of plan.databases) {
    const key = envKey(db.id);
    add(`DB_${key}_HOST`, ref(`${sqlAddress(db)}.private_ip_address`));
    add(`DB_${key}_PORT`, db.engine === "postgres" ? "5432" : "3306");
    add(`DB_${key}_NAME`, DB_NAME);
    add(`DB_${key}_USER`, DB_USER);
    add(`DB_${key}_TLS`, "required");
    vars.push([`DB_${key}_PASSWORD`, secretEnv(`DB_${key}_PASSWORD`, databasePasswordSecret(db))]);
  }
  for (const cache of plan.caches) {
    const key = envKey(cache.id);
    add(`REDIS_${key}_HOST`, ref(`${redisAddress(cache)}.host`));
    add(`REDIS_${key}_PORT`, ref(`tostring(${redisAddress(cache)}.port)`));
    add(`REDIS_${key}_TLS`, "true");
    add(`REDIS_${key}_CA_CERT`, ref(`${redisAddress(cache)}.server_ca_certs[0].cert`));
    vars.push([`REDIS_${key}_AUTH`, secretEnv(`REDIS_${key}_AUTH`, cacheAuthSecret(cache))]);
  }
  for (const bucket of plan.buckets) add(`BUCKET_${envKey(bucket.id)}_NAME`, ref(`${bucketAddress(bucket)}.name`));
  for (const queue of plan.queues) {
    add(`PUBSUB_${envKey(queue.id)}_TOPIC`, ref(`${topicAddress(queue)}.id`));
    add(`PUBSUB_${envKey(queue.id)}_SUBSCRIPTION`, ref(`${subscriptionAddress(queue)}.id`));
  }
  for (const secret of plan.security.secrets) add(`SECRET_${envKey(secret.name)}_ID`, ref(`${secretAddress(secret.name)}.id`));
  return vars.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/**
 * Memory Cloud Run allows per vCPU count, in MiB, when CPU is always allocated
 * (https://cloud.google.com/run/docs/configuring/services/cpu: whole vCPUs only above 1; below 1
 * vCPU Cloud Run requires request-based billing and a concurrency of 1, which is not what the plan
 * was priced for).
 */
export const CLOUD_RUN_MEMORY_MIB: Readonly<Record<number, { min: number; max: number }>> = {
  1: { min: 512, max: 4096 },
  2: { min: 512, max: 8192 },
  4: { min: 2048, max: 16384 },
  6: { min: 4096, max: 24576 },
  8: { min: 4096, max: 32768 },
};

/**
 * Cloud Run's CPU and memory limits: `"2"` vCPU, `"4096Mi"`.
 * @throws AtlasError `VALIDATION_FAILED` for a vCPU count or memory Cloud Run does not accept with CPU always allocated
 */
export function cloudRunLimits(compute: GcpContext["plan"]["compute"]): Record<string, string> {
  const range = CLOUD_RUN_MEMORY_MIB[compute.cpu];
  if (!range) {
    throw new AtlasError("VALIDATION_FAILED", `Cloud Run cannot run ${compute.cpu} vCPU with CPU always allocated`, {
      issues: [{ path: "compute.cpu", message: `use ${Object.keys(CLOUD_RUN_MEMORY_MIB).join(", ")} vCPU` }],
    });
  }
  if (compute.memory_mb < range.min || compute.memory_mb > range.max) {
    throw new AtlasError("VALIDATION_FAILED", `Cloud Run allows ${range.min}-${range.max} MiB with ${compute.cpu} vCPU, not ${compute.memory_mb}`, {
      issues: [{ path: "compute.memory_mb", message: `use ${range.min} to ${range.max} MiB for ${compute.cpu} vCPU` }],
    });
  }
  return { cpu: String(compute.cpu), memory: `${compute.memory_mb}Mi` };
}

function limits(ctx: GcpContext): Record<string, string> {
  return cloudRunLimits(ctx.plan.compute);
}

/** Direct VPC egress into the workload subnet for private ranges only (Cloud SQL, Memorystore); internet traffic leaves directly. */
function vpcAccess(ctx: GcpContext): HclNested | undefined {
  if (!ctx.hasNetwork) return undefined;
  return block({ egress: "PRIVATE_RANGES_ONLY", network_interfaces: block({ network: ref(`${NETWORK}.id`), subnetwork: ref(`${SUBNET}.id`) }) });
}

/** What the workload waits for: the APIs, and its access to the secrets Cloud Run resolves at start. */
function dependsOn(ctx: GcpContext, workload: Workload): HclValue[] {
  return [ref(APIS), ...generatedSecretGrants(ctx, workload.tf).map((address) => ref(address))];
}

/**
 * A Cloud Run service: its own service account; ingress from the load balancer only when it is the
 * public entry, internal otherwise (Pub/Sub pushes and VPC callers); instances from `min_replicas`
 * to `max_replicas`; CPU always allocated (`cpu_idle = false`: instance-based billing, which is
 * what the plan was priced for); a TCP startup probe and an HTTP liveness probe on `/healthz`;
 * deletion protection in prod.
 */
function service(ctx: GcpContext, workload: Workload): HclBlock[] {
  const { plan } = ctx;
  const behindLb = lbTarget(ctx) === workload;
  const port = plan.compute.container_port;
  const container: HclBody = {
    image: plan.compute.image,
    ports: block({ container_port: port }),
    resources: block({ limits: limits(ctx), cpu_idle: false, startup_cpu_boost: true }),
    env: workloadEnv(ctx),
    startup_probe: block({ tcp_socket: block({ port }), period_seconds: 5, timeout_seconds: 3, failure_threshold: 24 }),
    liveness_probe: block({ http_get: block({ path: HEALTH_PATH, port }), period_seconds: 15, timeout_seconds: 5, failure_threshold: 3 }),
  };
  const blocks: HclBlock[] = [
    ctx.resource("google_cloud_run_v2_service", workload.tf, workload.id, {
      name: runName(ctx, workload),
      location: plan.region,
      ingress: behindLb ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_INTERNAL_ONLY",
      deletion_protection: ctx.prod,
      template: block({
        service_account: ref(`${serviceAccount(workload.tf)}.email`),
        execution_environment: "EXECUTION_ENVIRONMENT_GEN2",
        max_instance_request_concurrency: 80,
        scaling: block({
          min_instance_count: plan.compute.min_replicas,
          max_instance_count: Math.max(plan.compute.max_replicas, plan.compute.min_replicas, 1),
        }),
        vpc_access: vpcAccess(ctx),
        containers: block(container),
      }),
      depends_on: dependsOn(ctx, workload),
    }),
  ];
  if (behindLb) {
    // The load balancer's users are anonymous; ingress admits only the load balancer, where Cloud Armor (when planned) filters first.
    blocks.push(
      ctx.resource("google_cloud_run_v2_service_iam_member", `${workload.tf}_public_invoker`, workload.id, {
        location: ref(`${runAddress(workload)}.location`),
        name: ref(`${runAddress(workload)}.name`),
        role: "roles/run.invoker",
        member: "allUsers",
      }),
    );
  }
  return blocks;
}

/**
 * A Cloud Run job for the plan's schedule: `tasks_per_run` tasks in parallel, each allowed the
 * run's minutes, one retry; and the Cloud Scheduler job that starts it through the Cloud Run
 * Admin API (`jobs.run`), cron converted from the EventBridge expression, UTC, authenticated with
 * an OAuth token of a scheduler service account that may run this job only.
 */
function job(ctx: GcpContext, workload: Workload): HclBlock[] {
  const { plan } = ctx;
  const schedule = plan.compute.schedule;
  if (!schedule) return [];
  const scheduler = ctx.component(["cloud-scheduler"]);
  return [
    ctx.resource("google_cloud_run_v2_job", workload.tf, workload.id, {
      name: runName(ctx, workload),
      location: plan.region,
      deletion_protection: ctx.prod,
      template: block({
        task_count: schedule.tasks_per_run,
        parallelism: schedule.tasks_per_run,
        template: block({
          service_account: ref(`${serviceAccount(workload.tf)}.email`),
          timeout: `${schedule.run_minutes * 60}s`,
          max_retries: 1,
          execution_environment: "EXECUTION_ENVIRONMENT_GEN2",
          vpc_access: vpcAccess(ctx),
          containers: block({ image: plan.compute.image, resources: block({ limits: limits(ctx) }), env: workloadEnv(ctx) }),
        }),
      }),
      depends_on: dependsOn(ctx, workload),
    }),
    ctx.resource("google_service_account", "scheduler", scheduler, {
      account_id: nameWith(ctx, 30, "scheduler"),
      display_name: `${plan.goal_name} ${plan.environment} scheduler`,
      description: `Starts Cloud Run job ${workload.id} on schedule; may run that job only`,
    }),
    ctx.resource("google_cloud_run_v2_job_iam_member", "scheduler_invoker", scheduler, {
      location: ref(`${runAddress(workload)}.location`),
      name: ref(`${runAddress(workload)}.name`),
      role: "roles/run.invoker",
      member: interpolate("serviceAccount:", ref(`${serviceAccount("scheduler")}.email`)),
    }),
    ctx.resource("google_cloud_scheduler_job", tfName(workload.id), scheduler, {
      name: nameWith(ctx, 63, `${workload.id}-schedule`),
      description: `${schedule.expression} (EventBridge, UTC) as unix-cron`,
      region: plan.region,
      schedule: cloudSchedulerCron(schedule.expression),
      time_zone: "Etc/UTC",
      attempt_deadline: "180s",
      retry_config: block({ retry_count: 1 }),
      http_target: block({
        http_method: "POST",
        uri: interpolate(
          "https://run.googleapis.com/v2/projects/",
          ref("var.project_id"),
          `/locations/${plan.region}/jobs/`,
          ref(`${runAddress(workload)}.name`),
          ":run",
        ),
        oauth_token: block({ service_account_email: ref(`${serviceAccount("scheduler")}.email`), scope: "https://www.googleapis.com/auth/cloud-platform" }),
      }),
      depends_on: [ref(APIS), ref("google_cloud_run_v2_job_iam_member.scheduler_invoker")],
    }),
  ];
}

/** run.tf: the plan's Cloud Run services and jobs (nothing when the design runs on GKE or serves only static files). */
export function renderRun(ctx: GcpContext): GcpSection[] {
  const runs = ctx.workloads.filter((w) => w.kind !== "gke");
  if (runs.length === 0) return [];
  const blocks = runs.flatMap((w) => (w.kind === "job" ? job(ctx, w) : service(ctx, w)));
  const outputs = runs.map((w) =>
    w.kind === "job"
      ? output(`${w.tf}_job_name`, `Cloud Run job ${w.id} (gcloud run jobs execute <this>)`, ref(`${runAddress(w)}.name`))
      : output(`${w.tf}_url`, `Cloud Run service ${w.id} (${pushTarget(ctx) === w ? "Pub/Sub push target" : "internal URL"})`, ref(`${runAddress(w)}.uri`)),
  );
  return [
    { file: "run.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
