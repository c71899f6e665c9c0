import type { BuildContext } from "../context.js";
import { type HclBlock, ref } from "../hcl.js";
import { awsName } from "../labels.js";
import { auroraInstanceCount, databaseBasics } from "./engines.js";

type Database = BuildContext["plan"]["databases"][number];

/** Aurora keeps automated backups for at least a day; a plan's 0 means "as little as allowed". */
const AURORA_MIN_BACKUP_DAYS = 1;

/**
 * An Aurora cluster (PostgreSQL- or MySQL-compatible): encrypted storage (with the plan's key
 * when it has one), a master password RDS keeps in Secrets Manager, TLS-only parameters,
 * backups, deletion protection as planned; then the writer and its readers, `1 + read_replicas`
 * instances and at least two when the plan asks for Multi-AZ, so a reader in another zone can
 * take over. Instances spread over the subnet group's zones on their own.
 */
export function auroraCluster(ctx: BuildContext, db: Database, index: number): HclBlock[] {
  const { name, facts, owner, key, prod, insights, identifier, parameters } = databaseBasics(ctx, db, index);
  const blocks: HclBlock[] = [
    ctx.resource("aws_rds_cluster_parameter_group", name, owner, parameters),
    ctx.resource("aws_rds_cluster", name, owner, {
      cluster_identifier: identifier,
      engine: facts.engine,
      engine_version: db.engine_version,
      port: facts.port,
      database_name: name.replace(/^r_/, "db_").slice(0, 63),
      master_username: "app_admin",
      manage_master_user_password: true,
      master_user_secret_kms_key_id: key,
      storage_encrypted: true,
      kms_key_id: key,
      db_subnet_group_name: ref("aws_db_subnet_group.main.name"),
      vpc_security_group_ids: [ref("aws_security_group.database.id")],
      db_cluster_parameter_group_name: ref(`aws_rds_cluster_parameter_group.${name}.name`),
      iam_database_authentication_enabled: true,
      backup_retention_period: Math.max(AURORA_MIN_BACKUP_DAYS, db.backup_retention_days),
      preferred_backup_window: "03:00-04:00",
      preferred_maintenance_window: "sun:04:30-sun:05:30",
      copy_tags_to_snapshot: true,
      deletion_protection: db.deletion_protection,
      skip_final_snapshot: !prod,
      final_snapshot_identifier: prod ? `${identifier}-final` : undefined,
      enabled_cloudwatch_logs_exports: facts.logs,
      apply_immediately: false,
    }),
  ];
  for (let n = 1; n <= auroraInstanceCount(db); n++) {
    blocks.push(
      ctx.resource("aws_rds_cluster_instance", `${name}_${n}`, owner, {
        identifier: `${awsName(63 - `-${n}`.length, identifier)}-${n}`,
        cluster_identifier: ref(`aws_rds_cluster.${name}.id`),
        engine: ref(`aws_rds_cluster.${name}.engine`),
        engine_version: ref(`aws_rds_cluster.${name}.engine_version`),
        instance_class: db.instance_class,
        db_subnet_group_name: ref("aws_db_subnet_group.main.name"),
        publicly_accessible: false,
        // The first instance is the one to fail over to; later readers follow.
        promotion_tier: n === 1 ? 0 : 1,
        auto_minor_version_upgrade: true,
        ca_cert_identifier: "rds-ca-rsa2048-g1",
        copy_tags_to_snapshot: true,
        performance_insights_enabled: insights,
        performance_insights_retention_period: insights ? 7 : undefined,
        performance_insights_kms_key_id: insights ? key : undefined,
        apply_immediately: false,
      }),
    );
  }
  return blocks;
}
