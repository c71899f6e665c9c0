import { describe, expect, it } from "vitest";
import type { IacFile } from "../../iac/types.js";
import { type ValidateOptions, validateIac } from "../engine.js";
import { imageTag } from "./k8s-workload.js";

/** Rule ids found in the given files, optionally only those starting with `prefix`. */
async function ids(files: IacFile[], prefix = "", options: ValidateOptions = {}): Promise<string[]> {
  const report = await validateIac(files, options);
  return report.findings.map((f) => f.rule_id).filter((id) => id.startsWith(prefix));
}

const tf = (content: string): IacFile[] => [{ path: "main.tf", content }];

describe("security group rules", () => {
  it("reports a wide-open rule once, as all-ports, not also as SSH and RDP", async () => {
    const content =
      'resource "aws_security_group" "x" {\n  ingress {\n    from_port = 0\n    to_port = 65535\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
    expect(await ids(tf(content), "AWS_SG_")).toEqual(["AWS_SG_ALL_PORTS_OPEN"]);
  });

  it("catches a port range covering 22 and dynamic blocks with literal values", async () => {
    const content = [
      'resource "aws_security_group" "range" {\n  ingress {\n    from_port = 20\n    to_port = 30\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}',
      'resource "aws_security_group" "dyn" {\n  dynamic "ingress" {\n    for_each = [1]\n    content {\n      from_port = 3389\n      to_port = 3389\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/0"]\n    }\n  }\n}',
    ].join("\n");
    expect(await ids(tf(content), "AWS_SG_")).toEqual(["AWS_SG_SSH_OPEN", "AWS_SG_RDP_OPEN"]);
  });

  it("ignores egress and VPC-internal sources; an unresolved variable CIDR or port is 'Cannot verify'", async () => {
    const content = [
      'resource "aws_security_group_rule" "out" {\n  type = "egress"\n  from_port = 0\n  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
      'resource "aws_security_group_rule" "vpc" {\n  type = "ingress"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = [aws_vpc.main.cidr_block]\n}',
      'resource "aws_security_group_rule" "var" {\n  type = "ingress"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = var.admin_cidrs\n}',
      'resource "aws_security_group_rule" "port" {\n  type = "ingress"\n  from_port = var.port\n  to_port = var.port\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}',
    ].join("\n");
    const report = await validateIac(tf(content));
    const found = report.findings.filter((f) => f.rule_id.startsWith("AWS_SG_")).map((f) => [f.rule_id, f.resource, f.unverified ?? false, f.aliases]);
    expect(found).toEqual([
      ["AWS_SG_SSH_OPEN", "aws_security_group_rule.var", true, ["CKV_AWS_24", "AWS-0107"]],
      ["AWS_SG_ALL_PORTS_OPEN", "aws_security_group_rule.port", true, ["AWS-0107"]],
    ]);
    expect(report.findings.filter((f) => f.unverified).every((f) => f.message.startsWith("Cannot verify"))).toBe(true);
  });

  it("gives each hit only the Trivy id its evidence matches", async () => {
    const content = [
      'resource "aws_security_group" "all" {\n  description = "x"\n  ingress {\n    description = "x"\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}',
      'resource "aws_security_group" "icmp" {\n  description = "x"\n  ingress {\n    description = "x"\n    from_port = 0\n    to_port = 65535\n    protocol = "icmp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}',
    ].join("\n");
    const report = await validateIac(tf(content));
    // ICMP reaches neither SSH nor RDP, so AWS-0107 does not apply to it.
    expect(report.findings.map((f) => [f.resource, f.aliases])).toEqual([
      ["aws_security_group.all", ["CKV_AWS_277", "AWS-0107"]],
      ["aws_security_group.icmp", []],
    ]);
  });
});

