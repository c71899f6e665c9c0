import { secretName } from "../config.js";
import type { BuildContext } from "../context.js";
import { type HclBlock, interpolate, ref, tpl } from "../hcl.js";
import { awsName, tfName } from "../labels.js";
import { ACCOUNT_ID, kmsArn, PARTITION, policyDocument, type TfSection } from "./shared.js";

/**
 * The key policy: the account's IAM policies decide who uses the key (AWS's default first
 * statement, which is why it says `kms:*`), and CloudWatch Logs may use it for this
 * account's log groups in the plan's region only.
 */
function keyPolicy(ctx: BuildContext) {
  const region = ctx.plan.region;
  return policyDocument([
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: tpl`arn:${PARTITION}:iam::${ACCOUNT_ID}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "AllowCloudWatchLogs",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: "*",
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": interpolate("arn:", ref(PARTITION), `:logs:${region}:`, ref(ACCOUNT_ID), ":log-group:*") },
      },
    },
  ]);
}

/**
 * secrets.tf: the customer-managed key (when the plan asks for one) with yearly rotation,
 * and one Secrets Manager secret per planned secret. Secrets are created empty: their
 * values are set out of band (`aws secretsmanager put-secret-value`), never in Terraform state.
 */
export function renderSecrets(ctx: BuildContext): TfSection[] {
  const { plan } = ctx;
  const blocks: HclBlock[] = [];
  if (ctx.cmk) {
    const owner = ctx.component(["kms-key", "secrets"]);
    blocks.push(
      ctx.resource("aws_kms_key", "main", owner, {
        description: `${plan.goal_name} ${plan.environment}: data at rest`,
        key_usage: "ENCRYPT_DECRYPT",
        customer_master_key_spec: "SYMMETRIC_DEFAULT",
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        policy: keyPolicy(ctx),
      }),
    );
  }
  plan.security.secrets.forEach((secret, index) => {
    const owner = ctx.component(["secrets"], { id: secret.name, index });
    blocks.push(
      ctx.resource(
        "aws_secretsmanager_secret",
        tfName(secret.name),
        owner,
        {
          name: secretName(ctx, secret.name),
          description: secret.purpose,
          kms_key_id: kmsArn(ctx),
          recovery_window_in_days: plan.environment === "prod" ? 30 : 7,
        },
        { name: awsName(200, ctx.prefix, secret.name) },
      ),
    );
  });
  return blocks.length > 0 ? [{ file: "secrets.tf", blocks }] : [];
}
