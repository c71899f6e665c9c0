import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { blocks, bool, cannotVerify, hit, hitWith, linkedTo, nested, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const ALL_USERS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/** Each public access block flag and the checks that are about that flag alone. */
const BLOCK_FLAGS: Record<string, readonly string[]> = {
  block_public_acls: ["CKV_AWS_53", "AWS-0086"],
  block_public_policy: ["CKV_AWS_54", "AWS-0087"],
  ignore_public_acls: ["CKV_AWS_55", "AWS-0091"],
  restrict_public_buckets: ["CKV_AWS_56", "AWS-0093"],
};
/** A bucket with no block at all fails every flag's check, plus the "define a block" ones. */
const NO_BLOCK_ALIASES = ["CKV2_AWS_6", ...Object.values(BLOCK_FLAGS).flat(), "AWS-0094"];

/** Companion resources of a bucket (split-out configuration since AWS provider v4). */
export function companions(ctx: RuleContext, bucket: TerraformResource, type: string): TerraformResource[] {
  return linkedTo(ctx, bucket, [type], "bucket", "bucket");
}

/** The bucket a companion resource (`aws_s3_bucket_acl`, `..._logging`) configures, when declared here. */
function bucketOf(ctx: RuleContext, companion: TerraformResource): TerraformResource | undefined {
  return ofType(ctx, "aws_s3_bucket").find((bucket) => companions(ctx, bucket, companion.type).includes(companion));
}

/** Block flags that are known not to be `true` (missing counts as false). */
function openFlags(attrs: Record<string, unknown>): string[] {
  return Object.keys(BLOCK_FLAGS).filter((flag) => {
    const value = bool(attrs[flag]);
    return value !== true && value !== UNKNOWN;
  });
}

/** Block flags whose value is an input nobody gave. */
function unknownFlags(attrs: Record<string, unknown>): string[] {
  return Object.keys(BLOCK_FLAGS).filter((flag) => bool(attrs[flag]) === UNKNOWN && unresolvedInput(attrs[flag]));
}

/** True when a public access block makes S3 ignore or refuse public ACLs on the bucket. */
export function aclsBlocked(ctx: RuleContext, bucket: TerraformResource): boolean {
  return companions(ctx, bucket, "aws_s3_bucket_public_access_block").some(
    (block) => bool(block.attributes.block_public_acls) === true || bool(block.attributes.ignore_public_acls) === true,
  );
}

/** The canned ACLs set on a bucket, inline or through `aws_s3_bucket_acl`, with the resource that sets each. */
export function cannedAcls(ctx: RuleContext, bucket: TerraformResource): { resource: TerraformResource; acl: unknown }[] {
  const own = bucket.attributes.acl === undefined ? [] : [{ resource: bucket, acl: bucket.attributes.acl }];
  const split = companions(ctx, bucket, "aws_s3_bucket_acl")
    .filter((resource) => resource.attributes.acl !== undefined)
    .map((resource) => ({ resource, acl: resource.attributes.acl }));
  return [...own, ...split];
}

/**
 * True when the bucket writes server access logs (inline `logging` block or an
 * `aws_s3_bucket_logging`), or is itself a log destination (the `log-delivery-write` ACL, or
 * the target of another bucket's logging): logging a log bucket into itself would loop.
 */
export function logsAccess(ctx: RuleContext, bucket: TerraformResource): boolean {
  if (blocks(bucket.attributes.logging).length > 0) return true;
  if (companions(ctx, bucket, "aws_s3_bucket_logging").length > 0) return true;
  if (cannedAcls(ctx, bucket).some(({ acl }) => acl === "log-delivery-write")) return true;
  const name = str(bucket.attributes.bucket);
  const targets = [
    ...ofType(ctx, "aws_s3_bucket_logging").map((logging) => logging.attributes.target_bucket),
    ...ofType(ctx, "aws_s3_bucket").flatMap((other) => blocks(other.attributes.logging).map((block) => block.target_bucket)),
  ];
  return targets.some((target) => references(target, bucket) || (name !== undefined && name !== UNKNOWN && target === name));
}

export const s3PublicAcl: Rule = {
  id: "AWS_S3_PUBLIC_ACL",
  title: "S3 bucket ACL grants public access",
  severity: "high",
  aliases: ["CKV_AWS_20", "CKV_AWS_57", "AWS-0092"],
  target: "terraform",
  remediation:
    'Use acl = "private" (or drop ACLs: object_ownership = "BucketOwnerEnforced") and serve public content through CloudFront with origin access control.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const resource of ofType(ctx, "aws_s3_bucket", "aws_s3_bucket_acl")) {
      const bucket = resource.type === "aws_s3_bucket" ? resource : bucketOf(ctx, resource);
      // AWS-0092 is about a canned ACL that no public access block neutralises.
      const blocked = bucket !== undefined && aclsBlocked(ctx, bucket);
      const acl = str(resource.attributes.acl);
      if (acl === UNKNOWN && unresolvedInput(resource.attributes.acl)) {
        hits.push(cannotVerify(resource, "acl", resource.attributes.acl, blocked ? ["CKV_AWS_20"] : ["CKV_AWS_20", "AWS-0092"]));
      } else if (acl && acl !== UNKNOWN && PUBLIC_ACLS.has(acl)) {
        const writable = acl === "public-read-write";
        const aliases = [...(writable ? ["CKV_AWS_20", "CKV_AWS_57"] : ["CKV_AWS_20"]), ...(blocked ? [] : ["AWS-0092"])];
        hits.push(hitWith(resource, aliases, `ACL "${acl}" makes the bucket readable${writable ? " and writable" : ""} by anyone.`));
      }
      const grants = nested(resource.attributes, "access_control_policy", "grant", "grantee");
      if (grants.some((grantee) => typeof grantee.uri === "string" && ALL_USERS.test(grantee.uri))) {
        // A grant is not a canned ACL: AWS-0092 does not look at grants.
        hits.push(hitWith(resource, [], "An ACL grant gives the AllUsers or AuthenticatedUsers group access to the bucket."));
      }
    }
    return hits;
  },
};

