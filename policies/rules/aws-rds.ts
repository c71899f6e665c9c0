import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { bool, cannotVerify, hit, hitWith, num, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Databases that own their storage settings. Read replicas inherit them from the source and
 * Aurora instances from their cluster, so checking those would only repeat a finding.
 */
function primaries(ctx: RuleContext, ...types: string[]): TerraformResource[] {
  return ofType(ctx, ...types).filter((db) => {
    if (db.type !== "aws_db_instance") return true;
    const engine = str(db.attributes.engine);
    // Plan JSON gives an absent source as null or "".
    const source = db.attributes.replicate_source_db;
    const replica = source !== undefined && source !== null && source !== "";
    return !replica && !(typeof engine === "string" && engine.startsWith("aurora"));
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
    const hits: RuleHit[] = [];
    for (const db of ofType(ctx, "aws_db_instance", "aws_rds_cluster_instance")) {
      const value = db.attributes.publicly_accessible;
      if (bool(value) === true) hits.push(hit(db, "publicly_accessible = true gives the database a public DNS name reachable from the internet."));
      else if (unresolvedInput(value)) hits.push(cannotVerify(db, "publicly_accessible", value));
    }
    return hits;
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
    const hits: RuleHit[] = [];
    // Aurora Serverless v1 is always encrypted.
    for (const db of primaries(ctx, "aws_db_instance", "aws_rds_cluster").filter((d) => d.attributes.engine_mode !== "serverless")) {
      const aliases = db.type === "aws_rds_cluster" ? ["CKV_AWS_96", "AWS-0079"] : ["CKV_AWS_16", "AWS-0080"];
      const value = db.attributes.storage_encrypted;
      if (notTrue(value)) hits.push(hitWith(db, aliases, "storage_encrypted is not true: data, logs, backups and snapshots are stored unencrypted."));
      else if (unresolvedInput(value)) hits.push(cannotVerify(db, "storage_encrypted", value, aliases));
    }
    return hits;
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
      // AWS-0077 is about less than 2 days; CKV_AWS_133 about backups being off.
      const aliases = [...(days === 0 ? ["CKV_AWS_133"] : []), ...(days < 2 ? ["AWS-0077"] : [])];
      return [hitWith(db, aliases, `${why}; at least ${minimum} day(s) required${ctx.environment ? ` in ${ctx.environment}` : ""}.`)];
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
  aliases: ["CKV_AWS_293", "CKV_AWS_139", "AWS-0177", "AWS-0343"],
  target: "terraform",
  remediation: "Set deletion_protection = true for production databases; a plan that replaces or destroys them then fails instead of deleting data.",
  check(ctx) {
    if (ctx.environment !== "prod") return [];
    return primaries(ctx, "aws_db_instance", "aws_rds_cluster")
      .filter((db) => notTrue(db.attributes.deletion_protection))
      .map((db) =>
        hitWith(
          db,
          db.type === "aws_rds_cluster" ? ["CKV_AWS_139", "AWS-0343"] : ["CKV_AWS_293", "AWS-0177"],
          "deletion_protection is not enabled: a careless destroy or a forced replacement deletes the production database.",
        ),
      );
  },
};

/** Engines IAM database authentication works with (AWS-0176 names these two). */
const IAM_AUTH_ENGINES = new Set(["postgres", "mysql"]);

export const rdsIamAuth: Rule = {
  id: "AWS_RDS_IAM_AUTH",
  title: "RDS instance does not use IAM database authentication",
  severity: "medium",
  aliases: ["CKV_AWS_161", "AWS-0176"],
  target: "terraform",
  remediation: "Set iam_database_authentication_enabled = true and have applications connect with short-lived IAM tokens instead of stored passwords.",
  check(ctx) {
    return primaries(ctx, "aws_db_instance")
      .filter((db) => IAM_AUTH_ENGINES.has(str(db.attributes.engine) ?? ""))
      .filter((db) => notTrue(db.attributes.iam_database_authentication_enabled))
      .map((db) => hit(db, "iam_database_authentication_enabled is not true: every client needs a long-lived database password."));
  },
};

export const rdsPerformanceInsights: Rule = {
  id: "AWS_RDS_PERFORMANCE_INSIGHTS",
  title: "RDS instance has Performance Insights off",
  severity: "low",
  aliases: ["AWS-0133"],
  target: "terraform",
  remediation: "Set performance_insights_enabled = true (7 days of retention are free) with performance_insights_kms_key_id set to a customer-managed key.",
  check(ctx) {
    return ofType(ctx, "aws_db_instance", "aws_rds_cluster_instance")
      .filter((db) => notTrue(db.attributes.performance_insights_enabled))
      .map((db) => hit(db, "performance_insights_enabled is not true: there is no record of which sessions and queries loaded the database."));
  },
};

export const rdsPerformanceInsightsCmk: Rule = {
  id: "AWS_RDS_PERFORMANCE_INSIGHTS_CMK",
  title: "RDS Performance Insights data is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["AWS-0078"],
  target: "terraform",
  remediation: "Set performance_insights_kms_key_id to the ARN of a customer-managed KMS key.",
  check(ctx) {
    return ofType(ctx, "aws_db_instance", "aws_rds_cluster_instance")
      .filter((db) => bool(db.attributes.performance_insights_enabled) === true)
      .filter((db) => {
        const key = db.attributes.performance_insights_kms_key_id;
        return key === undefined || key === null || key === "";
      })
      .map((db) => hit(db, "Performance Insights is on without performance_insights_kms_key_id: its data (including SQL text) is under an AWS-managed key."));
  },
};

/** RDS rules. */
export const rdsRules: Rule[] = [
  rdsPublic,
  rdsEncryption,
  rdsBackupRetention,
  rdsMultiAzProd,
  rdsDeletionProtectionProd,
  rdsIamAuth,
  rdsPerformanceInsights,
  rdsPerformanceInsightsCmk,
];