describe("alias precision", () => {
  /** `resource: aliases` of the findings of one rule. */
  async function aliasesOf(content: string, ruleId: string, options: ValidateOptions = {}) {
    const report = await validateIac(tf(content), options);
    return report.findings.filter((f) => f.rule_id === ruleId).map((f) => `${f.resource}: ${f.aliases.join(" ")}`);
  }

  it("S3: one open public-access flag is its own check; a missing block fails them all", async () => {
    const content = [
      'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}',
      'resource "aws_s3_bucket_public_access_block" "a" {\n  bucket = aws_s3_bucket.a.id\n  block_public_acls = false\n  block_public_policy = true\n  ignore_public_acls = true\n  restrict_public_buckets = true\n}',
      'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}',
    ].join("\n");
    expect(await aliasesOf(content, "AWS_S3_PUBLIC_ACCESS_BLOCK")).toEqual([
      "aws_s3_bucket_public_access_block.a: CKV_AWS_53 AWS-0086",
      "aws_s3_bucket.b: CKV2_AWS_6 CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56 AWS-0086 AWS-0087 AWS-0091 AWS-0093 AWS-0094",
    ]);
  });

  it("S3: an unresolved flag is 'Cannot verify' for that flag's checks only", async () => {
    const content = [
      'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}',
      'resource "aws_s3_bucket_public_access_block" "a" {\n  bucket = aws_s3_bucket.a.id\n  block_public_acls = var.block\n  block_public_policy = true\n  ignore_public_acls = true\n  restrict_public_buckets = true\n}',
    ].join("\n");
    const report = await validateIac(tf(content));
    const found = report.findings.filter((f) => f.rule_id === "AWS_S3_PUBLIC_ACCESS_BLOCK");
    expect(found.map((f) => [f.resource, f.unverified, f.aliases])).toEqual([["aws_s3_bucket_public_access_block.a", true, ["CKV_AWS_53", "AWS-0086"]]]);
  });

  it("S3: a public ACL neutralised by ignore_public_acls is not AWS-0092", async () => {
    const content = [
      'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n  acl = "public-read-write"\n}',
      'resource "aws_s3_bucket_public_access_block" "a" {\n  bucket = aws_s3_bucket.a.id\n  block_public_acls = true\n  block_public_policy = true\n  ignore_public_acls = true\n  restrict_public_buckets = true\n}',
      'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl = "public-read"\n}',
    ].join("\n");
    expect(await aliasesOf(content, "AWS_S3_PUBLIC_ACL")).toEqual(["aws_s3_bucket.a: CKV_AWS_20 CKV_AWS_57", "aws_s3_bucket.b: CKV_AWS_20 AWS-0092"]);
  });

  it("EBS and IMDS: volume, instance, launch configuration and launch template are different checks", async () => {
    const content = [
      'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  encrypted = false\n}',
      'resource "aws_instance" "i" {\n  root_block_device {\n    encrypted = false\n  }\n  metadata_options {\n    http_tokens = "optional"\n  }\n}',
      'resource "aws_launch_configuration" "c" {\n  root_block_device {\n    encrypted = false\n  }\n  metadata_options {\n    http_tokens = "required"\n  }\n}',
      'resource "aws_launch_template" "t" {\n  block_device_mappings {\n    ebs {\n      encrypted = false\n    }\n  }\n}',
    ].join("\n");
    expect(await aliasesOf(content, "AWS_EBS_ENCRYPTION")).toEqual([
      "aws_ebs_volume.v: CKV_AWS_3 AWS-0026",
      "aws_instance.i: CKV_AWS_8 AWS-0131",
      "aws_launch_configuration.c: CKV_AWS_8 AWS-0008",
      // no Trivy check reads launch template disks
      "aws_launch_template.t: ",
    ]);
    expect(await aliasesOf(content, "AWS_EC2_IMDSV2")).toEqual(["aws_instance.i: CKV_AWS_79 AWS-0028", "aws_launch_template.t: CKV_AWS_79 AWS-0130"]);
  });

  it("RDS: instance and cluster storage, backups under 2 days, deletion protection", async () => {
    const content = [
      'resource "aws_db_instance" "i" {\n  engine = "mysql"\n  backup_retention_period = 5\n}',
      'resource "aws_rds_cluster" "c" {\n  engine = "aurora-mysql"\n  backup_retention_period = 1\n}',
    ].join("\n");
    expect(await aliasesOf(content, "AWS_RDS_ENCRYPTION")).toEqual(["aws_db_instance.i: CKV_AWS_16 AWS-0080", "aws_rds_cluster.c: CKV_AWS_96 AWS-0079"]);
    // 5 days is short for prod but not Trivy's "less than 2".
    expect(await aliasesOf(content, "AWS_RDS_BACKUP_RETENTION", { environment: "prod" })).toEqual(["aws_db_instance.i: ", "aws_rds_cluster.c: AWS-0077"]);
    expect(await aliasesOf(content, "AWS_RDS_DELETION_PROTECTION_PROD", { environment: "prod" })).toEqual([
      "aws_db_instance.i: CKV_AWS_293 AWS-0177",
      "aws_rds_cluster.c: CKV_AWS_139 AWS-0343",
    ]);
  });

  it("load balancers: only the policies AWS-0047 lists carry it", async () => {
    const listener = (name: string, policy: string) =>
      `resource "aws_lb_listener" "${name}" {\n  load_balancer_arn = "arn"\n  port = 443\n  protocol = "HTTPS"\n  ssl_policy = "${policy}"\n  default_action {\n    type = "forward"\n  }\n}\n`;
    const content = listener("old", "ELBSecurityPolicy-TLS-1-1-2017-01") + listener("fips", "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04");
    expect(await aliasesOf(content, "AWS_ALB_TLS_POLICY")).toEqual(["aws_lb_listener.old: CKV_AWS_103 AWS-0047", "aws_lb_listener.fips: CKV_AWS_103"]);
  });

  it("reads plan JSON values, where absent blocks are empty lists and absent strings empty", async () => {
    const resource = (type: string, values: Record<string, unknown>) => ({ address: `${type}.a`, mode: "managed", type, name: "a", values });
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            resource("aws_db_instance", { engine: "mysql", replicate_source_db: "", storage_encrypted: false, publicly_accessible: false }),
            resource("aws_instance", {
              launch_template: [],
              root_block_device: [{ encrypted: false }],
              metadata_options: [{ http_endpoint: "enabled", http_tokens: "optional" }],
            }),
          ],
        },
      },
    };
    const report = await validateIac([{ path: "plan.json", content: JSON.stringify(plan) }]);
    const found = report.findings.filter((f) => ["AWS_RDS_ENCRYPTION", "AWS_EBS_ENCRYPTION", "AWS_EC2_IMDSV2"].includes(f.rule_id));
    expect(found.map((f) => `${f.rule_id} ${f.resource}: ${f.aliases.join(" ")}`).sort()).toEqual([
      "AWS_EBS_ENCRYPTION aws_instance.a: CKV_AWS_8 AWS-0131",
      "AWS_EC2_IMDSV2 aws_instance.a: CKV_AWS_79 AWS-0028",
      "AWS_RDS_ENCRYPTION aws_db_instance.a: CKV_AWS_16 AWS-0080",
    ]);
  });

  it("IAM password policy: one finding per requirement missed, each with its own ids", async () => {
    const content =
      'resource "aws_iam_account_password_policy" "p" {\n  minimum_password_length = 14\n  require_lowercase_characters = true\n  require_numbers = true\n  require_symbols = false\n  require_uppercase_characters = true\n  password_reuse_prevention = 24\n}';
    // No max_password_age: Trivy only fails one set above 90 days.
    expect(await aliasesOf(content, "AWS_IAM_PASSWORD_POLICY")).toEqual(["aws_iam_account_password_policy.p: CKV_AWS_14 AWS-0060"]);
  });
});

