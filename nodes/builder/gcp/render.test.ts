import { describe, expect, it } from "vitest";
import type { TerraformResource } from "../../../iac/types.js";
import { AtlasError } from "../../../lib/errors.js";
import { validateIac } from "../../../policies/engine.js";
import type { PlanSpec } from "../../../schemas/plan.js";
import {
  gcpDataPipelineProdPlan,
  gcpInternalGkeDevPlan,
  gcpStaticSiteDevPlan,
  gcpWebApiProdPlan,
  gcpWorkerStagingPlan,
} from "../../../test/fixtures/plans/gcp.js";
import { addressPlan, subnet } from "./cidr.js";
import { gcpLabelValue, gcpName } from "./context.js";
import { databaseVersion, redisShape } from "./data.js";
import { makeGcpContext, renderGcp } from "./index.js";
import { metricFor } from "./monitoring.js";
import { HEALTH_CHECK_RANGES } from "./network.js";
import { ackDeadline, maxDeliveryAttempts } from "./pubsub.js";
import { cloudRunLimits } from "./run.js";
import { cloudSchedulerCron } from "./schedule.js";

/** The plan's Terraform as the repository's parser reads it. */
async function parsed(plan: PlanSpec): Promise<TerraformResource[]> {
  return (await validateIac(renderGcp(plan))).resources;
}

