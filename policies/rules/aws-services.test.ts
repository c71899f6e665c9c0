import { describe, expect, it } from "vitest";
import type { IacFile, TerraformResource } from "../../iac/types.js";
import { validateIac } from "../engine.js";
import { defaultOrgPolicy } from "../org-policy-schema.js";
import type { Finding, Rule, RuleContext } from "../types.js";
import { eksPublicEndpoint, eksSecretsEncryption } from "./aws-containers.js";
import { searchEncryptionAtRest, searchEnforceHttps, searchNodeToNodeEncryption, searchTlsPolicy } from "./aws-data-stores.js";
import { cloudfrontHttps, cloudfrontTlsPolicy, sqsEncryption } from "./aws-serverless.js";

const tf = (content: string, path = "main.tf"): IacFile[] => [{ path, content }];

/** Findings of the rules whose id starts with `prefix`, for files validated as prod. */
async function findings(files: IacFile[], prefix: string): Promise<Finding[]> {
  const report = await validateIac(files, { environment: "prod" });
  return report.findings.filter((f) => f.rule_id.startsWith(prefix));
}

/** A context holding only `resources`, shaped as the plan JSON gives them (arrays of blocks, nulls). */
function planContext(resources: Array<Pick<TerraformResource, "type" | "name" | "attributes">>): RuleContext {
  return {
    environment: "prod",
    policy: defaultOrgPolicy(),
    terraform: {
      resources: resources.map((r) => ({ ...r, address: `${r.type}.${r.name}`, file: "plan.json", line: null, mode: "managed", module: "" })),
      dataSources: [],
      providers: [],
      variables: [],
    },
    kubernetes: [],
    parseErrors: [],
    files: [],
    skipped: [],
  };
}

const run = async (rule: Rule, ctx: RuleContext) => await rule.check(ctx);