describe("values Terraform only knows at plan time", () => {
  it("says 'Cannot verify' for high checks on an unresolved variable, and stays silent for medium ones", async () => {
    const content = [
      'resource "aws_db_instance" "a" {\n  engine = "postgres"\n  iam_database_authentication_enabled = true\n  performance_insights_enabled = true\n  performance_insights_kms_key_id = aws_kms_key.k.arn\n  storage_encrypted = var.encrypted\n  publicly_accessible = var.public\n  backup_retention_period = var.days\n}',
      'resource "aws_kms_key" "k" {\n  enable_key_rotation = local.rotate\n}',
      "locals {\n  rotate = var.rotate\n}",
    ].join("\n");
    const report = await validateIac(tf(content), { environment: "dev" });
    expect(report.findings.map((f) => [f.rule_id, f.unverified ?? false, f.message.startsWith("Cannot verify")])).toEqual([
      ["AWS_RDS_ENCRYPTION", true, true],
      ["AWS_RDS_PUBLIC", true, true],
    ]);
    // Unverified findings still count: the report does not pass what it did not check.
    expect(report.status).toBe("FAIL");
  });

  it("uses a variable's default: var.public defaulting to true is a real finding", async () => {
    const content = [
      'variable "public" {\n  default = true\n}',
      'resource "aws_db_instance" "a" {\n  engine = "mysql"\n  storage_encrypted = true\n  publicly_accessible = var.public\n}',
    ].join("\n");
    const report = await validateIac(tf(content));
    const found = report.findings.filter((f) => f.rule_id === "AWS_RDS_PUBLIC");
    expect(found.map((f) => [f.resource, f.unverified ?? false])).toEqual([["aws_db_instance.a", false]]);
    expect(found[0]?.message).toContain("publicly_accessible = true");
  });

  it("skips read replicas and Aurora instances, whose storage settings come from elsewhere", async () => {
    const content = [
      'resource "aws_db_instance" "replica" {\n  replicate_source_db = aws_db_instance.main.identifier\n}',
      'resource "aws_db_instance" "aurora" {\n  engine = "aurora-postgresql"\n}',
    ].join("\n");
    const storage = ["AWS_RDS_ENCRYPTION", "AWS_RDS_BACKUP_RETENTION", "AWS_RDS_MULTI_AZ_PROD", "AWS_RDS_DELETION_PROTECTION_PROD"];
    expect((await ids(tf(content), "AWS_RDS_", { environment: "prod" })).filter((id) => storage.includes(id))).toEqual([]);
  });
});

