import { describe, expect, it } from "vitest";
import { validateIac } from "../policies/engine.js";
import { parseTerraform } from "./terraform.js";
import type { IacFile } from "./types.js";

/** Starts a Terraform interpolation without tripping the JS template-literal lint. */
const TF = "$";

/**
 * The cases of issue 10 ("What was seen"): values that only variables, locals, count, dynamic
 * blocks and modules decide. Each one passed (or was a false finding) before evaluation.
 */

/** Rule ids of the findings for `files`, with the resource each names. */
async function findings(files: IacFile[]): Promise<string[]> {
  const report = await validateIac(files);
  return report.findings.map((f) => `${f.rule_id} ${f.resource}`);
}

const sshRule = (cidr: string) => `
resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [${cidr}]
  }
}
`;

const rds = `
variable "public" {
  type    = bool
  default = true
}
variable "encrypted" {
  type    = bool
  default = false
}
resource "aws_db_instance" "db" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  publicly_accessible     = var.public
  storage_encrypted       = var.encrypted
  backup_retention_period = 7
}
`;

describe("Terraform evaluated as Terraform evaluates it", () => {
  it("flags an SSH rule open through a variable's default", async () => {
    const files = [{ path: "main.tf", content: `variable "ssh_cidr" {\n  default = "0.0.0.0/0"\n}\n${sshRule("var.ssh_cidr")}` }];
    expect(await findings(files)).toContain("AWS_SG_SSH_OPEN aws_security_group.ssh");
  });

  it("flags an SSH rule open through a local (and a local built from another local)", async () => {
    const content = `locals {\n  anywhere = local.everything\n}\nlocals {\n  everything = "0.0.0.0/0"\n}\n${sshRule("local.anywhere")}`;
    expect(await findings([{ path: "main.tf", content }])).toContain("AWS_SG_SSH_OPEN aws_security_group.ssh");
  });

  it("flags RDS made public and unencrypted through variable defaults", async () => {
    const found = await findings([{ path: "main.tf", content: rds }]);
    expect(found).toContain("AWS_RDS_PUBLIC aws_db_instance.db");
    expect(found).toContain("AWS_RDS_ENCRYPTION aws_db_instance.db");
  });

  it("lets terraform.tfvars override a default, and *.auto.tfvars (later in lexical order) override that", async () => {
    const base = [{ path: "main.tf", content: rds }];
    const tfvars = { path: "terraform.tfvars", content: "public = false\nencrypted = false\n" };
    const found = await findings([...base, tfvars]);
    expect(found).not.toContain("AWS_RDS_PUBLIC aws_db_instance.db");
    expect(found).toContain("AWS_RDS_ENCRYPTION aws_db_instance.db");

    const auto = [
      { path: "a.auto.tfvars", content: "encrypted = false\n" },
      { path: "b.auto.tfvars", content: "encrypted = true\n" },
    ];
    expect(await findings([...base, tfvars, ...auto])).not.toContain("AWS_RDS_ENCRYPTION aws_db_instance.db");
  });

  it("lets options.vars (the -var values) win over tfvars", async () => {
    const files = [
      { path: "main.tf", content: rds },
      { path: "terraform.tfvars", content: "public = false\n" },
    ];
    // -var values arrive as strings; `type = bool` converts them as Terraform does.
    const { resources } = await parseTerraform(files, { vars: { public: "true", encrypted: "yes" } });
    expect(resources[0]?.attributes.publicly_accessible).toBe(true);
    // "yes" is no bool: Terraform would stop, so the value stays unknown rather than guessed.
    expect(resources[0]?.attributes.storage_encrypted).toBe(`${TF}{var.encrypted}`);
  });

  it("reads a dynamic metadata_options block whose content requires tokens: no IMDSv2 finding", async () => {
    const content = `
variable "metadata_options" {
  default = {}
}
resource "aws_launch_template" "node" {
  name = "node"
  dynamic "metadata_options" {
    for_each = length(var.metadata_options) > 0 ? [var.metadata_options] : [{}]
    content {
      http_endpoint = "enabled"
      http_tokens   = "required"
    }
  }
}
resource "aws_instance" "unknown" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  dynamic "metadata_options" {
    for_each = data.external.opts.result
    content {
      http_tokens = "required"
    }
  }
}
`;
    const report = await validateIac([{ path: "main.tf", content }]);
    expect(report.findings.filter((f) => f.rule_id === "AWS_EC2_IMDSV2")).toEqual([]);
    const instance = report.resources.find((r) => r.address === "aws_instance.unknown");
    expect(instance?.attributes.metadata_options).toEqual([{ http_tokens: "required" }]);
    expect(instance?.notes?.[0]).toMatch(/dynamic "metadata_options"/);
  });

  it("expands a dynamic ingress over a known list, binding the iterator", async () => {
    const content = `
variable "ports" {
  default = [22, 443]
}
resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    const ingress = resources[0]?.attributes.ingress as Record<string, unknown>[];
    expect(ingress.map((i) => [i.from_port, i.to_port])).toEqual([
      [22, 22],
      [443, 443],
    ]);
    expect(resources[0]?.attributes.dynamic).toBeUndefined();
  });

  it("drops a resource whose count is a known 0 and keeps count N as one resource with count = N", async () => {
    const content = `
variable "create" {
  default = false
}
resource "aws_db_instance" "off" {
  count               = var.create ? 1 : 0
  publicly_accessible = true
}
resource "aws_instance" "web" {
  count         = var.create ? 1 : 3
  ami           = "ami-123"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
`;
    const report = await validateIac([{ path: "main.tf", content }]);
    expect(report.findings.filter((f) => f.resource === "aws_db_instance.off")).toEqual([]);
    expect(report.resources.map((r) => [r.address, r.attributes.count])).toEqual([["aws_instance.web", 3]]);
  });

  it("drops a for_each over an empty map and evaluates one over a known set", async () => {
    const content = `
resource "aws_s3_bucket" "none" {
  for_each = {}
  bucket   = each.key
}
resource "aws_sqs_queue" "q" {
  for_each = toset(["b", "a", "b"])
  name     = each.key
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(resources.map((r) => [r.address, r.attributes.for_each])).toEqual([["aws_sqs_queue.q", ["a", "b"]]]);
  });

  it("reports a registry module as TF_MODULE_NOT_EVALUATED, naming it and its source", async () => {
    const content = `
module "db" {
  source              = "terraform-aws-modules/rds/aws"
  version             = "~> 6.0"
  publicly_accessible = true
  storage_encrypted   = false
}
`;
    const report = await validateIac([{ path: "main.tf", content }]);
    expect(report.findings).toEqual([
      expect.objectContaining({ rule_id: "TF_MODULE_NOT_EVALUATED", severity: "medium", resource: "module.db", file: "main.tf", line: 2 }),
    ]);
    expect(report.findings[0]?.message).toContain('"terraform-aws-modules/rds/aws"');
    expect(report.findings[0]?.message).toContain("resources inside were not checked or priced");
  });

  it("expands a local module with its inputs as variables, addressed module.<name>.<type>.<name>", async () => {
    const files = [
      { path: "main.tf", content: 'locals {\n  open = true\n}\nmodule "data" {\n  source = "./modules/db"\n  public = local.open\n}\n' },
      { path: "modules/db/variables.tf", content: 'variable "public" {\n  default = false\n}\nvariable "encrypted" {\n  default = true\n}\n' },
      {
        path: "modules/db/main.tf",
        content:
          'resource "aws_db_instance" "this" {\n  publicly_accessible = var.public\n  storage_encrypted = var.encrypted\n  backup_retention_period = 7\n}\n',
      },
    ];
    const report = await validateIac(files);
    const found = report.findings.map((f) => `${f.rule_id} ${f.resource}`);
    expect(found).toContain("AWS_RDS_PUBLIC module.data.aws_db_instance.this");
    expect(found).not.toContain("AWS_RDS_ENCRYPTION module.data.aws_db_instance.this");
    expect(found.filter((f) => f.startsWith("TF_MODULE_NOT_EVALUATED"))).toEqual([]);
    expect(report.resources.map((r) => r.address)).toEqual(["module.data.aws_db_instance.this"]);
  });

  it("reports a local module whose folder is not among the files", async () => {
    const report = await validateIac([{ path: "main.tf", content: 'module "net" {\n  source = "../shared/net"\n}\n' }]);
    expect(report.findings.map((f) => [f.rule_id, f.resource])).toEqual([["TF_MODULE_NOT_EVALUATED", "module.net"]]);
  });

  it("keeps a value that depends on a resource attribute unknown, never guessed", async () => {
    const content = sshRule("aws_vpc.main.cidr_block");
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    const ingress = resources[0]?.attributes.ingress as Record<string, unknown>[];
    expect(ingress[0]?.cidr_blocks).toEqual([`${TF}{aws_vpc.main.cidr_block}`]);
    expect(resources[0]?.unevaluated).toEqual(["ingress[0].cidr_blocks[0]"]);
  });
});
