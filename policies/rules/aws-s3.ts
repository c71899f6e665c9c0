import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { blocks, bool, hit, linkedTo, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const ALL_USERS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const BLOCK_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/** Companion resources of a bucket (split-out configuration since AWS provider v4). */
function companions(ctx: RuleContext, bucket: TerraformResource, type: string): TerraformResource[] {
  return linkedTo(ctx, bucket, [type], "bucket", "bucket");
}

/** Block flags that are not `true`; unknown values are given the benefit of the doubt. */
function openFlags(attrs: Record<string, unknown>): string[] {
  return BLOCK_FLAGS.filter((flag) => {
    const value = bool(attrs[flag]);
    return value !== true && value !== UNKNOWN;
  });
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
      const acl = str(resource.attributes.acl);
      if (acl && acl !== UNKNOWN && PUBLIC_ACLS.has(acl)) {
        hits.push(hit(resource, `ACL "${acl}" makes the bucket readable${acl === "public-read-write" ? " and writable" : ""} by anyone.`));
      }
      const grants = nested(resource.attributes, "access_control_policy", "grant", "grantee");
      if (grants.some((grantee) => typeof grantee.uri === "string" && ALL_USERS.test(grantee.uri))) {
        hits.push(hit(resource, "An ACL grant gives the AllUsers or AuthenticatedUsers group access to the bucket."));
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
    if (account.some((block) => openFlags(block.attributes).length === 0)) return [];
    const hits: RuleHit[] = [];
    for (const bucket of ofType(ctx, "aws_s3_bucket")) {
      const accessBlocks = companions(ctx, bucket, "aws_s3_bucket_public_access_block");
      if (accessBlocks.length === 0) {
        hits.push(hit(bucket, "No aws_s3_bucket_public_access_block protects this bucket, so a later ACL or bucket policy can make it public."));
        continue;
      }
      for (const block of accessBlocks) {
        const open = openFlags(block.attributes);
        if (open.length > 0) hits.push(hit(block, `Public access block for ${bucket.address} leaves ${open.join(", ")} off.`));
      }
    }
    return hits;
  },
};

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

/** S3 rules. */
export const s3Rules: Rule[] = [s3PublicAcl, s3PublicAccessBlock, s3Encryption, s3Versioning];
