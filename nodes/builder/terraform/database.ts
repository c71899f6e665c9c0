import { envKey } from "../config.js";
import type { BuildContext } from "../context.js";
import { block, type HclBlock, type HclValue, ref } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { auroraCluster } from "./aurora.js";
import { DATABASE_COMPONENTS, databaseBasics, engineFacts } from "./engines.js";
import { kmsArn, type TfSection } from "./shared.js";
import { databaseSubnetIds } from "./topology.js";

type Database = BuildContext["plan"]["databases"][number];
type Cache = BuildContext["plan"]["caches"][number];

/** One RDS instance, PostgreSQL or MySQL (and its read replicas): encrypted, private, TLS-only, managed master password. */
function rdsInstance(ctx: BuildContext, db: Database, index: number): HclBlock[] {
  const { name, facts, owner, key, prod, insights, identifier, parameters } = databaseBasics(ctx, db, index);
  const blocks: HclBlock[] = [
    ctx.resource("aws_db_parameter_group", name, owner, parameters),
    ctx.resource("aws_db_instance", name, owner, {
      identifier,
      engine: facts.engine,
      engine_version: db.engine_version,
      instance_class: db.instance_class,
      port: facts.port,
      db_name: name.replace(/^r_/, "db_").slice(0, facts.engine === "mysql" ? 64 : 63),
      username: "app_admin",
      manage_master_user_password: true,
      master_user_secret_kms_key_id: key,
      multi_az: db.multi_az,
      allocated_storage: db.storage_gb,
      max_allocated_storage: Math.max(db.max_storage_gb, db.storage_gb),
      storage_type: "gp3",
      storage_encrypted: true,
      kms_key_id: key,
      db_subnet_group_name: ref("aws_db_subnet_group.main.name"),
      vpc_security_group_ids: [ref("aws_security_group.database.id")],
      parameter_group_name: ref(`aws_db_parameter_group.${name}.name`),
      publicly_accessible: false,
      iam_database_authentication_enabled: true,
      backup_retention_period: db.backup_retention_days,
      backup_window: "03:00-04:00",
      maintenance_window: "sun:04:30-sun:05:30",
      copy_tags_to_snapshot: true,
      deletion_protection: db.deletion_protection,
      skip_final_snapshot: !prod,
      final_snapshot_identifier: prod ? `${identifier}-final` : undefined,
      auto_minor_version_upgrade: true,
      apply_immediately: false,
      ca_cert_identifier: "rds-ca-rsa2048-g1",
      enabled_cloudwatch_logs_exports: facts.logs,
      performance_insights_enabled: insights,
      performance_insights_retention_period: insights ? 7 : undefined,
      performance_insights_kms_key_id: insights ? key : undefined,
    }),
  ];
  for (let replica = 1; replica <= db.read_replicas; replica++) {
    blocks.push(
      ctx.resource("aws_db_instance", `${name}_replica_${replica}`, owner, {
        // Shorten the primary's name, not the suffix, so a long identifier cannot collide with it.
        identifier: `${awsName(63 - `-replica-${replica}`.length, identifier)}-replica-${replica}`,
        replicate_source_db: ref(`aws_db_instance.${name}.identifier`),
        instance_class: db.instance_class,
        // A replica holds (and is billed for) a full copy of the data.
        allocated_storage: db.storage_gb,
        max_allocated_storage: Math.max(db.max_storage_gb, db.storage_gb),
        storage_type: "gp3",
        storage_encrypted: true,
        kms_key_id: key,
        vpc_security_group_ids: [ref("aws_security_group.database.id")],
        parameter_group_name: ref(`aws_db_parameter_group.${name}.name`),
        publicly_accessible: false,
        copy_tags_to_snapshot: true,
        skip_final_snapshot: true,
        auto_minor_version_upgrade: true,
        performance_insights_enabled: insights,
        performance_insights_kms_key_id: insights ? key : undefined,
      }),
    );
  }
  return blocks;
}

/** Terraform address of a cache's replication group. */
export function cacheAddress(cache: Cache): string {
  return `aws_elasticache_replication_group.${tfName(cache.id)}`;
}

/** Terraform address of the IAM-authenticated ElastiCache user the workload connects to a cache as. */
export function cacheUserAddress(cache: Cache): string {
  return `aws_elasticache_user.${tfName(cache.id)}_app`;
}

/**
 * What the workload needs to connect to a cache, by environment variable: host, port, the user
 * it authenticates as, the replication group id it signs its IAM auth token for, and that TLS is
 * required. No password: the token is generated at connect time from the workload's role.
 */
export function redisConnection(cache: Cache): [string, HclValue][] {
  const key = envKey(cache.id);
  return [
    [`REDIS_${key}_HOST`, ref(`${cacheAddress(cache)}.primary_endpoint_address`)],
    [`REDIS_${key}_PORT`, "6379"],
    [`REDIS_${key}_USER`, ref(`${cacheUserAddress(cache)}.user_name`)],
    [`REDIS_${key}_CACHE_NAME`, ref(`${cacheAddress(cache)}.replication_group_id`)],
    [`REDIS_${key}_TLS`, "true"],
  ];
}

