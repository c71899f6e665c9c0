import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext } from "../types.js";
import { bool, hit, num, ofType, str, UNKNOWN } from "./helpers/terraform.js";

/**
 * Databases that own their storage settings. Read replicas inherit them from the source and
 * Aurora instances from their cluster, so checking those would only repeat a finding.
 */
function primaries(ctx: RuleContext, ...types: string[]): TerraformResource[] {
  return ofType(ctx, ...types).filter((db) => {
    if (db.type !== "aws_db_instance") return true;
    const engine = str(db.attributes.engine);
    return db.attributes.replicate_source_db === undefined && !(typeof engine === "string" && engine.startsWith("aurora"));
  });
}

/** True when a boolean attribute is not known to be true (missing counts as its default, false). */
function notTrue(value: unknown): boolean {
  const parsed = bool(value);
  return parsed !== true && parsed !== UNKNOWN;
}

export const rdsPublic: Rule = {
  id: "AWS_RDS_PUBLIC",
  title: "RDS database is publicly accessible",
  severity: "critical",
  aliases: ["CKV_AWS_17", "AWS-0180"],
  target: "terraform",
  remediation: "Set publicly_accessible = false, place the database in private subnets and reach it from the application tier or a bastion.",
  check(ctx) {
    return ofType(ctx, "aws_db_instance", "aws_rds_cluster_instance")
      .filter((db) => bool(db.attributes.publicly_accessible) === true)
      .map((db) => hit(db, "publicly_accessible = true gives the database a public DNS name reachable from the internet."));
  },
};

export const rdsEncryption: Rule = {
  id: "AWS_RDS_ENCRYPTION",
  title: "RDS storage is not encrypted",
  severity: "high",
  aliases: ["CKV_AWS_16", "CKV_AWS_96", "AWS-0080", "AWS-0079"],
  target: "terraform",
  remediation:
    "Set storage_encrypted = true (with kms_key_id for a customer-managed key). Existing databases need a snapshot, an encrypted copy and a restore.",
  check(ctx) {
    return (
      primaries(ctx, "aws_db_instance", "aws_rds_cluster")
        // Aurora Serverless v1 is always encrypted.
        .filter((db) => db.attributes.engine_mode !== "serverless")
        .filter((db) => notTrue(db.attributes.storage_encrypted))
        .map((db) => hit(db, "storage_encrypted is not true: data, logs, backups and snapshots are stored unencrypted."))
    );
  },
};

export const rdsBackupRetention: Rule = {
  id: "AWS_RDS_BACKUP_RETENTION",
  title: "RDS backup retention is too short",
  severity: "medium",
  aliases: ["CKV_AWS_133", "AWS-0077"],
  target: "terraform",
  remediation: "Set backup_retention_period to at least 7 days in prod (and never 0) so point-in-time recovery is possible.",
  check(ctx) {
    const minimum = ctx.environment === "prod" ? 7 : 1;
    return primaries(ctx, "aws_db_instance", "aws_rds_cluster").flatMap((db) => {
      const declared = num(db.attributes.backup_retention_period);
      if (declared === UNKNOWN) return [];
      // The RDS API retains one day of backups when the period is not set.
      const days = declared ?? 1;
      if (days >= minimum) return [];
      const why =
        days === 0
          ? "backup_retention_period = 0 disables automated backups"
          : `backups are kept ${days} day(s)${declared === undefined ? " (the API default)" : ""}`;
      return [hit(db, `${why}; at least ${minimum} day(s) required${ctx.environment ? ` in ${ctx.environment}` : ""}.`)];
    });
  },
};

export const rdsMultiAzProd: Rule = {
  id: "AWS_RDS_MULTI_AZ_PROD",
  title: "Production RDS instance is not Multi-AZ",
  severity: "medium",
  aliases: ["CKV_AWS_157"],
  target: "terraform",
  remediation: "Set multi_az = true for production databases so a standby in another availability zone takes over on failure.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return primaries(ctx, "aws_db_instance")
      .filter((db) => notTrue(db.attributes.multi_az))
      .map((db) => hit(db, "Single-AZ database in prod: an availability-zone outage or maintenance takes it down."));
  },
};

export const rdsDeletionProtectionProd: Rule = {
  id: "AWS_RDS_DELETION_PROTECTION_PROD",
  title: "Production RDS database has no deletion protection",
  severity: "medium",
  aliases: ["CKV_AWS_293", "CKV_AWS_139", "AWS-0177"],
  target: "terraform",
  remediation: "Set deletion_protection = true for production databases; a plan that replaces or destroys them then fails instead of deleting data.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return primaries(ctx, "aws_db_instance", "aws_rds_cluster")
      .filter((db) => notTrue(db.attributes.deletion_protection))
      .map((db) => hit(db, "deletion_protection is not enabled: a careless destroy or a forced replacement deletes the production database."));
  },
};

/** RDS rules. */
export const rdsRules: Rule[] = [rdsPublic, rdsEncryption, rdsBackupRetention, rdsMultiAzProd, rdsDeletionProtectionProd];
