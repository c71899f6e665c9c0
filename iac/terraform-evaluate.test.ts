import { describe, expect, it } from "vitest";
import { validateIac } from "../policies/engine.js";
import { estimateCost } from "../pricing/estimate.js";
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

  it("drops a resource whose count is a known 0 and expands count N into N instances addressed [0]..[N-1]", async () => {
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
    // Each instance stands for itself: no `count` left for pricing to multiply by again.
    expect(report.resources.map((r) => [r.address, r.attributes.count])).toEqual([
      ["aws_instance.web[0]", undefined],
      ["aws_instance.web[1]", undefined],
      ["aws_instance.web[2]", undefined],
    ]);
  });

  it("drops a for_each over an empty map and expands one over a known set, each.key bound", async () => {
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
    expect(resources.map((r) => [r.address, r.attributes.name, r.attributes.for_each])).toEqual([
      ['aws_sqs_queue.q["a"]', "a", undefined],
      ['aws_sqs_queue.q["b"]', "b", undefined],
    ]);
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

  it("binds count.index in each instance, as for_each binds each.key and each.value", async () => {
    const content = `
variable "cidr" {
  default = "10.0.0.0/16"
}
variable "queues" {
  default = { orders = 60, emails = 300 }
}
resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.cidr, 8, count.index)
  tags       = { Name = "private-${TF}{count.index}" }
}
resource "aws_sqs_queue" "q" {
  for_each                   = var.queues
  name                       = each.key
  visibility_timeout_seconds = each.value
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(
      resources.map((r) => [r.address, r.attributes.cidr_block ?? r.attributes.name, r.attributes.tags ?? r.attributes.visibility_timeout_seconds]),
    ).toEqual([
      ["aws_subnet.private[0]", "10.0.0.0/24", { Name: "private-0" }],
      ["aws_subnet.private[1]", "10.0.1.0/24", { Name: "private-1" }],
      ['aws_sqs_queue.q["emails"]', "emails", 300],
      ['aws_sqs_queue.q["orders"]', "orders", 60],
    ]);
    // A reference to another resource stays unknown in every instance.
    expect(resources[0]?.attributes.vpc_id).toBe(`${TF}{aws_vpc.main.id}`);
  });

  it("expands a for_each whose map keys are known even when its values are not", async () => {
    const content = `
resource "aws_sqs_queue" "q" {
  for_each = { a = aws_kms_key.k.arn, b = aws_kms_key.k.arn }
  name              = each.key
  kms_master_key_id = each.value
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(resources.map((r) => [r.address, r.attributes.name, r.attributes.kms_master_key_id])).toEqual([
      ['aws_sqs_queue.q["a"]', "a", `${TF}{each.value}`],
      ['aws_sqs_queue.q["b"]', "b", `${TF}{each.value}`],
    ]);
  });

  it("treats toset() and set-typed variables as sets: a dynamic block's key is the element", async () => {
    const content = `
variable "names" {
  type    = set(string)
  default = ["web", "api", "web"]
}
resource "aws_security_group" "sg" {
  name = "sg"
  dynamic "ingress" {
    for_each = var.names
    content {
      description = "${TF}{ingress.key}=${TF}{ingress.value}"
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    const ingress = resources[0]?.attributes.ingress as Record<string, unknown>[];
    expect(ingress.map((i) => i.description)).toEqual(["api=api", "web=web"]);
  });

  it("keeps a huge count as one resource with count = N (priced N times) and a note, not N resources", async () => {
    const content = `resource "aws_sqs_queue" "many" {\n  count = 5000\n  name  = "q-${TF}{count.index}"\n}\n`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(resources.map((r) => [r.address, r.attributes.count, r.attributes.name])).toEqual([["aws_sqs_queue.many", 5000, `q-${TF}{count.index}`]]);
    expect(resources[0]?.notes?.[0]).toMatch(/5000 instances were checked once/);
  });

  it("keeps one resource carrying an unknown count or for_each, as before", async () => {
    const content = `
resource "aws_nat_gateway" "az" {
  count     = length(data.aws_availability_zones.all.names)
  subnet_id = "subnet-${TF}{count.index}"
}
resource "aws_sqs_queue" "q" {
  for_each = toset(data.aws_sqs_queues.all.queue_urls)
  name     = each.key
}
`;
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(resources.map((r) => [r.address, r.attributes.count ?? r.attributes.for_each])).toEqual([
      ["aws_nat_gateway.az", `${TF}{length(data.aws_availability_zones.all.names)}`],
      ["aws_sqs_queue.q", `${TF}{toset(data.aws_sqs_queues.all.queue_urls)}`],
    ]);
    expect(resources[0]?.unevaluated).toEqual(["count", "subnet_id"]);
  });

  it("prices count instances once each: N instances cost N times one", async () => {
    const nat = (count: string) => `resource "aws_nat_gateway" "main" {\n  ${count}\n  subnet_id = "subnet-1"\n}\n`;
    const total = async (count: string) => {
      const { resources } = await parseTerraform([{ path: "main.tf", content: nat(count) }]);
      return { addresses: resources.map((r) => r.address), usd: estimateCost(resources, { region: "us-east-1" }).totalMonthlyCost };
    };
    const one = await total("");
    const three = await total("count = 3");
    expect(three.addresses).toEqual(["aws_nat_gateway.main[0]", "aws_nat_gateway.main[1]", "aws_nat_gateway.main[2]"]);
    expect(one.usd).toBeGreaterThan(0);
    expect(three.usd).toBeCloseTo(3 * one.usd, 2);
  });

  it("expands a local module's count and for_each, count.index and each.* visible to its inputs", async () => {
    const files = [
      {
        path: "main.tf",
        content: `
module "replica" {
  count  = 2
  source = "./modules/db"
  name   = "replica-${TF}{count.index}"
  public = count.index == 1
}
module "tenant" {
  for_each = { acme = false, globex = true }
  source   = "./modules/db"
  name     = each.key
  public   = each.value
}
module "off" {
  count  = 0
  source = "./modules/db"
  name   = "off"
}
`,
      },
      { path: "modules/db/variables.tf", content: 'variable "name" {}\nvariable "public" {\n  default = false\n}\n' },
      {
        path: "modules/db/main.tf",
        content: 'resource "aws_db_instance" "this" {\n  identifier          = var.name\n  publicly_accessible = var.public\n  storage_encrypted   = true\n}\n',
      },
    ];
    const report = await validateIac(files);
    expect(report.resources.map((r) => [r.address, r.attributes.identifier, r.attributes.publicly_accessible])).toEqual([
      ["module.replica[0].aws_db_instance.this", "replica-0", false],
      ["module.replica[1].aws_db_instance.this", "replica-1", true],
      ['module.tenant["acme"].aws_db_instance.this', "acme", false],
      ['module.tenant["globex"].aws_db_instance.this', "globex", true],
    ]);
    const publicFindings = report.findings.filter((f) => f.rule_id === "AWS_RDS_PUBLIC").map((f) => f.resource);
    expect(publicFindings).toEqual(["module.replica[1].aws_db_instance.this", 'module.tenant["globex"].aws_db_instance.this']);
  });

  it("evaluates for expressions, splats and file() in real blocks, path.module pointing at the module's folder", async () => {
    const files = [
      {
        path: "main.tf",
        content: `
variable "rules" {
  default = [{ port = 22, cidr = "0.0.0.0/0" }, { port = 443, cidr = "10.0.0.0/8" }]
}
resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = [for r in var.rules : r if r.port == 22]
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
  tags = { ports = join(",", var.rules[*].port) }
}
module "app" {
  source = "./modules/app"
}
`,
      },
      {
        path: "modules/app/main.tf",
        content: `
resource "aws_iam_policy" "read" {
  name   = "read"
  policy = file("${TF}{path.module}/policy.json")
}
resource "aws_iam_policy" "unseen" {
  name   = "unseen"
  policy = file("${TF}{path.module}/not-read.json")
}
`,
      },
      { path: "modules/app/policy.json", content: '{"Version":"2012-10-17","Statement":[]}' },
    ];
    const { resources } = await parseTerraform(files);
    const web = resources.find((r) => r.address === "aws_security_group.web");
    expect(web?.attributes.ingress).toEqual([{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }]);
    expect(web?.attributes.tags).toEqual({ ports: "22,443" });
    const policies = resources.filter((r) => r.type === "aws_iam_policy").map((r) => [r.address, r.attributes.policy]);
    expect(policies).toEqual([
      ["module.app.aws_iam_policy.read", '{"Version":"2012-10-17","Statement":[]}'],
      ["module.app.aws_iam_policy.unseen", `${TF}{file("${TF}{path.module}/not-read.json")}`],
    ]);
  });
});