export const s3PublicAccessBlock: Rule = {
  id: "AWS_S3_PUBLIC_ACCESS_BLOCK",
  title: "S3 bucket lacks a complete public access block",
  severity: "high",
  aliases: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AWS-0086", "AWS-0087", "AWS-0091", "AWS-0093", "AWS-0094"],
  target: "terraform",
  remediation:
    "Add an aws_s3_bucket_public_access_block for the bucket with all four flags (block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets) set to true.",
  check(ctx) {
    // An account-wide block with every flag on covers every bucket in the account.
    const account = ofType(ctx, "aws_s3_account_public_access_block");
    if (account.some((block) => openFlags(block.attributes).length === 0 && unknownFlags(block.attributes).length === 0)) return [];
    const hits: RuleHit[] = [];
    for (const bucket of ofType(ctx, "aws_s3_bucket")) {
      const accessBlocks = companions(ctx, bucket, "aws_s3_bucket_public_access_block");
      if (accessBlocks.length === 0) {
        hits.push(
          hitWith(bucket, NO_BLOCK_ALIASES, "No aws_s3_bucket_public_access_block protects this bucket, so a later ACL or bucket policy can make it public."),
        );
        continue;
      }
      for (const block of accessBlocks) {
        const open = openFlags(block.attributes);
        if (open.length > 0) {
          hits.push(hitWith(block, open.flatMap(flagAliases), `Public access block for ${bucket.address} leaves ${open.join(", ")} off.`));
        }
        for (const flag of unknownFlags(block.attributes)) hits.push(cannotVerify(block, flag, block.attributes[flag], flagAliases(flag)));
      }
    }
    return hits;
  },
};

function flagAliases(flag: string): readonly string[] {
  return BLOCK_FLAGS[flag] ?? [];
}

export const s3Encryption: Rule = {
  id: "AWS_S3_ENCRYPTION",
  title: "S3 bucket has no explicit server-side encryption",
  severity: "medium",
  aliases: ["CKV_AWS_19", "AWS-0088"],
  target: "terraform",
  remediation:
    'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = "aws:kms" (a customer-managed key lets you audit and revoke access).',
  check(ctx) {
    return ofType(ctx, "aws_s3_bucket")
      .filter((bucket) => blocks(bucket.attributes.server_side_encryption_configuration).length === 0)
      .filter((bucket) => companions(ctx, bucket, "aws_s3_bucket_server_side_encryption_configuration").length === 0)
      .map((bucket) => hit(bucket, "No server-side encryption configuration: the bucket relies on the implicit SSE-S3 default, with no control over keys."));
  },
};

export const s3Versioning: Rule = {
  id: "AWS_S3_VERSIONING",
  title: "S3 bucket versioning is not enabled",
  severity: "medium",
  aliases: ["CKV_AWS_21", "AWS-0090"],
  target: "terraform",
  remediation: 'Add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" } so overwritten or deleted objects can be recovered.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const bucket of ofType(ctx, "aws_s3_bucket")) {
      const inline = blocks(bucket.attributes.versioning).map((block) => bool(block.enabled));
      const statuses = companions(ctx, bucket, "aws_s3_bucket_versioning").flatMap((v) =>
        nested(v.attributes, "versioning_configuration").map((c) => str(c.status)),
      );
      if (inline.some((value) => value === true || value === UNKNOWN)) continue;
      if (statuses.some((status) => status === "Enabled" || status === UNKNOWN)) continue;
      const detail = statuses.length > 0 ? `versioning status is ${statuses.join(", ")}` : "versioning is not configured";
      hits.push(hit(bucket, `Bucket ${detail}; an overwrite or delete cannot be undone.`));
    }
    return hits;
  },
};

export const s3AccessLogging: Rule = {
  id: "AWS_S3_ACCESS_LOGGING",
  title: "S3 bucket does not log access requests",
  severity: "low",
  aliases: ["CKV_AWS_18", "AWS-0089"],
  target: "terraform",
  remediation: "Add an aws_s3_bucket_logging sending the bucket's server access logs to a dedicated log bucket (target_bucket, target_prefix).",
  check(ctx) {
    return ofType(ctx, "aws_s3_bucket")
      .filter((bucket) => !logsAccess(ctx, bucket))
      .map((bucket) => hit(bucket, "No server access logging: who read or changed which object cannot be found out after the fact."));
  },
};

/** S3 rules. */
export const s3Rules: Rule[] = [s3PublicAcl, s3PublicAccessBlock, s3Encryption, s3Versioning, s3AccessLogging];
