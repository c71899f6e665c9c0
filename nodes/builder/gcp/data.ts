import { AtlasError } from "../../../lib/errors.js";
import { block, type HclBlock, type HclNested, type HclValue, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import { cacheAuthSecret, databasePasswordSecret, redisAddress, sqlAddress, sqlName } from "./addresses.js";
import { output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";
import { keyGrant, kmsKey } from "./kms.js";
import { NETWORK, PRIVATE_SERVICES } from "./network.js";
import { secretReplication } from "./secrets.js";

type Database = GcpContext["plan"]["databases"][number];
type Cache = GcpContext["plan"]["caches"][number];

/** The user the workload connects as; its password is generated and kept in Secret Manager. */
export const DB_USER = "app";

/** The database the workload uses inside an instance. */
export const DB_NAME = "app";

/**
 * Cloud SQL's `database_version` from the plan's engine and version: `16` → `POSTGRES_16`,
 * `8.0.21` → `MYSQL_8_0` (Cloud SQL names major.minor for MySQL, the major for PostgreSQL;
 * https://cloud.google.com/sql/docs/db-versions).
 * @throws AtlasError `VALIDATION_FAILED` for an engine Cloud SQL does not run (Aurora)
 */
export function databaseVersion(db: Database, index: number): string {
  if (db.engine === "postgres") return `POSTGRES_${db.engine_version.split(".")[0]}`;
  if (db.engine === "mysql") return `MYSQL_${db.engine_version.split(".").slice(0, 2).join("_")}`;
  throw new AtlasError("VALIDATION_FAILED", `Cloud SQL does not run ${db.engine}`, {
    issues: [{ path: `databases[${index}].engine`, message: "use postgres or mysql on Google Cloud" }],
  });
}

/**
 * Logging and hardening flags scanners look for (Checkov CKV_GCP_50..57, 108-111): PostgreSQL
 * logs checkpoints, connections, lock waits and temporary files, but not statement durations
 * (statements may carry personal data); MySQL refuses LOCAL INFILE and hides other databases.
 */
function databaseFlags(db: Database): HclNested[] {
  const flags: [string, string][] =
    db.engine === "postgres"
      ? [
          ["log_checkpoints", "on"],
          ["log_connections", "on"],
          ["log_disconnections", "on"],
          ["log_lock_waits", "on"],
          ["log_min_error_statement", "error"],
          ["log_min_messages", "warning"],
          ["log_temp_files", "0"],
          ["log_min_duration_statement", "-1"],
        ]
      : [
          ["local_infile", "off"],
          ["skip_show_database", "on"],
        ];
  return flags.map(([name, value]) => block({ name, value }));
}

/** `ip_configuration`: a private IP on the VPC only, and TLS required of every client. */
function privateIp(): HclNested {
  return block({ ipv4_enabled: false, private_network: ref(`${NETWORK}.id`), ssl_mode: "ENCRYPTED_ONLY" });
}

/** Enterprise Plus has its own shapes (`db-perf-optimized-N-<vCPUs>`); every other tier is Enterprise. */
function sqlEdition(tier: string): "ENTERPRISE" | "ENTERPRISE_PLUS" {
  return tier.startsWith("db-perf-optimized-") ? "ENTERPRISE_PLUS" : "ENTERPRISE";
}

/**
 * A Cloud SQL instance (and its read replicas): Enterprise edition (the tiers the plan names:
 * shared-core and `db-custom-*`; new PostgreSQL 16 instances would otherwise default to Enterprise
 * Plus), private IP only, TLS only, REGIONAL when the plan is Multi-AZ, SSD storage that grows to
 * `max_storage_gb`, daily backups kept `backup_retention_days` (one a day, so a count), point-in-time
 * recovery (PostgreSQL write-ahead logs, MySQL binary logs; MySQL high availability needs them too).
 * The workload's password is generated (`random_password`), stored as a Secret Manager version and
 * set on the user: IAM database authentication would need the Cloud SQL connector or token
 * refresh in every client, a password over private TLS works with any driver. It also lives in
 * Terraform state, so the state backend must be encrypted and access-controlled.
 */
function cloudSql(ctx: GcpContext, db: Database, index: number): HclBlock[] {
  const owner = ctx.component(["cloud-sql-postgres", "cloud-sql-mysql"], db.id);
  const name = tfName(db.id);
  const postgres = db.engine === "postgres";
  const version = databaseVersion(db, index);
  const backup = block({
    enabled: db.backup_retention_days > 0,
    start_time: "02:00",
    point_in_time_recovery_enabled: postgres ? db.point_in_time_recovery : undefined,
    binary_log_enabled: postgres ? undefined : db.point_in_time_recovery || db.multi_az,
    // Cloud SQL Enterprise keeps 1 to 7 days of logs for point-in-time recovery.
    transaction_log_retention_days: db.point_in_time_recovery ? Math.min(7, Math.max(1, db.backup_retention_days)) : undefined,
    backup_retention_settings: block({ retained_backups: Math.max(1, db.backup_retention_days), retention_unit: "COUNT" }),
  });
  const blocks: HclBlock[] = [
    ctx.resource("google_sql_database_instance", name, owner, {
      name: sqlName(ctx, db),
      database_version: version,
      region: ctx.plan.region,
      encryption_key_name: kmsKey(ctx),
      deletion_protection: db.deletion_protection,
      settings: block({
        tier: db.instance_class,
        edition: sqlEdition(db.instance_class),
        availability_type: db.multi_az ? "REGIONAL" : "ZONAL",
        disk_type: "PD_SSD",
        disk_size: db.storage_gb,
        disk_autoresize: true,
        disk_autoresize_limit: Math.max(db.max_storage_gb, db.storage_gb),
        deletion_protection_enabled: db.deletion_protection,
        ip_configuration: privateIp(),
        backup_configuration: backup,
        maintenance_window: block({ day: 7, hour: 3, update_track: "stable" }),
        insights_config: block({ query_insights_enabled: true, record_application_tags: false, record_client_address: false }),
        database_flags: databaseFlags(db),
      }),
      depends_on: [ref(PRIVATE_SERVICES), ...keyGrant(ctx, "sqladmin")],
    }),
  ];
  for (let replica = 1; replica <= db.read_replicas; replica++) {
    blocks.push(
      ctx.resource("google_sql_database_instance", `${name}_replica_${replica}`, owner, {
        name: nameWith(ctx, 80, `${db.id}-replica-${replica}`),
        database_version: version,
        region: ctx.plan.region,
        master_instance_name: ref(`${sqlAddress(db)}.name`),
        encryption_key_name: kmsKey(ctx),
        deletion_protection: db.deletion_protection,
        settings: block({
          tier: db.instance_class,
          edition: sqlEdition(db.instance_class),
          availability_type: "ZONAL",
          disk_type: "PD_SSD",
          disk_size: db.storage_gb,
          disk_autoresize: true,
          disk_autoresize_limit: Math.max(db.max_storage_gb, db.storage_gb),
          ip_configuration: privateIp(),
          database_flags: databaseFlags(db),
        }),
      }),
    );
  }
  const secret = databasePasswordSecret(db).split(".")[1] as string;
  blocks.push(
    ctx.resource("google_sql_database", name, owner, { name: DB_NAME, instance: ref(`${sqlAddress(db)}.name`) }),
    ctx.resource("random_password", name, owner, { length: 32, special: false }),
    ctx.resource("google_sql_user", `${name}_app`, owner, {
      name: DB_USER,
      instance: ref(`${sqlAddress(db)}.name`),
      password: ref(`random_password.${name}.result`),
    }),
    ...generatedSecret(ctx, secret, owner, `${db.id}-password`, `Password of ${DB_USER} on ${db.id}`, ref(`random_password.${name}.result`)),
  );
  return blocks;
}

/** A Secret Manager secret holding a value Terraform generated or read (a password, an AUTH string). */
function generatedSecret(ctx: GcpContext, name: string, owner: string, id: string, purpose: string, value: HclValue): HclBlock[] {
  return [
    ctx.resource("google_secret_manager_secret", name, owner, {
      secret_id: nameWith(ctx, 255, id),
      annotations: { purpose },
      replication: secretReplication(ctx),
      depends_on: keyGrant(ctx, "secretmanager"),
    }),
    ctx.resource("google_secret_manager_secret_version", name, owner, { secret: ref(`google_secret_manager_secret.${name}.id`), secret_data: value }),
  ];
}

/**
 * Tier and size from a plan's `node_type`, `STANDARD_HA:5` → STANDARD_HA with 5 GB.
 * @throws AtlasError `VALIDATION_FAILED` when it is not `<BASIC|STANDARD_HA>:<GB>`
 */
export function redisShape(cache: Cache, index: number): { tier: "BASIC" | "STANDARD_HA"; memoryGb: number } {
  const match = /^(BASIC|STANDARD_HA):(\d+)$/.exec(cache.node_type);
  const gb = Number(match?.[2]);
  if (!match || gb < 1 || gb > 300) {
    throw new AtlasError("VALIDATION_FAILED", `Memorystore node_type "${cache.node_type}" is not <BASIC|STANDARD_HA>:<1-300 GB>`, {
      issues: [{ path: `caches[${index}].node_type`, message: 'use e.g. "STANDARD_HA:5"' }],
    });
  }
  return { tier: match[1] as "BASIC" | "STANDARD_HA", memoryGb: gb };
}

/**
 * A Memorystore for Redis instance on the private services range: AUTH required (the string is
 * generated by Google and copied into Secret Manager, so it is in Terraform state too), TLS with
 * server authentication (clients trust the instance's CA, output below), Redis 7.2, a replica in
 * a second zone for STANDARD_HA.
 */
function memorystore(ctx: GcpContext, cache: Cache, index: number): HclBlock[] {
  const owner = ctx.component(["memorystore-redis"], cache.id);
  const { tier, memoryGb } = redisShape(cache, index);
  const zones = ctx.plan.network.availability_zones;
  const ha = tier === "STANDARD_HA";
  const name = tfName(cache.id);
  return [
    ctx.resource("google_redis_instance", name, owner, {
      name: nameWith(ctx, 40, cache.id),
      display_name: `${ctx.plan.goal_name} ${cache.id} (${ctx.plan.environment})`,
      tier,
      memory_size_gb: memoryGb,
      region: ctx.plan.region,
      location_id: zones[0],
      alternative_location_id: ha && zones.length > 1 ? zones[1] : undefined,
      redis_version: "REDIS_7_2",
      authorized_network: ref(`${NETWORK}.id`),
      connect_mode: "PRIVATE_SERVICE_ACCESS",
      auth_enabled: true,
      transit_encryption_mode: "SERVER_AUTHENTICATION",
      customer_managed_key: kmsKey(ctx),
      maintenance_policy: block({
        weekly_maintenance_window: block({ day: "SUNDAY", start_time: block({ hours: 4, minutes: 0, seconds: 0, nanos: 0 }) }),
      }),
      depends_on: [ref(PRIVATE_SERVICES), ...keyGrant(ctx, "redis")],
    }),
    ...generatedSecret(
      ctx,
      cacheAuthSecret(cache).split(".")[1] as string,
      owner,
      `${cache.id}-auth`,
      `AUTH string of Redis ${cache.id}`,
      ref(`${redisAddress(cache)}.auth_string`),
    ),
  ];
}

/** data.tf: Cloud SQL instances and Memorystore instances, each with its generated credential in Secret Manager. */
export function renderData(ctx: GcpContext): GcpSection[] {
  const { databases, caches } = ctx.plan;
  const blocks = [...databases.flatMap((db, i) => cloudSql(ctx, db, i)), ...caches.flatMap((cache, i) => memorystore(ctx, cache, i))];
  if (blocks.length === 0) return [];
  const outputs = [
    ...databases.map((db) =>
      output(`database_${tfName(db.id)}_private_ip`, `Private IP of ${db.id} (TLS required)`, ref(`${sqlAddress(db)}.private_ip_address`)),
    ),
    ...databases.map((db) => output(`database_${tfName(db.id)}_connection_name`, `Connection name of ${db.id}`, ref(`${sqlAddress(db)}.connection_name`))),
    ...caches.map((cache) => output(`redis_${tfName(cache.id)}_host`, `Redis ${cache.id} (AUTH and TLS required)`, ref(`${redisAddress(cache)}.host`))),
  ];
  return [
    { file: "data.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
