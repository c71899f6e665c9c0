import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { aclsBlocked, cannedAcls, logsAccess } from "./aws-s3.js";
import { bool, cannotVerify, hit, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

/** True when an attribute is absent or empty (a reference to a key or log group counts as set). */
function unset(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** A boolean attribute known not to be true (missing counts as false). */
function notTrue(value: unknown): boolean {
  const parsed = bool(value);
  return parsed !== true && parsed !== UNKNOWN;
}

/** The bucket a trail delivers to, when it is declared here (by reference or by the same name). */
function trailBucket(ctx: RuleContext, trail: TerraformResource): TerraformResource | undefined {
  const target = trail.attributes.s3_bucket_name;
  const name = str(target);
  return ofType(ctx, "aws_s3_bucket").find(
    (bucket) =>
      bucket.module === trail.module && (references(target, bucket) || (name !== undefined && name !== UNKNOWN && str(bucket.attributes.bucket) === name)),
  );
}

export const cloudtrailMultiRegion: Rule = {
  id: "AWS_CLOUDTRAIL_MULTI_REGION",
  title: "CloudTrail trail covers a single region",
  severity: "medium",
  aliases: ["CKV_AWS_67", "AWS-0014"],
  target: "terraform",
  remediation: "Set is_multi_region_trail = true so API activity in every region, including ones you do not use, is recorded.",
  check(ctx) {
    return ofType(ctx, "aws_cloudtrail")
      .filter((trail) => notTrue(trail.attributes.is_multi_region_trail))
      .map((trail) => hit(trail, "is_multi_region_trail is not true: activity in other regions (a favourite place to hide) is not recorded."));
  },
};

export const cloudtrailLogValidation: Rule = {
  id: "AWS_CLOUDTRAIL_LOG_VALIDATION",
  title: "CloudTrail log file validation is off",
  severity: "high",
  aliases: ["CKV_AWS_36", "AWS-0016"],
  target: "terraform",
  remediation: "Set enable_log_file_validation = true so digest files prove that no log file was changed or deleted.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const trail of ofType(ctx, "aws_cloudtrail")) {
      const value = trail.attributes.enable_log_file_validation;
      if (notTrue(value)) hits.push(hit(trail, "enable_log_file_validation is not true: an intruder can edit or delete log files unnoticed."));
      else if (unresolvedInput(value)) hits.push(cannotVerify(trail, "enable_log_file_validation", value));
    }
    return hits;
  },
};

export const cloudtrailCmk: Rule = {
  id: "AWS_CLOUDTRAIL_CMK",
  title: "CloudTrail logs are not encrypted with a customer-managed key",
  severity: "high",
  aliases: ["CKV_AWS_35", "AWS-0015"],
  target: "terraform",
  remediation: "Set kms_key_id to a customer-managed KMS key whose policy lets CloudTrail encrypt and only auditors decrypt.",
  check(ctx) {
    return ofType(ctx, "aws_cloudtrail")
      .filter((trail) => unset(trail.attributes.kms_key_id))
      .map((trail) => hit(trail, "No kms_key_id: anyone who can read the bucket can read the logs; access is not controlled by a key policy."));
  },
};

export const cloudtrailCloudwatch: Rule = {
  id: "AWS_CLOUDTRAIL_CLOUDWATCH",
  title: "CloudTrail trail does not send events to CloudWatch Logs",
  severity: "low",
  aliases: ["AWS-0162"],
  target: "terraform",
  remediation: "Set cloud_watch_logs_group_arn (the log group ARN followed by :*) and cloud_watch_logs_role_arn so events can raise alarms in real time.",
  check(ctx) {
    return ofType(ctx, "aws_cloudtrail")
      .filter((trail) => unset(trail.attributes.cloud_watch_logs_group_arn))
      .map((trail) => hit(trail, "No cloud_watch_logs_group_arn: events land only in S3, so no metric filter or alarm can react to them."));
  },
};

export const cloudtrailBucketLogging: Rule = {
  id: "AWS_CLOUDTRAIL_BUCKET_LOGGING",
  title: "CloudTrail bucket does not log access",
  severity: "low",
  aliases: ["AWS-0163"],
  target: "terraform",
  remediation: "Add an aws_s3_bucket_logging for the trail's bucket, delivering to a separate log bucket, so reads of the audit trail are recorded too.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const trail of ofType(ctx, "aws_cloudtrail")) {
      const bucket = trailBucket(ctx, trail);
      if (bucket && !logsAccess(ctx, bucket)) hits.push(hit(bucket, `${trail.address} delivers here, and nothing records who reads or deletes these logs.`));
    }
    return hits;
  },
};

export const cloudtrailBucketPublic: Rule = {
  id: "AWS_CLOUDTRAIL_BUCKET_PUBLIC",
  title: "CloudTrail bucket has a public ACL",
  severity: "critical",
  aliases: ["AWS-0161"],
  target: "terraform",
  remediation: 'Make the trail\'s bucket private (acl = "private" or BucketOwnerEnforced ownership) and block public access on it.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const trail of ofType(ctx, "aws_cloudtrail")) {
      const bucket = trailBucket(ctx, trail);
      if (!bucket || aclsBlocked(ctx, bucket)) continue;
      for (const { resource, acl } of cannedAcls(ctx, bucket)) {
        const value = str(acl);
        if (value !== undefined && value !== UNKNOWN && PUBLIC_ACLS.has(value)) {
          hits.push(hit(resource, `ACL "${value}" exposes the logs ${trail.address} writes: every API call of the account, to anyone.`));
        } else if (unresolvedInput(acl)) hits.push(cannotVerify(resource, "acl", acl));
      }
    }
    return hits;
  },
};

export const logGroupCmk: Rule = {
  id: "AWS_CLOUDWATCH_LOG_GROUP_CMK",
  title: "CloudWatch log group is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["CKV_AWS_158", "AWS-0017"],
  target: "terraform",
  remediation: "Set kms_key_id to a customer-managed KMS key whose policy allows the logs service principal of the region.",
  check(ctx) {
    return ofType(ctx, "aws_cloudwatch_log_group")
      .filter((group) => unset(group.attributes.kms_key_id))
      .map((group) => hit(group, "No kms_key_id: log events are encrypted with a key you cannot control, audit or revoke."));
  },
};

/** CloudTrail and CloudWatch Logs rules. */
export const loggingRules: readonly Rule[] = [
  cloudtrailMultiRegion,
  cloudtrailLogValidation,
  cloudtrailCmk,
  cloudtrailCloudwatch,
  cloudtrailBucketLogging,
  cloudtrailBucketPublic,
  logGroupCmk,
];
