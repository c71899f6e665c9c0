import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleHit } from "../types.js";
import { bool, cannotVerify, hit, num, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/** Valkey replication groups are encrypted at rest by default; Redis ones are not. */
function atRestDefault(group: TerraformResource): boolean {
  return str(group.attributes.engine) === "valkey";
}

export const elasticacheAtRest: Rule = {
  id: "AWS_ELASTICACHE_AT_REST_ENCRYPTION",
  title: "ElastiCache replication group is not encrypted at rest",
  severity: "high",
  aliases: ["CKV_AWS_29", "AWS-0045"],
  target: "terraform",
  remediation: "Set at_rest_encryption_enabled = true (optionally with kms_key_id); it requires replacing the replication group.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const group of ofType(ctx, "aws_elasticache_replication_group")) {
      const raw = group.attributes.at_rest_encryption_enabled;
      const value = bool(raw);
      if (value === false || (value === undefined && !atRestDefault(group))) {
        hits.push(hit(group, "at_rest_encryption_enabled is not true: snapshots and swap hold cached data in clear."));
      } else if (unresolvedInput(raw)) hits.push(cannotVerify(group, "at_rest_encryption_enabled", raw));
    }
    return hits;
  },
};

export const elasticacheInTransit: Rule = {
  id: "AWS_ELASTICACHE_IN_TRANSIT_ENCRYPTION",
  title: "ElastiCache replication group does not encrypt traffic",
  severity: "high",
  aliases: ["CKV_AWS_30", "AWS-0051"],
  target: "terraform",
  remediation: "Set transit_encryption_enabled = true and connect with TLS (rediss://); add auth_token or RBAC user groups.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const group of ofType(ctx, "aws_elasticache_replication_group")) {
      const raw = group.attributes.transit_encryption_enabled;
      const value = bool(raw);
      if (value !== true && value !== UNKNOWN) hits.push(hit(group, "transit_encryption_enabled is not true: clients and replicas talk in clear text."));
      else if (unresolvedInput(raw)) hits.push(cannotVerify(group, "transit_encryption_enabled", raw));
    }
    return hits;
  },
};

export const logRetention: Rule = {
  id: "AWS_CLOUDWATCH_LOG_RETENTION",
  title: "CloudWatch log group keeps logs forever",
  severity: "low",
  aliases: ["CKV_AWS_66"],
  target: "terraform",
  remediation: "Set retention_in_days (e.g. 30 for application logs, 365 for audit logs) to bound cost and personal-data exposure.",
  check(ctx) {
    return ofType(ctx, "aws_cloudwatch_log_group")
      .filter((group) => {
        const days = num(group.attributes.retention_in_days);
        return days === undefined || days === 0;
      })
      .map((group) => hit(group, "No retention_in_days: logs never expire, so cost and retained personal data grow without bound."));
  },
};

export const kmsRotation: Rule = {
  id: "AWS_KMS_KEY_ROTATION",
  title: "KMS key rotation is not enabled",
  severity: "medium",
  aliases: ["CKV_AWS_7", "AWS-0065"],
  target: "terraform",
  remediation: "Set enable_key_rotation = true (yearly by default, rotation_period_in_days to change it).",
  check(ctx) {
    return ofType(ctx, "aws_kms_key")
      .filter((key) => {
        // Only symmetric encryption keys can rotate automatically.
        const spec = str(key.attributes.customer_master_key_spec ?? key.attributes.key_spec) ?? "SYMMETRIC_DEFAULT";
        const usage = str(key.attributes.key_usage) ?? "ENCRYPT_DECRYPT";
        return spec === "SYMMETRIC_DEFAULT" && usage === "ENCRYPT_DECRYPT";
      })
      .filter((key) => {
        const value = bool(key.attributes.enable_key_rotation);
        return value !== true && value !== UNKNOWN;
      })
      .map((key) => hit(key, "enable_key_rotation is not true: the same key material protects data indefinitely."));
  },
};

/** ElastiCache, CloudWatch Logs and KMS rules. */
export const miscRules: Rule[] = [elasticacheAtRest, elasticacheInTransit, logRetention, kmsRotation];