/**
 * The app's own data, no administration: every key and channel, every command but the `@admin`
 * ones (CONFIG, DEBUG, MONITOR, ACL, replication and persistence control).
 */
const APP_ACCESS = "on ~* &* +@all -@admin";

/**
 * Who may connect to a cache: ElastiCache RBAC with IAM authentication. The app's user has no
 * password at all; the workload signs a short-lived token with its role (`elasticache:Connect`,
 * iam.tf), so no secret exists in Terraform state, in Git or in Secrets Manager. An AUTH token
 * would have to be written by Terraform (so it sits in state) and ElastiCache has no managed
 * password. A Redis OSS user group must hold a user named `default`: this one is switched off,
 * so an unauthenticated connection can run nothing. IAM users need Redis OSS 7+ and TLS.
 */
function redisUsers(ctx: BuildContext, cache: Cache, owner: string): HclBlock[] {
  const name = tfName(cache.id);
  // IAM authentication requires the user name to equal the user id.
  const appUser = ctx.shortName(40, `${awsName(16, cache.id)}-app`);
  return [
    ctx.resource("aws_elasticache_user", `${name}_app`, owner, {
      user_id: appUser,
      user_name: appUser,
      engine: "redis",
      access_string: APP_ACCESS,
      authentication_mode: block({ type: "iam" }),
    }),
    ctx.resource("aws_elasticache_user", `${name}_default`, owner, {
      user_id: ctx.shortName(40, `${awsName(16, cache.id)}-off`),
      user_name: "default",
      engine: "redis",
      access_string: "off -@all",
      authentication_mode: block({ type: "no-password-required" }),
    }),
    ctx.resource("aws_elasticache_user_group", name, owner, {
      user_group_id: ctx.shortName(40, awsName(20, cache.id)),
      engine: "redis",
      user_ids: [ref(`aws_elasticache_user.${name}_default.user_id`), ref(`${cacheUserAddress(cache)}.user_id`)],
    }),
  ];
}

/**
 * A Redis replication group: encrypted at rest and in transit, failover across zones when there
 * are replicas, and only its user group's users may connect (see {@link redisUsers}).
 */
function redis(ctx: BuildContext, cache: Cache, index: number): HclBlock[] {
  const failover = cache.nodes >= 2;
  const owner = ctx.component(["elasticache-redis"], { id: cache.id, index });
  return [
    ...redisUsers(ctx, cache, owner),
    ctx.resource("aws_elasticache_replication_group", tfName(cache.id), owner, {
      replication_group_id: ctx.shortName(40, awsName(20, cache.id)),
      description: `${ctx.plan.goal_name} ${cache.id} (${ctx.plan.environment})`,
      engine: "redis",
      engine_version: "7.1",
      node_type: cache.node_type,
      num_cache_clusters: cache.nodes,
      port: 6379,
      parameter_group_name: "default.redis7",
      automatic_failover_enabled: failover,
      multi_az_enabled: failover && cache.multi_az,
      subnet_group_name: ref("aws_elasticache_subnet_group.main.name"),
      security_group_ids: [ref("aws_security_group.cache.id")],
      at_rest_encryption_enabled: true,
      transit_encryption_enabled: true,
      user_group_ids: [ref(`aws_elasticache_user_group.${tfName(cache.id)}.user_group_id`)],
      kms_key_id: kmsArn(ctx),
      snapshot_retention_limit: ctx.plan.environment === "prod" ? 7 : 1,
      snapshot_window: "02:00-03:00",
      maintenance_window: "sun:05:30-sun:06:30",
      auto_minor_version_upgrade: true,
      apply_immediately: false,
    }),
  ];
}

/**
 * data.tf (databases and caches): subnet groups across at least two zones (see
 * `databaseSpareSubnets`), RDS instances or Aurora clusters per engine, Redis replication groups
 * with their IAM-authenticated users.
 */
export function renderDatabases(ctx: BuildContext): TfSection[] {
  const { databases, caches } = ctx.plan;
  const blocks: HclBlock[] = [];
  if (databases.length > 0) {
    const owner = ctx.component(DATABASE_COMPONENTS);
    blocks.push(ctx.resource("aws_db_subnet_group", "main", owner, { name: ctx.prefix, subnet_ids: databaseSubnetIds(ctx) }));
    blocks.push(...databases.flatMap((db, index) => (engineFacts(db).aurora ? auroraCluster(ctx, db, index) : rdsInstance(ctx, db, index))));
  }
  if (caches.length > 0) {
    const owner = ctx.component(["elasticache-redis"]);
    blocks.push(ctx.resource("aws_elasticache_subnet_group", "main", owner, { name: ctx.prefix, subnet_ids: databaseSubnetIds(ctx) }));
    blocks.push(...caches.flatMap((cache, index) => redis(ctx, cache, index)));
  }
  return blocks.length > 0 ? [{ file: "data.tf", blocks }] : [];
}
