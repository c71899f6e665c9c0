import { describe, expect, it } from "vitest";
import { validateIac } from "../engine.js";

/** Starts a Terraform interpolation without tripping the JS template-literal lint. */
const TF = "$";

/** IAM rule hits for one Terraform file. */
async function iamHits(content: string, path = "iam.tf") {
  const report = await validateIac([{ path, content }]);
  return report.findings.filter((f) => f.rule_id.startsWith("AWS_IAM_")).map((f) => [f.rule_id, f.resource]);
}

describe("IAM policy documents in their different shapes", () => {
  it("reads JSON strings, heredocs and jsonencode() calls", async () => {
    const content = [
      'resource "aws_iam_policy" "json" {\n  policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"*\\", \\"Resource\\": \\"*\\"}]}"\n}',
      'resource "aws_iam_role_policy" "heredoc" {\n  role = "r"\n  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": ["*:*"], "Resource": "arn:aws:s3:::b"}]}\nEOF\n}',
      'resource "aws_iam_user_policy" "encoded" {\n  user = "u"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["*"], Resource = aws_s3_bucket.b.arn }] })\n}',
      'resource "aws_iam_group_policy" "denied" {\n  group = "g"\n  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })\n}',
    ].join("\n");
    expect(await iamHits(content)).toEqual([
      ["AWS_IAM_WILDCARD_ACTION", "aws_iam_policy.json"],
      ["AWS_IAM_WILDCARD_ACTION", "aws_iam_role_policy.heredoc"],
      ["AWS_IAM_USER_POLICY", "aws_iam_user_policy.encoded"],
      ["AWS_IAM_WILDCARD_ACTION", "aws_iam_user_policy.encoded"],
    ]);
  });

  it("reads aws_iam_policy_document data sources, where effect defaults to Allow", async () => {
    const content = [
      'data "aws_iam_policy_document" "admin" {\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n}',
      'data "aws_iam_policy_document" "scoped" {\n  statement {\n    actions   = ["s3:*"]\n    resources = ["arn:aws:s3:::b/*"]\n  }\n}',
      'data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRole"]\n    principals {\n      type        = "AWS"\n      identifiers = ["*"]\n    }\n  }\n}',
    ].join("\n");
    expect(await iamHits(content)).toEqual([
      ["AWS_IAM_WILDCARD_ACTION", "data.aws_iam_policy_document.admin"],
      ["AWS_IAM_ANY_PRINCIPAL", "data.aws_iam_policy_document.trust"],
    ]);
  });

  it("reads decoded documents in .tf.json and ignores what it cannot evaluate", async () => {
    const json = JSON.stringify({
      resource: {
        aws_iam_policy: {
          object: { policy: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
          reference: { policy: `${TF}{data.aws_iam_policy_document.x.json}` },
          file: { policy: `${TF}{file("policy.json")}` },
        },
      },
    });
    expect(await iamHits(json, "iam.tf.json")).toEqual([["AWS_IAM_WILDCARD_ACTION", "aws_iam_policy.object"]]);
  });

  it("accepts a wildcard principal narrowed by a condition", async () => {
    const content = `resource "aws_iam_role" "org" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
    }]
  })
}`;
    expect(await iamHits(content)).toEqual([]);
  });
});
