import { envKey } from "../config.js";
import { kubernetesSchedule } from "../cron.js";
import { block, type HclBlock, type HclBody, type HclNested, type HclValue, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { HEALTH_PATH } from "../sizing.js";
import { type AzureContext, PLACEMENT } from "./context.js";
import { cacheAddress, databaseName, serverAddress } from "./data.js";
import { grantsOf, identityAddress, identityOfApp, type WorkloadIdentity } from "./identity.js";
import { frontDoorFrontsWorkload } from "./network.js";
import { vaultSecretId } from "./security.js";
import { type AzureSection, REGISTRY, subnetId, WORKSPACE } from "./shared.js";
import { storageAddress } from "./storage.js";

/** Container Apps' consumption workload profile: billed per use, scales to zero. */
export const CONSUMPTION = "Consumption";

/**
 * Concurrent requests per replica before the HTTP rule adds one. The plan has no figure for it;
 * 50 is a starting point to tune from load tests (the platform default is 10).
 */
export const HTTP_CONCURRENCY = 50;

/** Messages waiting per replica before the Service Bus rule adds one (a starting point, as above). */
export const MESSAGES_PER_REPLICA = 5;

/** What a container app component runs as: an HTTP service, a queue worker or a scheduled job. */
export type AppRole = "service" | "worker" | "job";

/**
 * The role of a container app component: the scheduled job when the plan has a schedule (the
 * component `jobs`, or the only app), the queue worker (the component `worker`, or any app of a
 * design with queues and no ingress), else an HTTP service.
 */
export function appRole(ctx: AzureContext, id: string): AppRole {
  const apps = ctx.components("azure-container-app");
  if (ctx.plan.compute.schedule && (id === "jobs" || apps.length === 1)) return "job";
  if (id === "worker" || (ctx.plan.queues.length > 0 && ctx.plan.network.ingress.type === "none")) return "worker";
  return "service";
}

/** The job's cron: the plan's EventBridge expression (UTC) as five fields, e.g. `cron(0 2 * * ? *)` → `0 2 * * *`. */
export function jobCron(ctx: AzureContext): string | undefined {
  const schedule = ctx.plan.compute.schedule;
  return schedule ? kubernetesSchedule(schedule.expression) : undefined;
}

/** `1.5Gi` from 1536 MB: Container Apps takes memory in Gi with the CPU at a fixed ratio (the plan sizes it so). */
export function memoryGi(memoryMb: number): string {
  return `${Number((memoryMb / 1024).toFixed(2))}Gi`;
}

/** Secrets the app reads, each a Key Vault reference resolved with the app's identity (values never in files). */
function secretNames(ctx: AzureContext): { secret: string; env: string }[] {
  if (!ctx.has("azure-key-vault")) return [];
  return ctx.plan.security.secrets.map((s) => ({ secret: awsName(60, s.name), env: envKey(s.name) }));
}

/** Non-secret settings: who the app signs in as, where its data lives; names as the AWS builder's (`<ID>_HOST`). */
function environment(ctx: AzureContext, identity: WorkloadIdentity): [string, HclValue][] {
  const { plan } = ctx;
  const env: [string, HclValue][] = [
    ["AZURE_CLIENT_ID", ref(`${identityAddress(identity)}.client_id`)],
    ["PORT", String(plan.compute.container_port)],
  ];
  for (const db of plan.databases) {
    const key = envKey(db.id);
    env.push(
      [`DB_${key}_HOST`, ref(`${serverAddress(db)}.fqdn`)],
      [`DB_${key}_PORT`, db.engine === "mysql" ? "3306" : "5432"],
      [`DB_${key}_NAME`, databaseName(db)],
      [`DB_${key}_SSLMODE`, "require"],
    );
    // PostgreSQL signs in with Entra ID as the identity itself (the token is the password).
    if (db.engine === "postgres") env.push([`DB_${key}_USER`, ref(`${identityAddress(identity)}.name`)]);
  }
  for (const cache of plan.caches) {
    const key = envKey(cache.id);
    env.push([`REDIS_${key}_HOST`, ref(`${cacheAddress(cache)}.hostname`)], [`REDIS_${key}_PORT`, "6380"], [`REDIS_${key}_TLS`, "true"]);
  }
  if (plan.queues.length > 0) env.push(["SERVICEBUS_FQDN", ref('"${azurerm_servicebus_namespace.main.name}.servicebus.windows.net"')]);
  for (const queue of plan.queues) env.push([`QUEUE_${envKey(queue.id)}_NAME`, ref(`azurerm_servicebus_queue.${tfName(queue.id)}.name`)]);
  for (const bucket of plan.buckets.filter((b) => !b.public_website)) {
    env.push([`STORAGE_${envKey(bucket.id)}_BLOB_ENDPOINT`, ref(`${storageAddress(bucket)}.primary_blob_endpoint`)]);
  }
  // The app rejects requests without Front Door's id in X-Azure-FDID: its ingress is reachable only through Front Door.
  if (frontDoorFrontsWorkload(ctx)) env.push(["FRONT_DOOR_ID", ref("azurerm_cdn_frontdoor_profile.main.resource_guid")]);
  return env;
}

function container(ctx: AzureContext, identity: WorkloadIdentity, role: AppRole): HclNested {
  const { compute } = ctx.plan;
  const env: HclNested[] = [
    ...environment(ctx, identity).map(([name, value]) => block({ name, value })),
    ...secretNames(ctx).map(({ secret, env: name }) => block({ name, secret_name: secret })),
  ];
  const probe = (kind: string) =>
    block({ transport: "HTTP", port: compute.container_port, path: HEALTH_PATH, ...(kind === "readiness" ? {} : { initial_delay: 10 }) });
  return block({
    name: awsName(32, ctx.plan.goal_name),
    image: compute.image,
    cpu: compute.cpu,
    memory: memoryGi(compute.memory_mb),
    env: env.length > 0 ? env : undefined,
    liveness_probe: role === "service" ? probe("liveness") : undefined,
    readiness_probe: role === "service" ? probe("readiness") : undefined,
  });
}

/** Identity, registry and secret settings every app and job shares. */
function platformSettings(ctx: AzureContext, identity: WorkloadIdentity): HclBody {
  const identityId = ref(`${identityAddress(identity)}.id`);
  const secrets = secretNames(ctx).map(({ secret }) => block({ name: secret, identity: identityId, key_vault_secret_id: vaultSecretId(secret) }));
  return {
    identity: block({ type: "UserAssigned", identity_ids: [identityId] }),
    registry: ctx.has("azure-container-registry") ? block({ server: ref(`${REGISTRY}.login_server`), identity: identityId }) : undefined,
    secret: secrets.length > 0 ? secrets : undefined,
  };
}

function scaleRules(ctx: AzureContext, identity: WorkloadIdentity, role: AppRole): HclBody {
  if (role === "worker") {
    return {
      custom_scale_rule: ctx.plan.queues.map((queue) =>
        block({
          name: `servicebus-${awsName(40, queue.id)}`,
          custom_rule_type: "azure-servicebus",
          metadata: {
            namespace: ref("azurerm_servicebus_namespace.main.name"),
            queueName: ref(`azurerm_servicebus_queue.${tfName(queue.id)}.name`),
            messageCount: String(MESSAGES_PER_REPLICA),
          },
          identity_id: ref(`${identityAddress(identity)}.id`),
        }),
      ),
    };
  }
  return {
    http_scale_rule: block({ name: "http-concurrency", concurrent_requests: String(HTTP_CONCURRENCY) }),
    custom_scale_rule: block({ name: "cpu", custom_rule_type: "cpu", metadata: { type: "Utilization", value: String(ctx.plan.compute.target_cpu_percent) } }),
  };
}

/** A long-running container app: an HTTP service (ingress HTTPS only) or a queue worker (no ingress). */
function containerApp(ctx: AzureContext, id: string, identity: WorkloadIdentity, role: AppRole): HclBlock {
  const { compute, network } = ctx.plan;
  const ingress =
    role === "service" && network.ingress.type !== "none"
      ? block({
          external_enabled: true,
          target_port: compute.container_port,
          transport: "auto",
          allow_insecure_connections: false,
          traffic_weight: block({ latest_revision: true, percentage: 100 }),
        })
      : undefined;
  const grants = grantsOf(ctx, identity);
  return ctx.resource("azurerm_container_app", tfName(id), ctx.component(["azure-container-app"], { id }), {
    name: awsName(32, `ca-${ctx.prefix}-${id}`),
    container_app_environment_id: ref("azurerm_container_app_environment.main.id"),
    resource_group_name: PLACEMENT.resource_group_name,
    revision_mode: "Single",
    workload_profile_name: CONSUMPTION,
    ...platformSettings(ctx, identity),
    ingress,
    template: block({
      min_replicas: compute.min_replicas,
      max_replicas: Math.max(compute.max_replicas, compute.min_replicas, 1),
      container: container(ctx, identity, role),
      ...scaleRules(ctx, identity, role),
    }),
    depends_on: grants.length > 0 ? grants : undefined,
  });
}

/** A scheduled Container Apps job: the plan's schedule as cron (UTC), `tasks_per_run` replicas per run, `run_minutes` at most. */
function containerAppJob(ctx: AzureContext, id: string, identity: WorkloadIdentity): HclBlock {
  const schedule = ctx.plan.compute.schedule;
  const tasks = schedule?.tasks_per_run ?? 1;
  const grants = grantsOf(ctx, identity);
  return ctx.resource("azurerm_container_app_job", tfName(id), ctx.component(["azure-container-app"], { id }), {
    name: awsName(32, `caj-${ctx.prefix}-${id}`),
    ...PLACEMENT,
    container_app_environment_id: ref("azurerm_container_app_environment.main.id"),
    workload_profile_name: CONSUMPTION,
    replica_timeout_in_seconds: (schedule?.run_minutes ?? 30) * 60,
    replica_retry_limit: 1,
    ...platformSettings(ctx, identity),
    schedule_trigger_config: block({ cron_expression: jobCron(ctx) ?? "", parallelism: tasks, replica_completion_count: tasks }),
    template: block({ container: container(ctx, identity, "job") }),
    depends_on: grants.length > 0 ? grants : undefined,
  });
}

/**
 * compute.tf (Container Apps): the environment in the workload subnet (consumption profile, logs to
 * the workspace, internal load balancer unless the plan's ingress is public, zone redundant in prod
 * across several zones), then each app or job with its own identity.
 */
export function renderContainerApps(ctx: AzureContext): AzureSection[] {
  if (ctx.platform !== "container-apps") return [];
  const { network } = ctx.plan;
  const envOwner = ctx.component(["azure-container-apps-env"]);
  const blocks: HclBlock[] = [
    ctx.resource("azurerm_container_app_environment", "main", envOwner, {
      name: `cae-${ctx.prefix}`,
      ...PLACEMENT,
      log_analytics_workspace_id: ref(`${WORKSPACE}.id`),
      infrastructure_subnet_id: subnetId("workload"),
      infrastructure_resource_group_name: `rg-${ctx.prefix}-cae-infra`,
      internal_load_balancer_enabled: !(network.ingress.public && network.ingress.type !== "none"),
      zone_redundancy_enabled: ctx.prod && network.availability_zones.length > 1,
      workload_profile: block({ name: CONSUMPTION, workload_profile_type: CONSUMPTION }),
    }),
  ];
  for (const app of ctx.components("azure-container-app")) {
    const identity = identityOfApp(ctx, app.id);
    if (!identity) continue;
    const role = appRole(ctx, app.id);
    blocks.push(role === "job" ? containerAppJob(ctx, app.id, identity) : containerApp(ctx, app.id, identity, role));
  }
  const notes =
    ctx.plan.security.secrets.length > 0 && !ctx.has("azure-key-vault")
      ? [`secrets ${ctx.plan.security.secrets.map((s) => s.name).join(", ")} are not wired into the apps: the design has no Key Vault to hold them.`]
      : [];
  return [{ file: "compute.tf", blocks, notes }];
}