describe("load balancer listeners", () => {
  it("treats a listener without protocol on an application load balancer as HTTP", async () => {
    const content =
      'resource "aws_lb" "a" {\n  drop_invalid_header_fields = true\n}\nresource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.a.arn\n  port = 80\n  default_action {\n    type = "forward"\n  }\n}\n';
    expect(await ids(tf(content), "AWS_ALB_")).toEqual(["AWS_ALB_HTTP_LISTENER"]);
  });

  it("flags HTTPS listeners without ssl_policy (the provider default allows TLS 1.0) and TLS13-1-0 policies", async () => {
    const listener = (name: string, policy: string) =>
      `resource "aws_lb_listener" "${name}" {\n  load_balancer_arn = var.lb\n  port = 443\n  protocol = "HTTPS"\n${policy}  default_action {\n    type = "forward"\n  }\n}\n`;
    const content =
      listener("none", "") +
      listener("old", '  ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"\n') +
      listener("ok", '  ssl_policy = "ELBSecurityPolicy-FS-1-2-Res-2020-10"\n');
    const report = await validateIac(tf(content));
    expect(report.findings.map((f) => f.resource)).toEqual(["aws_lb_listener.none", "aws_lb_listener.old"]);
  });
});

describe("Kubernetes workloads", () => {
  it("parses image tags, ports in registry hosts and digests", () => {
    expect(imageTag("nginx")).toBeNull();
    expect(imageTag("nginx:latest")).toBe("latest");
    expect(imageTag("registry.local:5000/team/app")).toBeNull();
    expect(imageTag("registry.local:5000/team/app:1.2")).toBe("1.2");
    expect(imageTag("app@sha256:abc")).toBe("@digest");
  });

  it("leaves batch jobs without probes alone and checks init containers for privileges", async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  labels: { app.kubernetes.io/name: migrate, app.kubernetes.io/part-of: shop }
spec:
  template:
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: RuntimeDefault } }
      initContainers:
        - name: wait
          image: busybox:1.36
          securityContext: { privileged: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { limits: { cpu: 100m, memory: 64Mi } }
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:3.0.0
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { limits: { cpu: 500m, memory: 256Mi } }
`;
    expect(await ids([{ path: "job.yaml", content: job }], "K8S_", { environment: "prod" })).toEqual(["K8S_PRIVILEGED"]);
  });
});