describe("EKS endpoint: each hit carries only the Trivy ids its evidence shows", () => {
  const cluster = (vpc: string) =>
    `resource "aws_eks_cluster" "c" {\n  name = "x"\n  role_arn = "arn:aws:iam::111122223333:role/eks"\n  vpc_config {\n    subnet_ids = ["subnet-1"]\n${vpc}  }\n}\n`;

  it("public to listed ranges is AWS-0040 only; public to the world (the default CIDR) is AWS-0040 and AWS-0041", async () => {
    const restricted = await findings(tf(cluster('    public_access_cidrs = ["198.51.100.0/24"]\n')), "AWS_EKS_PUBLIC");
    expect(restricted.map((f) => f.aliases)).toEqual([["CKV_AWS_39", "AWS-0040"]]);
    expect(restricted[0]?.message).toContain("198.51.100.0/24");
    const open = await findings(tf(cluster("")), "AWS_EKS_PUBLIC");
    expect(open.map((f) => f.aliases)).toEqual([["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"]]);
    expect(await findings(tf(cluster("    endpoint_public_access = false\n")), "AWS_EKS_PUBLIC")).toEqual([]);
  });

  it("says Cannot verify when endpoint_public_access or the CIDRs are a variable without a value", async () => {
    const unknownAccess = await findings(tf(`variable "public" {}\n${cluster("    endpoint_public_access = var.public\n")}`), "AWS_EKS_PUBLIC");
    expect(unknownAccess.map((f) => [f.unverified, f.aliases])).toEqual([[true, ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"]]]);
    const unknownCidrs = await findings(tf(`variable "cidrs" {}\n${cluster("    public_access_cidrs = var.cidrs\n")}`), "AWS_EKS_PUBLIC");
    // the endpoint is known to be public (AWS-0040); whether the ranges are open (AWS-0041) is not
    expect(unknownCidrs.map((f) => [f.unverified ?? false, f.aliases])).toEqual([
      [true, ["CKV_AWS_38", "AWS-0041"]],
      [false, ["CKV_AWS_39", "AWS-0040"]],
    ]);
  });

  it("reads the plan JSON shape: null public_access_cidrs is the provider default 0.0.0.0/0", async () => {
    const ctx = planContext([
      { type: "aws_eks_cluster", name: "c", attributes: { vpc_config: [{ endpoint_public_access: true, public_access_cidrs: null }] } },
    ]);
    expect((await run(eksPublicEndpoint, ctx)).map((h) => h.aliases)).toEqual([["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"]]);
  });
});

describe("EKS secrets encryption reads dynamic encryption_config blocks", () => {
  const cluster = (forEach: string) =>
    `variable "keys" {\n  default = ${forEach}\n}\nresource "aws_kms_key" "eks" {}\nresource "aws_eks_cluster" "c" {\n  name = "x"\n  role_arn = "arn:aws:iam::111122223333:role/eks"\n  vpc_config {\n    subnet_ids = ["subnet-1"]\n    endpoint_public_access = false\n  }\n  dynamic "encryption_config" {\n    for_each = var.keys\n    content {\n      resources = ["secrets"]\n      provider {\n        key_arn = encryption_config.value\n      }\n    }\n  }\n}\n`;

  it("passes when the dynamic block expands to a config for secrets, fails when it expands to none", async () => {
    expect(await findings(tf(cluster('["arn:aws:kms:eu-west-1:111122223333:key/1"]')), "AWS_EKS_SECRETS")).toEqual([]);
    expect((await findings(tf(cluster("[]")), "AWS_EKS_SECRETS")).map((f) => f.aliases)).toEqual([["CKV_AWS_58", "AWS-0039"]]);
  });

  it("does not flag a dynamic block whose for_each is unknown (a low check: its content shows a key will be named)", async () => {
    const unknown = cluster("[]").replace('variable "keys" {\n  default = []\n}', 'variable "keys" {}');
    expect(unknown).toContain('variable "keys" {}');
    expect(await findings(tf(unknown), "AWS_EKS_SECRETS")).toEqual([]);
  });

  it("accepts a .tf.json encryption_config given as a single object", async () => {
    const json = {
      resource: {
        aws_eks_cluster: {
          c: {
            name: "x",
            vpc_config: { subnet_ids: ["subnet-1"], endpoint_public_access: false },
            encryption_config: { resources: ["secrets"], provider: { key_arn: "arn:aws:kms:eu-west-1:111122223333:key/1" } },
          },
        },
      },
    };
    expect(await findings(tf(JSON.stringify(json), "eks.tf.json"), "AWS_EKS_")).toEqual([
      expect.objectContaining({ rule_id: "AWS_EKS_CONTROL_PLANE_LOGGING", file: "eks.tf.json" }),
    ]);
  });

  it("flags a plan JSON encryption_config whose provider has no key_arn", async () => {
    const ctx = planContext([
      { type: "aws_eks_cluster", name: "c", attributes: { encryption_config: [{ resources: ["secrets"], provider: [{ key_arn: null }] }] } },
    ]);
    expect((await run(eksSecretsEncryption, ctx)).map((h) => h.message)).toEqual([expect.stringContaining("no provider { key_arn }")]);
  });
});

describe("unknown deciding values", () => {
  it("are Cannot verify for high checks and ignored for medium ones", async () => {
    const content = [
      'variable "encrypted" {}',
      'variable "pitr" {}',
      'resource "aws_efs_file_system" "fs" {\n  encrypted = var.encrypted\n}',
      'resource "aws_dynamodb_table" "t" {\n  name = "t"\n  hash_key = "id"\n  point_in_time_recovery {\n    enabled = var.pitr\n  }\n  server_side_encryption {\n    enabled = true\n    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1"\n  }\n}',
    ].join("\n");
    const found = await findings(tf(content), "AWS_");
    expect(found.map((f) => [f.rule_id, f.unverified])).toEqual([["AWS_EFS_ENCRYPTION", true]]);
    expect(found[0]?.message).toMatch(/^Cannot verify: encrypted is \$\{var\.encrypted\}/);
  });

  it("counts a reference to a key resource as set, a key variable without value as unknown", async () => {
    const content = [
      'variable "key" {}',
      'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}',
      'resource "aws_sns_topic" "by_ref" {\n  kms_master_key_id = aws_kms_key.k.arn\n}',
      'resource "aws_sns_topic" "by_var" {\n  kms_master_key_id = var.key\n}',
    ].join("\n");
    expect((await findings(tf(content), "AWS_SNS_")).map((f) => [f.resource, f.unverified])).toEqual([["aws_sns_topic.by_var", true]]);
  });
});

describe("resource policies", () => {
  it("reads an SQS queue policy from an aws_iam_policy_document data source, and cannot verify one from a variable", async () => {
    const content = [
      'variable "policy" {}',
      'resource "aws_sqs_queue" "q" {\n  name = "q"\n}',
      'data "aws_iam_policy_document" "all" {\n  statement {\n    actions = ["sqs:*"]\n    resources = ["*"]\n    principals {\n      type = "AWS"\n      identifiers = ["arn:aws:iam::111122223333:root"]\n    }\n  }\n}',
      'resource "aws_sqs_queue_policy" "doc" {\n  queue_url = aws_sqs_queue.q.id\n  policy = data.aws_iam_policy_document.all.json\n}',
      'resource "aws_sqs_queue_policy" "var" {\n  queue_url = aws_sqs_queue.q.id\n  policy = var.policy\n}',
    ].join("\n");
    expect((await findings(tf(content), "AWS_SQS_")).map((f) => [f.resource, f.unverified ?? false])).toEqual([
      ["aws_sqs_queue_policy.doc", false],
      ["aws_sqs_queue_policy.var", true],
    ]);
  });

  it("does not call an ECR policy public when a condition restricts the principal", async () => {
    const policy = (condition: string) =>
      `resource "aws_ecr_repository_policy" "p" {\n  repository = "r"\n  policy = jsonencode({\n    Statement = [{\n      Effect = "Allow"\n      Principal = { AWS = "*" }\n      Action = "ecr:BatchGetImage"\n${condition}    }]\n  })\n}\n`;
    expect(await findings(tf(policy('      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }\n')), "AWS_ECR_PUBLIC")).toEqual([]);
    expect((await findings(tf(policy("")), "AWS_ECR_PUBLIC")).map((f) => f.aliases)).toEqual([["AWS-0032"]]);
  });
});

describe("defaults and addresses", () => {
  it("leaves an SQS queue with default SSE-SQS alone but flags SSE turned off", async () => {
    const content =
      'resource "aws_sqs_queue" "default" {\n  name = "a"\n}\nresource "aws_sqs_queue" "off" {\n  name = "b"\n  sqs_managed_sse_enabled = false\n}\n';
    expect((await findings(tf(content), "AWS_SQS_ENCRYPTION")).map((f) => f.resource)).toEqual(["aws_sqs_queue.off"]);
    const ctx = planContext([{ type: "aws_sqs_queue", name: "q", attributes: { kms_master_key_id: null, sqs_managed_sse_enabled: true } }]);
    expect(await run(sqsEncryption, ctx)).toEqual([]);
  });

  it("addresses findings inside local modules and skips resources removed by count = 0", async () => {
    const files: IacFile[] = [
      { path: "main.tf", content: 'module "queue" {\n  source = "./queue"\n}\nresource "aws_sns_topic" "gone" {\n  count = 0\n  name = "gone"\n}\n' },
      { path: "queue/main.tf", content: 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n' },
    ];
    expect((await findings(files, "AWS_SNS_ENCRYPTION")).map((f) => [f.resource, f.file])).toEqual([["module.queue.aws_sns_topic.t", "queue/main.tf"]]);
  });

  it("reads OpenSearch and CloudFront settings in the plan JSON shape", async () => {
    const domain = planContext([
      {
        type: "aws_opensearch_domain",
        name: "d",
        attributes: {
          encrypt_at_rest: [{ enabled: true, kms_key_id: null }],
          node_to_node_encryption: [{ enabled: true }],
          domain_endpoint_options: [{ enforce_https: true, tls_security_policy: "Policy-Min-TLS-1-2-PFS-2023-10", custom_endpoint: null }],
        },
      },
    ]);
    for (const rule of [searchEncryptionAtRest, searchNodeToNodeEncryption, searchEnforceHttps, searchTlsPolicy]) expect(await run(rule, domain)).toEqual([]);
    const dist = planContext([
      {
        type: "aws_cloudfront_distribution",
        name: "d",
        attributes: {
          default_cache_behavior: [{ viewer_protocol_policy: "https-only" }],
          ordered_cache_behavior: [{ path_pattern: "/legacy/*", viewer_protocol_policy: "allow-all" }],
          viewer_certificate: [{ cloudfront_default_certificate: false, minimum_protocol_version: "TLSv1.2_2019" }],
        },
      },
    ]);
    expect((await run(cloudfrontHttps, dist)).map((h) => h.message)).toEqual([expect.stringContaining("/legacy/*")]);
    expect((await run(cloudfrontTlsPolicy, dist)).map((h) => h.message)).toEqual([expect.stringContaining("TLSv1.2_2019")]);
  });
});

describe("CloudFront without a WAF: high in front of an application, medium over S3 alone", () => {
  const dist = (name: string, origin: string) =>
    `resource "aws_cloudfront_distribution" "${name}" {\n  enabled = true\n  origin {\n${origin}    origin_id = "o"\n  }\n}\n`;

  it("rates a bucket-only distribution medium and one with a load balancer origin high, both as AWS-0011", async () => {
    const files = tf(
      [
        dist(
          "site",
          "    domain_name = aws_s3_bucket.site.bucket_regional_domain_name\n    origin_access_control_id = aws_cloudfront_origin_access_control.site.id\n",
        ),
        dist(
          "api",
          '    domain_name = aws_lb.api.dns_name\n    custom_origin_config {\n      http_port = 80\n      https_port = 443\n      origin_protocol_policy = "https-only"\n      origin_ssl_protocols = ["TLSv1.2"]\n    }\n',
        ),
        dist("mixed", '    domain_name = "shop.s3.amazonaws.com"\n  }\n  origin {\n    domain_name = "api.example.com"\n'),
      ].join("\n"),
    );
    const found = (await findings(files, "AWS_CLOUDFRONT_WAF")).map((f) => [f.resource, f.rule_id, f.severity, f.aliases]);
    expect(found).toEqual([
      ["aws_cloudfront_distribution.site", "AWS_CLOUDFRONT_WAF_STATIC", "medium", ["AWS-0011"]],
      ["aws_cloudfront_distribution.api", "AWS_CLOUDFRONT_WAF", "high", ["AWS-0011"]],
      ["aws_cloudfront_distribution.mixed", "AWS_CLOUDFRONT_WAF", "high", ["AWS-0011"]],
    ]);
  });
});
