import { STORAGE_GB_TAG } from "../../../pricing/index.js";
import { bucketName, queueName } from "../config.js";
import type { BuildContext } from "../context.js";
import { block, call, type HclBlock, type HclValue, ref, tpl } from "../hcl.js";
import { tfName } from "../labels.js";
import { kmsArn, policyDocument, type Statement, type TfSection } from "./shared.js";
import { siteBucket } from "./static-site.js";

type Bucket = BuildContext["plan"]["buckets"][number];
type Queue = BuildContext["plan"]["queues"][number];

/** Messages that keep failing wait this long in the dead-letter queue: the SQS maximum, 14 days. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/**
 * A private bucket: all four public-access blocks, ACLs disabled, versioning as planned,
 * default encryption and a policy refusing plain HTTP. The bucket CloudFront serves is read
 * through origin access control; it uses SSE-S3 so CloudFront needs no grant on the plan's key.
 */
function bucket(ctx: BuildContext, b: Bucket, index: number): HclBlock[] {
  const name = tfName(b.id);
  const owner = ctx.component(["s3-bucket"], { id: b.id, index });
  const arn = `aws_s3_bucket.${name}.arn`;
  const served = siteBucket(ctx)?.id === b.id;
  const key = served ? undefined : kmsArn(ctx);
  const id = ref(`aws_s3_bucket.${name}.id`);
  const statements: Statement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [ref(arn), tpl`${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ];
  if (served) {
    statements.push({
      Sid: "AllowCloudFrontRead",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: tpl`${arn}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": ref("aws_cloudfront_distribution.site.arn") } },
    });
  }
  const encryption: Record<string, HclValue> = key ? { sse_algorithm: "aws:kms", kms_master_key_id: key } : { sse_algorithm: "AES256" };
  return [
    // The expected size is a usage figure Terraform has no argument for; the validator prices storage by it.
    ctx.resource(
      "aws_s3_bucket",
      name,
      owner,
      { bucket: bucketName(ctx, b.id), force_destroy: false },
      { name: bucketName(ctx, b.id), tags: b.storage_gb > 0 ? { [STORAGE_GB_TAG]: String(b.storage_gb) } : {} },
    ),
    ctx.resource("aws_s3_bucket_public_access_block", name, owner, {
      bucket: id,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    }),
    ctx.resource("aws_s3_bucket_ownership_controls", name, owner, { bucket: id, rule: block({ object_ownership: "BucketOwnerEnforced" }) }),
    ctx.resource("aws_s3_bucket_versioning", name, owner, {
      bucket: id,
      versioning_configuration: block({ status: b.versioning ? "Enabled" : "Disabled" }),
    }),
    ctx.resource("aws_s3_bucket_server_side_encryption_configuration", name, owner, {
      bucket: id,
      rule: block({ apply_server_side_encryption_by_default: block(encryption), bucket_key_enabled: key !== undefined }),
    }),
    ctx.resource("aws_s3_bucket_policy", name, owner, {
      bucket: id,
      policy: policyDocument(statements),
      // A policy cannot be attached while the access block is still being applied.
      depends_on: [ref(`aws_s3_bucket_public_access_block.${name}`)],
    }),
  ];
}

/** A queue with server-side encryption and a dead-letter queue taking messages after `max_receive_count` failures. */
function queue(ctx: BuildContext, q: Queue, index: number): HclBlock[] {
  const name = tfName(q.id);
  const owner = ctx.component(["sqs-queue"], { id: q.id, index });
  const key = kmsArn(ctx);
  const encryption = key ? { kms_master_key_id: key, kms_data_key_reuse_period_seconds: 300 } : { sqs_managed_sse_enabled: true };
  const fifo = q.fifo ? { fifo_queue: true, content_based_deduplication: false } : {};
  return [
    ctx.resource("aws_sqs_queue", `${name}_dlq`, owner, {
      name: queueName(ctx, q.id, q.fifo, true),
      ...fifo,
      message_retention_seconds: DLQ_RETENTION_SECONDS,
      ...encryption,
    }),
    ctx.resource("aws_sqs_queue", name, owner, {
      name: queueName(ctx, q.id, q.fifo),
      ...fifo,
      visibility_timeout_seconds: q.visibility_timeout_s,
      message_retention_seconds: 345_600,
      receive_wait_time_seconds: 20,
      ...encryption,
      redrive_policy: call("jsonencode", { deadLetterTargetArn: ref(`aws_sqs_queue.${name}_dlq.arn`), maxReceiveCount: q.max_receive_count }),
    }),
  ];
}

/** data.tf (buckets and queues). */
export function renderStorage(ctx: BuildContext): TfSection[] {
  const blocks = [...ctx.plan.buckets.flatMap((b, i) => bucket(ctx, b, i)), ...ctx.plan.queues.flatMap((q, i) => queue(ctx, q, i))];
  return blocks.length > 0 ? [{ file: "data.tf", blocks }] : [];
}