/** One resource by type and block name. */
function find(resources: TerraformResource[], type: string, name: string): TerraformResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type}.${name} among ${resources.map((r) => r.address).join(", ")}`);
  return found;
}

/** Follows attribute names through nested blocks (which parse as lists of one object each). */
function dig(value: unknown, ...path: string[]): unknown {
  let current = Array.isArray(value) && value.length === 1 ? value[0] : value;
  for (const key of path) {
    current = (current as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(current) && current.length === 1 && typeof current[0] === "object") current = current[0];
  }
  return current;
}

/** A copy of a plan with some fields replaced (the fixtures are shared). */
function variant(plan: PlanSpec, change: (copy: PlanSpec) => void): PlanSpec {
  const copy = structuredClone(plan);
  change(copy);
  return copy;
}

function validationError(run: () => unknown): AtlasError {
  try {
    run();
  } catch (error) {
    if (error instanceof AtlasError) return error;
    throw error;
  }
  throw new Error("expected an AtlasError");
}

describe("web API (prod): Cloud Run behind the HTTPS load balancer, HA Cloud SQL, Memorystore, Cloud Armor", async () => {
  const plan = gcpWebApiProdPlan;
  const resources = await parsed(plan);
  const db = plan.databases[0] as PlanSpec["databases"][number];

  it("makes Cloud SQL regional, private, TLS-only, at the plan's tier and size, with PITR and the plan's backup count", () => {
    const sql = find(resources, "google_sql_database_instance", "db").attributes;
    expect(dig(sql, "database_version")).toBe(`POSTGRES_${db.engine_version}`);
    expect(dig(sql, "settings", "tier")).toBe(db.instance_class);
    expect(dig(sql, "settings", "availability_type")).toBe(db.multi_az ? "REGIONAL" : "ZONAL");
    expect(dig(sql, "settings", "disk_size")).toBe(db.storage_gb);
    expect(dig(sql, "settings", "disk_autoresize_limit")).toBe(db.max_storage_gb);
    expect(dig(sql, "settings", "ip_configuration", "ipv4_enabled")).toBe(false);
    expect(dig(sql, "settings", "ip_configuration", "ssl_mode")).toBe("ENCRYPTED_ONLY");
    expect(dig(sql, "settings", "backup_configuration", "enabled")).toBe(true);
    expect(dig(sql, "settings", "backup_configuration", "point_in_time_recovery_enabled")).toBe(db.point_in_time_recovery);
    expect(dig(sql, "settings", "backup_configuration", "backup_retention_settings", "retained_backups")).toBe(db.backup_retention_days);
    expect(dig(sql, "deletion_protection")).toBe(db.deletion_protection);
  });

  it("runs the service with the plan's instance bounds, CPU always allocated, reachable only through the load balancer", () => {
    const run = find(resources, "google_cloud_run_v2_service", "app").attributes;
    expect(dig(run, "ingress")).toBe("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
    expect(dig(run, "template", "scaling", "min_instance_count")).toBe(plan.compute.min_replicas);
    expect(dig(run, "template", "scaling", "max_instance_count")).toBe(plan.compute.max_replicas);
    expect(dig(run, "template", "containers", "resources", "cpu_idle")).toBe(false);
    expect(dig(run, "template", "containers", "resources", "limits")).toEqual({ cpu: String(plan.compute.cpu), memory: `${plan.compute.memory_mb}Mi` });
    expect(dig(run, "template", "containers", "image")).toBe(plan.compute.image);
    expect(dig(run, "template", "vpc_access", "egress")).toBe("PRIVATE_RANGES_ONLY");
    expect(dig(run, "template", "service_account")).toBe("${google_service_account.app.email}");
    expect(dig(run, "deletion_protection")).toBe(true);
  });

  it("hands the database password to the service from Secret Manager, never as a literal", () => {
    const run = find(resources, "google_cloud_run_v2_service", "app").attributes;
    const env = dig(run, "template", "containers", "env") as { name: string; value?: unknown; value_source?: unknown }[];
    const password = env.find((e) => e.name === "DB_DB_PASSWORD");
    expect(password?.value).toBeUndefined();
    expect(dig(password?.value_source, "secret_key_ref", "secret")).toBe("${google_secret_manager_secret.db_password.secret_id}");
  });

  it("sizes Memorystore from node_type and requires AUTH and TLS", () => {
    const [tier, gb] = (plan.caches[0]?.node_type ?? "").split(":");
    const redis = find(resources, "google_redis_instance", "cache").attributes;
    expect(redis.tier).toBe(tier);
    expect(redis.memory_size_gb).toBe(Number(gb));
    expect(redis.auth_enabled).toBe(true);
    expect(redis.transit_encryption_mode).toBe("SERVER_AUTHENTICATION");
    expect(redis.connect_mode).toBe("PRIVATE_SERVICE_ACCESS");
  });

  it("puts Cloud Armor and a TLS 1.2+ policy on the load balancer, and redirects HTTP to HTTPS", () => {
    expect(dig(find(resources, "google_compute_backend_service", "app").attributes, "security_policy")).toBe("${google_compute_security_policy.armor.id}");
    const armor = find(resources, "google_compute_security_policy", "armor").attributes;
    const rules = armor.rule as { action: string; match: unknown }[];
    expect(rules.some((r) => r.action === "deny(403)" && JSON.stringify(r.match).includes("sqli"))).toBe(true);
    expect(dig(find(resources, "google_compute_ssl_policy", "lb").attributes, "min_tls_version")).toBe("TLS_1_2");
    expect(dig(find(resources, "google_compute_target_https_proxy", "lb").attributes, "ssl_policy")).toBe("${google_compute_ssl_policy.lb.id}");
    expect(dig(find(resources, "google_compute_url_map", "http_redirect").attributes, "default_url_redirect", "https_redirect")).toBe(true);
  });

  it("grants Cloud SQL client only on the plan's instance, through an IAM condition", () => {
    const grant = find(resources, "google_project_iam_member", "app_cloudsql_client_db").attributes;
    expect(grant.role).toBe("roles/cloudsql.client");
    expect(String(dig(grant, "condition", "expression"))).toContain("google_sql_database_instance.db.name");
  });

  it("alerts on this service's metrics, error rates as Google's 0-1 ratios of 5xx to all requests", () => {
    const alert = plan.observability.alerts.find((a) => a.name === "error-rate") as PlanSpec["observability"]["alerts"][number];
    const condition = dig(find(resources, "google_monitoring_alert_policy", "error_rate").attributes, "conditions", "condition_threshold");
    expect(dig(condition, "threshold_value")).toBeCloseTo(alert.threshold / 100, 10);
    expect(dig(condition, "comparison")).toBe("COMPARISON_GE");
    expect(String(dig(condition, "filter"))).toContain('response_code_class="5xx"');
    expect(String(dig(condition, "denominator_filter"))).toContain("run.googleapis.com/request_count");
    const ctx = makeGcpContext(plan);
    const cpu = metricFor(ctx, "db_cpu_percent");
    expect(cpu?.scale).toBe(0.01);
    expect(JSON.stringify(cpu?.filter)).toContain("cloudsql.googleapis.com/database/cpu/utilization");
    expect(JSON.stringify(cpu?.filter)).toContain("google_sql_database_instance.db.name");
  });

  it("creates no Cloud NAT when the plan has no NAT gateway", () => {
    expect(plan.network.nat_gateways).toBe(0);
    expect(resources.some((r) => r.type === "google_compute_router_nat")).toBe(false);
  });
});

describe("worker (staging): Pub/Sub push to a private Cloud Run worker", async () => {
  const plan = gcpWorkerStagingPlan;
  const queue = plan.queues[0] as PlanSpec["queues"][number];
  const resources = await parsed(plan);

  it("takes the ack deadline and dead-letter attempts from the plan's queue", () => {
    const subscription = find(resources, "google_pubsub_subscription", "queue").attributes;
    expect(subscription.ack_deadline_seconds).toBe(queue.visibility_timeout_s);
    expect(dig(subscription, "dead_letter_policy", "max_delivery_attempts")).toBe(queue.max_receive_count);
    expect(dig(subscription, "dead_letter_policy", "dead_letter_topic")).toBe("${google_pubsub_topic.queue_dead_letter.id}");
    expect(find(resources, "google_pubsub_subscription", "queue_dead_letter").attributes.topic).toBe("${google_pubsub_topic.queue_dead_letter.id}");
  });

  it("pushes with an OIDC token of a dedicated invoker that may invoke the worker only", () => {
    const push = dig(find(resources, "google_pubsub_subscription", "queue").attributes, "push_config");
    expect(dig(push, "push_endpoint")).toBe("${google_cloud_run_v2_service.worker.uri}");
    expect(dig(push, "oidc_token", "service_account_email")).toBe("${google_service_account.pubsub_invoker.email}");
    const invoker = find(resources, "google_cloud_run_v2_service_iam_member", "pubsub_invoker").attributes;
    expect(invoker.role).toBe("roles/run.invoker");
    expect(invoker.name).toBe("${google_cloud_run_v2_service.worker.name}");
  });

  it("keeps the worker internal, with no load balancer, and adds Cloud NAT as the plan asks", () => {
    expect(find(resources, "google_cloud_run_v2_service", "worker").attributes.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_ONLY");
    expect(resources.some((r) => r.type.startsWith("google_compute_global_forwarding_rule"))).toBe(false);
    expect(plan.network.nat_gateways).toBe(1);
    expect(resources.filter((r) => r.type === "google_compute_router_nat")).toHaveLength(1);
  });

  it("lets the Pub/Sub service agent dead-letter: publish to the dead-letter topic, acknowledge on the subscription", () => {
    expect(find(resources, "google_pubsub_topic_iam_member", "queue_dead_letter_publisher").attributes.role).toBe("roles/pubsub.publisher");
    expect(find(resources, "google_pubsub_subscription_iam_member", "queue_dead_letter_subscriber").attributes.role).toBe("roles/pubsub.subscriber");
  });
});

describe("data pipeline (prod): a Cloud Run job started by Cloud Scheduler, MySQL", async () => {
  const plan = gcpDataPipelineProdPlan;
  const schedule = plan.compute.schedule as NonNullable<PlanSpec["compute"]["schedule"]>;
  const resources = await parsed(plan);

  it("converts the EventBridge cron to unix-cron in UTC", () => {
    // cron(30 2 ? * MON-FRI *): 02:30 on weekdays. unix-cron numbers days 0-6 from Sunday, so MON-FRI is 1-5.
    expect(schedule.expression).toBe("cron(30 2 ? * MON-FRI *)");
    const job = find(resources, "google_cloud_scheduler_job", "jobs").attributes;
    expect(job.schedule).toBe("30 2 * * 1-5");
    expect(job.time_zone).toBe("Etc/UTC");
    expect(dig(job, "http_target", "oauth_token", "service_account_email")).toBe("${google_service_account.scheduler.email}");
    expect(String(dig(job, "http_target", "uri"))).toMatch(/^https:\/\/run\.googleapis\.com\/v2\/projects\/.*\/jobs\/.*:run$/);
  });

  it("sizes each run as the plan does: tasks in parallel, the run's minutes as the task timeout", () => {
    const job = find(resources, "google_cloud_run_v2_job", "jobs").attributes;
    expect(dig(job, "template", "task_count")).toBe(schedule.tasks_per_run);
    expect(dig(job, "template", "parallelism")).toBe(schedule.tasks_per_run);
    expect(dig(job, "template", "template", "timeout")).toBe(`${schedule.run_minutes * 60}s`);
  });

  it("runs MySQL with binary logs (point-in-time recovery) and REGIONAL availability", () => {
    const sql = find(resources, "google_sql_database_instance", "db").attributes;
    expect(sql.database_version).toBe("MYSQL_8_0");
    expect(dig(sql, "settings", "availability_type")).toBe("REGIONAL");
    expect(dig(sql, "settings", "backup_configuration", "binary_log_enabled")).toBe(true);
  });
});

describe("customer-managed encryption (the data pipeline's plan)", async () => {
  const plan = gcpDataPipelineProdPlan;
  const resources = await parsed(plan);
  const key = "${google_kms_crypto_key.main.id}";

  it("creates a rotated key and encrypts the database, bucket, secrets and images with it", () => {
    expect(plan.security.kms).toBe("customer-managed");
    expect(find(resources, "google_kms_crypto_key", "main").attributes.rotation_period).toBe("7776000s");
    expect(find(resources, "google_sql_database_instance", "db").attributes.encryption_key_name).toBe(key);
    expect(dig(find(resources, "google_storage_bucket", "data").attributes, "encryption", "default_kms_key_name")).toBe(key);
    expect(find(resources, "google_artifact_registry_repository", "app").attributes.kms_key_name).toBe(key);
    const secret = find(resources, "google_secret_manager_secret", "db_password").attributes;
    expect(dig(secret, "replication", "user_managed", "replicas", "customer_managed_encryption", "kms_key_name")).toBe(key);
    expect(dig(secret, "replication", "user_managed", "replicas", "location")).toBe(plan.region);
  });

  it("lets each service's agent use the key, and nothing else, before the resource that needs it", () => {
    const grants = resources.filter((r) => r.type === "google_kms_crypto_key_iam_member");
    expect(grants.map((g) => g.name).sort()).toEqual(["artifactregistry", "secretmanager", "sqladmin", "storage"]);
    for (const grant of grants) expect(grant.attributes.role).toBe("roles/cloudkms.cryptoKeyEncrypterDecrypter");
    expect(find(resources, "google_sql_database_instance", "db").attributes.depends_on).toContain("${google_kms_crypto_key_iam_member.sqladmin}");
  });

  it("uses no key, and no google-beta provider, when the plan keeps Google-managed encryption", () => {
    const files = renderGcp(gcpWebApiProdPlan);
    expect(files.some((f) => f.path === "terraform/kms.tf")).toBe(false);
    expect(files.some((f) => f.content.includes("google-beta"))).toBe(false);
  });
});

describe("static site (dev): a private bucket behind the CDN load balancer", async () => {
  const resources = await parsed(gcpStaticSiteDevPlan);

  it("keeps the bucket private: public access prevention, uniform access, no allUsers anywhere", () => {
    const bucket = find(resources, "google_storage_bucket", "site").attributes;
    expect(bucket.public_access_prevention).toBe("enforced");
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(JSON.stringify(resources.map((r) => r.attributes))).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });

  it("serves it through a CDN backend bucket, read by the Cloud CDN service agent", () => {
    const backend = find(resources, "google_compute_backend_bucket", "site").attributes;
    expect(backend.enable_cdn).toBe(true);
    expect(backend.bucket_name).toBe("${google_storage_bucket.site.name}");
    const reader = find(resources, "google_storage_bucket_iam_member", "site_cdn_reader").attributes;
    expect(reader.role).toBe("roles/storage.objectViewer");
    expect(String(reader.member)).toContain("@cloud-cdn-fill.iam.gserviceaccount.com");
  });

  it("creates no network, service or database", () => {
    expect(resources.some((r) => /google_compute_network|google_cloud_run|google_sql/.test(r.type))).toBe(false);
  });
});

describe("internal service on GKE (dev)", async () => {
  const plan = gcpInternalGkeDevPlan;
  const resources = await parsed(plan);

  it("hardens the cluster: private nodes, Workload Identity, Dataplane V2, REGULAR channel, zonal outside prod", () => {
    const cluster = find(resources, "google_container_cluster", "main").attributes;
    expect(dig(cluster, "private_cluster_config", "enable_private_nodes")).toBe(true);
    expect(dig(cluster, "workload_identity_config", "workload_pool")).toBe("${var.project_id}.svc.id.goog");
    expect(cluster.datapath_provider).toBe("ADVANCED_DATAPATH");
    expect(dig(cluster, "release_channel", "channel")).toBe("REGULAR");
    expect(cluster.location).toBe(plan.network.availability_zones[0]);
    expect(cluster.remove_default_node_pool).toBe(true);
  });

  it("runs the plan's machine type and count as a dedicated, shielded, GKE-metadata node pool", () => {
    const pool = find(resources, "google_container_node_pool", "main").attributes;
    expect(dig(pool, "node_config", "machine_type")).toBe(plan.compute.node_instance_type);
    expect(pool.node_count).toBe(plan.compute.node_count);
    expect(dig(pool, "node_config", "spot")).toBe(plan.compute.capacity === "spot");
    expect(dig(pool, "node_config", "image_type")).toBe("COS_CONTAINERD");
    expect(dig(pool, "node_config", "service_account")).toBe("${google_service_account.gke_nodes.email}");
    expect(dig(pool, "node_config", "shielded_instance_config", "enable_secure_boot")).toBe(true);
    expect(dig(pool, "node_config", "workload_metadata_config", "mode")).toBe("GKE_METADATA");
    expect(dig(pool, "management", "auto_repair")).toBe(true);
    expect(dig(pool, "management", "auto_upgrade")).toBe(true);
  });

  it("binds the workload's Kubernetes service account to its Google service account", () => {
    const binding = find(resources, "google_service_account_iam_member", "workload_identity").attributes;
    expect(binding.role).toBe("roles/iam.workloadIdentityUser");
    expect(String(binding.member)).toContain(`.svc.id.goog[${plan.goal_name}-${plan.environment}/${plan.goal_name}]`);
  });

  it("for a public GKE entry, reserves the address, TLS policy and Cloud Armor policy the Ingress names, and admits health checks to the nodes only", async () => {
    const open = variant(plan, (p) => {
      p.network.ingress = { type: "https-lb", public: true, tls: true };
      p.security.waf = true;
    });
    const openResources = await parsed(open);
    expect(find(openResources, "google_compute_security_policy", "armor").attributes.type).toBe("CLOUD_ARMOR");
    expect(find(openResources, "google_compute_ssl_policy", "lb").attributes.min_tls_version).toBe("TLS_1_2");
    const firewall = find(openResources, "google_compute_firewall", "allow_health_checks").attributes;
    expect(firewall.source_ranges).toEqual(HEALTH_CHECK_RANGES);
    expect(firewall.target_service_accounts).toEqual(["${google_service_account.gke_nodes.email}"]);
    expect(dig(firewall, "allow", "ports")).toEqual([String(open.compute.container_port)]);
    expect(openResources.some((r) => r.type === "google_compute_url_map")).toBe(false);
    expect(resources.some((r) => r.name === "allow_health_checks")).toBe(false);
  });

  it("gives GKE's internal Ingress the proxy-only subnet its load balancer needs, and admits its proxies and health checks to the nodes only", async () => {
    const subnet = find(resources, "google_compute_subnetwork", "proxy_only").attributes;
    expect(subnet).toMatchObject({ purpose: "REGIONAL_MANAGED_PROXY", role: "ACTIVE", region: plan.region });
    const proxyRange = String(subnet.ip_cidr_range);
    const workloads = String(find(resources, "google_compute_subnetwork", "workloads").attributes.ip_cidr_range);
    const inside = (cidr: string, outer: string) => {
      const [a, n] = cidr.split("/");
      const [b, m] = outer.split("/");
      const num = (ip = "") => ip.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
      const size = 2 ** (32 - Number(m));
      return Number(n) >= Number(m) && Math.floor(num(a) / size) === Math.floor(num(b) / size);
    };
    expect(inside(proxyRange, plan.network.vpc_cidr)).toBe(true);
    expect(inside(proxyRange, workloads) || inside(workloads, proxyRange)).toBe(false);
    const firewall = find(resources, "google_compute_firewall", "allow_internal_lb").attributes;
    expect(firewall.source_ranges).toEqual([proxyRange, ...HEALTH_CHECK_RANGES]);
    expect(firewall.target_service_accounts).toEqual(["${google_service_account.gke_nodes.email}"]);
    expect(dig(firewall, "allow", "ports")).toEqual([String(plan.compute.container_port)]);
    // a public entry's external load balancer needs neither
    const open = await parsed(
      variant(plan, (p) => {
        p.network.ingress = { type: "https-lb", public: true, tls: true };
      }),
    );
    expect(open.some((r) => r.name === "proxy_only" || r.name === "allow_internal_lb")).toBe(false);
  });

  it("spreads the plan's node total over the zones of a regional (prod) cluster", async () => {
    const prod = variant(plan, (p) => {
      p.environment = "prod";
      p.compute.node_count = 4;
    });
    const prodResources = await parsed(prod);
    const zones = prod.network.availability_zones.length;
    expect(find(prodResources, "google_container_cluster", "main").attributes.location).toBe(prod.region);
    expect(find(prodResources, "google_container_node_pool", "main").attributes.node_count).toBe(Math.ceil(4 / zones));
  });
});

describe("what the builder leaves out, and says so", () => {
  it("keeps an internal Cloud Run service internal, with no public load balancer", async () => {
    const internal = variant(gcpWebApiProdPlan, (p) => {
      p.network.ingress = { type: "https-lb", public: false, tls: true };
    });
    const resources = await parsed(internal);
    expect(find(resources, "google_cloud_run_v2_service", "app").attributes.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_ONLY");
    expect(resources.some((r) => r.type.startsWith("google_compute_global_forwarding_rule") || r.type === "google_compute_security_policy")).toBe(false);
    expect(resources.some((r) => r.type === "google_cloud_run_v2_service_iam_member" && r.attributes.member === "allUsers")).toBe(false);
  });

  it("names a WAF it cannot put in front of a static site in lb.tf's header", () => {
    const files = renderGcp(
      variant(gcpStaticSiteDevPlan, (p) => {
        p.security.waf = true;
      }),
    );
    expect(files.find((f) => f.path === "terraform/lb.tf")?.content).toMatch(/^# NOT RENDERED: security\.waf/m);
  });

  it("lists an alert on a metric the design does not produce instead of rendering a policy that never fires", () => {
    const files = renderGcp(
      variant(gcpWorkerStagingPlan, (p) => {
        p.observability.alerts = [{ name: "gpu-hot", metric: "gpu_temperature_celsius", comparison: ">", threshold: 80, severity: "low" }];
      }),
    );
    const monitoring = files.find((f) => f.path === "terraform/monitoring.tf")?.content ?? "";
    expect(monitoring).toContain('# NOT RENDERED: Alert "gpu-hot"');
    expect(monitoring).not.toContain("google_monitoring_alert_policy");
  });
});

describe("what the builder refuses, naming the field", () => {
  it("refuses a plan for another cloud", () => {
    const error = validationError(() =>
      renderGcp(
        variant(gcpWebApiProdPlan, (p) => {
          p.cloud = "aws";
        }),
      ),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues?.[0]?.path).toBe("cloud");
  });

  it("refuses a basic role and a scope naming nothing in the plan", () => {
    const basic = validationError(() =>
      renderGcp(
        variant(gcpWebApiProdPlan, (p) => {
          p.security.iam_scopes = [{ principal: "app", actions: ["roles/editor"], resources: ["db"] }];
        }),
      ),
    );
    expect(basic.issues?.[0]?.path).toBe("security.iam_scopes[0].actions[0]");
    const unknown = validationError(() =>
      renderGcp(
        variant(gcpWebApiProdPlan, (p) => {
          p.security.iam_scopes = [{ principal: "app", actions: ["roles/storage.objectViewer"], resources: ["nope"] }];
        }),
      ),
    );
    expect(unknown.issues?.[0]?.path).toBe("security.iam_scopes[0].resources[0]");
  });

  it("refuses a schedule Cloud Scheduler cannot keep exactly", () => {
    const error = validationError(() => cloudSchedulerCron("rate(7 minutes)"));
    expect(error.message).toContain("Cloud Scheduler");
    expect(error.issues?.[0]?.path).toBe("compute.schedule.expression");
  });

  it("refuses Cloud Run sizes that need request-based billing or exceed the memory a vCPU count allows", () => {
    const compute = gcpWebApiProdPlan.compute;
    // Cloud Run: below 1 vCPU only with request-based billing; 2 vCPU take at most 8 GiB.
    expect(validationError(() => cloudRunLimits({ ...compute, cpu: 0.5, memory_mb: 1024 })).issues?.[0]?.path).toBe("compute.cpu");
    expect(validationError(() => cloudRunLimits({ ...compute, cpu: 2, memory_mb: 8193 })).issues?.[0]?.path).toBe("compute.memory_mb");
    expect(cloudRunLimits({ ...compute, cpu: 4, memory_mb: 16384 })).toEqual({ cpu: "4", memory: "16384Mi" });
  });

  it("refuses a Memorystore size that is not <tier>:<GB>", () => {
    const error = validationError(() => redisShape({ id: "cache", engine: "redis", node_type: "Standard:C1", nodes: 1, multi_az: false }, 0));
    expect(error.issues?.[0]?.path).toBe("caches[0].node_type");
  });
});

describe("helpers", () => {
  it("keeps label values to lower-case letters, digits, _ and -, at most 63 characters", () => {
    expect(gcpLabelValue("Trace.ID/42")).toBe("trace-id-42");
    expect(gcpLabelValue("x".repeat(70))).toHaveLength(63);
  });

  it("makes names that start with a letter and do not end in a dash", () => {
    expect(gcpName(63, "9lives", "prod")).toMatch(/^[a-z]/);
    expect(gcpName(10, "abcdefghi-", "x")).not.toMatch(/-$/);
  });

  it("clamps the ack deadline to 10..600 s and delivery attempts to 5..100, as Pub/Sub requires", () => {
    const queue = { id: "q", fifo: false, visibility_timeout_s: 900, max_receive_count: 3 };
    expect(ackDeadline(queue)).toBe(600);
    expect(ackDeadline({ ...queue, visibility_timeout_s: 5 })).toBe(10);
    expect(maxDeliveryAttempts(queue)).toBe(5);
    expect(maxDeliveryAttempts({ ...queue, max_receive_count: 250 })).toBe(100);
  });

  it("names Cloud SQL versions as Cloud SQL does", () => {
    const base = gcpWebApiProdPlan.databases[0] as PlanSpec["databases"][number];
    expect(databaseVersion({ ...base, engine: "postgres", engine_version: "15.4" }, 0)).toBe("POSTGRES_15");
    expect(databaseVersion({ ...base, engine: "mysql", engine_version: "8.4" }, 0)).toBe("MYSQL_8_4");
  });

  it("carves GKE and private-services ranges from vpc_cidr without touching the workload subnet", () => {
    // 10.20.0.0/16: /20 blocks are 4096 addresses apart (16 in the third octet); the upper /17 starts at 10.20.128.0.
    const plan = addressPlan(gcpInternalGkeDevPlan);
    expect(plan.workloads).toBe("10.20.0.0/20");
    expect(plan.services).toBe("10.20.16.0/20");
    expect(plan.privateServices).toEqual({ address: "10.20.32.0", prefixLength: 20 });
    expect(plan.pods).toBe("10.20.128.0/17");
    expect(subnet("10.0.0.0/8", 8, 3)).toBe("10.3.0.0/16");
  });
});
