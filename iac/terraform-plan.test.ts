import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gateCost } from "../nodes/validator/cost-gate.js";
import { type ValidateOptions, validateIac } from "../policies/engine.js";
import { readIacFolder } from "./read-folder.js";
import { parseTerraform, providerRegions } from "./terraform.js";
import { isTerraformPlanFile, moduleCallNames, parseTerraformPlan, parseTerraformPlans, UNKNOWN_AFTER_APPLY } from "./terraform-plan.js";
import type { IacFile, TerraformResource } from "./types.js";

/*
 * The fixtures under test/fixtures/iac/plan-json were made by the real terraform 1.11 and
 * hashicorp/aws 5.100 from the `src` folder next to each (scripts/plan-fixtures.sh). Validating
 * the plan must give the same findings as validating that source, and price the same.
 */

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "iac", "plan-json");

function planFile(name: string): IacFile {
  return { path: "plan.json", content: readFileSync(join(FIXTURES, name, "plan.json"), "utf8") };
}

function byAddress(resources: readonly TerraformResource[], address: string): TerraformResource {
  const found = resources.find((resource) => resource.address === address);
  if (!found) throw new Error(`no ${address} among ${resources.map((r) => r.address).join(", ")}`);
  return found;
}

/**
 * `RULE resource` per finding, sorted, with "(cannot verify)" on unverified ones: what must match.
 * SECRET_* rules scan the raw text of files, not the parsed resources, and a plan's text is not
 * the source's (the fixtures' fake provider key is in both, in different places): left out here.
 */
async function findingKeys(files: IacFile[], options: ValidateOptions = {}): Promise<string[]> {
  const report = await validateIac(files, options);
  return report.findings
    .filter((f) => !f.rule_id.startsWith("SECRET_"))
    .map((f) => `${f.rule_id} ${f.resource}${f.unverified ? " (cannot verify)" : ""}`)
    .sort();
}

/** A minimal plan document in the documented format, with whatever `extra` adds or replaces. */
function plan(extra: Record<string, unknown>): IacFile {
  return {
    path: "tfplan.json",
    content: JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} }, ...extra }),
  };
}

describe("plan JSON detection", () => {
  it("is a plan by content: format_version with planned_values or resource_changes, in a .json that is not Terraform's own", () => {
    const content = planFile("modules-count").content;
    expect(isTerraformPlanFile({ path: "plan.json", content })).toBe(true);
    expect(isTerraformPlanFile({ path: "nested/out.JSON", content })).toBe(true);
    expect(isTerraformPlanFile({ path: "main.tf.json", content })).toBe(false);
    expect(isTerraformPlanFile({ path: "prod.tfvars.json", content })).toBe(false);
    expect(isTerraformPlanFile({ path: "package.json", content: '{"name":"x","version":"1.0.0"}' })).toBe(false);
    // `terraform show -json` of a state has format_version and values, but plans nothing
    expect(isTerraformPlanFile({ path: "state.json", content: '{"format_version":"1.0","values":{"root_module":{}}}' })).toBe(false);
    expect(isTerraformPlanFile({ path: "changes.json", content: '{"format_version":"1.2","resource_changes":[]}' })).toBe(true);
  });

  it("ignores JSON files that are not plans, and reports a broken or unsupported plan as a parse error", () => {
    expect(parseTerraformPlans([{ path: "package.json", content: '{"name":"x"}' }])).toEqual({ resources: [], dataSources: [], providers: [], errors: [] });
    const broken = parseTerraformPlans([{ path: "plan.json", content: '{\n"format_version": "1.2",\n"planned_values": {,}\n}' }]);
    expect(broken.errors).toEqual([{ file: "plan.json", line: 3, message: expect.stringContaining("JSON syntax error in Terraform plan") }]);
    const future = parseTerraformPlan(plan({ format_version: "2.0" }));
    expect(future.errors[0]?.message).toContain("format_version 2.0 is not supported");
    const errored = parseTerraformPlan(plan({ errored: true }));
    expect(errored.errors[0]?.message).toContain("stopped with an error");
  });
});

describe("plan JSON with a local module, count and for_each (fixture modules-count)", () => {
  const parsed = parseTerraformPlan(planFile("modules-count"));

  it("lists every instance at the plan's address, module resources with their module address", () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.resources.map((r) => [r.address, r.module, r.mode])).toEqual([
      ["aws_instance.web[0]", "", "managed"],
      ["aws_instance.web[1]", "", "managed"],
      ["aws_s3_bucket.logs", "", "managed"],
      ["aws_security_group.admin", "", "managed"],
      ["module.db.aws_db_instance.this[0]", "module.db", "managed"],
      ['module.db.aws_sqs_queue.jobs["emails"]', "module.db", "managed"],
      ['module.db.aws_sqs_queue.jobs["orders"]', "module.db", "managed"],
    ]);
    const db = byAddress(parsed.resources, "module.db.aws_db_instance.this[0]");
    expect(db).toMatchObject({ type: "aws_db_instance", name: "this", file: "plan.json", line: 1 });
  });

  it("locates each resource at its address when the plan is pretty-printed (terraform prints one line)", () => {
    const pretty = { path: "plan.json", content: JSON.stringify(JSON.parse(planFile("modules-count").content), null, 2) };
    const lines = pretty.content.split("\n");
    const db = byAddress(parseTerraformPlan(pretty).resources, "module.db.aws_db_instance.this[0]");
    expect(db.line).toBeGreaterThan(1);
    expect(lines[(db.line ?? 0) - 1]).toContain('"address": "module.db.aws_db_instance.this[0]"');
  });

  it("keeps the values Terraform resolved: the module's variable, the locals, each.key and count.index", () => {
    const db = byAddress(parsed.resources, "module.db.aws_db_instance.this[0]");
    expect(db.attributes).toMatchObject({ publicly_accessible: true, instance_class: "db.t3.micro", engine: "postgres", allocated_storage: 20 });
    const ingress = byAddress(parsed.resources, "aws_security_group.admin").attributes.ingress;
    expect(ingress).toEqual([expect.objectContaining({ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] })]);
    expect(byAddress(parsed.resources, 'module.db.aws_sqs_queue.jobs["orders"]').attributes.name).toBe("atlas-orders");
    expect(byAddress(parsed.resources, "aws_instance.web[1]").attributes.tags).toEqual({ Name: "web-1" });
    // the plan has count and for_each expanded: no meta-argument is left for anyone to multiply by
    expect(byAddress(parsed.resources, "aws_instance.web[0]").attributes.count).toBeUndefined();
  });

  it("marks a configured value unknown until apply, naming what it waits for; leaves unset and provider-chosen values out", () => {
    const web = byAddress(parsed.resources, "aws_instance.web[0]");
    expect(web.attributes.vpc_security_group_ids).toBe("${unknown after apply: aws_security_group.admin.id}");
    expect(web.unevaluated).toEqual(["vpc_security_group_ids"]);
    // computed by the provider, not written in the source: absent, as when reading the .tf
    expect(web.attributes).not.toHaveProperty("arn");
    expect(web.attributes).not.toHaveProperty("root_block_device");
    expect(web.attributes).not.toHaveProperty("metadata_options");
    expect(web.attributes).not.toHaveProperty("launch_template"); // [] in the plan: no block
    const db = byAddress(parsed.resources, "module.db.aws_db_instance.this[0]");
    expect(db.attributes).not.toHaveProperty("storage_encrypted"); // null in the plan
    expect(db.attributes).not.toHaveProperty("replicate_source_db");
    expect(db.attributes).not.toHaveProperty("backup_retention_period"); // unknown, but nobody set it
    expect(db.unevaluated).toBeUndefined();
  });

  it("reads the provider region, resolved through the root variable it names", () => {
    expect(parsed.providers).toEqual([
      expect.objectContaining({
        type: "aws",
        name: "default",
        address: "provider.aws",
        module: "",
        attributes: expect.objectContaining({ region: "eu-west-1" }),
      }),
    ]);
    expect(providerRegions(parseTerraformPlans([planFile("modules-count"), planFile("unknown-after-apply")]).providers)).toEqual(["eu-west-1", "us-west-2"]);
  });

  it("is taken as it is by parseTerraform: the evaluator does not run over it", async () => {
    const viaParser = await parseTerraform([planFile("modules-count")]);
    expect(viaParser.resources).toEqual(parsed.resources);
    expect(viaParser.providers).toEqual(parsed.providers);
    expect(viaParser.modules).toEqual([]);
    expect(viaParser.errors).toEqual([]);
  });

  it.each([
    ["no environment", {}],
    ["prod", { environment: "prod" as const }],
  ])("gives the same findings as the .tf source (%s)", async (_label, options) => {
    const source = await readIacFolder(join(FIXTURES, "modules-count", "src"));
    const fromPlan = await findingKeys([planFile("modules-count")], options);
    expect(fromPlan).toEqual(await findingKeys(source, options));
    // the ones this fixture was written to plant
    expect(fromPlan).toEqual(
      expect.arrayContaining([
        "AWS_RDS_PUBLIC module.db.aws_db_instance.this[0]",
        "AWS_RDS_ENCRYPTION module.db.aws_db_instance.this[0]",
        "AWS_SG_SSH_OPEN aws_security_group.admin",
        "AWS_S3_PUBLIC_ACCESS_BLOCK aws_s3_bucket.logs",
        "AWS_EC2_IMDSV2 aws_instance.web[0]",
        "AWS_EC2_IMDSV2 aws_instance.web[1]",
      ]),
    );
  });

  it("reports findings in the plan file, at the resource's address", async () => {
    const report = await validateIac([planFile("modules-count")]);
    const rds = report.findings.find((f) => f.rule_id === "AWS_RDS_PUBLIC");
    expect(rds).toMatchObject({ resource: "module.db.aws_db_instance.this[0]", file: "plan.json", line: 1, severity: "critical" });
    expect(report.objects).toEqual([]);
    expect(report.status).toBe("FAIL");
  });

  it("prices every instance (db.t3.micro, two t3.micro) as the source is priced, with nothing unpriced", async () => {
    const source = await validateIac(await readIacFolder(join(FIXTURES, "modules-count", "src")));
    const fromPlan = await validateIac([planFile("modules-count")]);
    const options = { region: "eu-west-1", budgetUsd: null, allowUnpriced: false, failOn: "high" as const };
    const planCost = gateCost(fromPlan, fromPlan.resources, options).cost;
    const sourceCost = gateCost(source, source.resources, options).cost;
    expect(planCost.unpriced).toEqual([]);
    const line = (address: string) => planCost.resources.find((r) => r.address === address)?.monthly_usd ?? 0;
    expect(line("module.db.aws_db_instance.this[0]")).toBeGreaterThan(0);
    expect(line("aws_instance.web[0]")).toBeGreaterThan(0);
    expect(line("aws_instance.web[1]")).toBe(line("aws_instance.web[0]"));
    expect(planCost.monthly_total_usd).toBe(sourceCost.monthly_total_usd);
    // the region matters: the same plan priced in us-east-1 costs something else
    const east = gateCost(fromPlan, fromPlan.resources, { ...options, region: "us-east-1" }).cost;
    expect(east.monthly_total_usd).not.toBe(planCost.monthly_total_usd);
  });
});

describe("plan JSON with values known only after apply (fixture unknown-after-apply)", () => {
  const parsed = parseTerraformPlan(planFile("unknown-after-apply"));

  it("keeps the SSH rule's CIDR unknown, naming the Elastic IP it waits for", () => {
    const ssh = byAddress(parsed.resources, "aws_vpc_security_group_ingress_rule.ssh");
    expect(ssh.attributes.cidr_ipv4).toBe("${unknown after apply: aws_eip.bastion.public_ip}");
    expect(ssh.attributes).toMatchObject({ from_port: 22, to_port: 22, ip_protocol: "tcp" });
    expect(ssh.unevaluated?.sort()).toEqual(["cidr_ipv4", "security_group_id"]);
  });

  it("gives the same findings as the source: no definite open-SSH finding, the access block linked to its bucket", async () => {
    const source = await readIacFolder(join(FIXTURES, "unknown-after-apply", "src"));
    const fromPlan = await findingKeys([planFile("unknown-after-apply")]);
    expect(fromPlan).toEqual(await findingKeys(source));
    expect(fromPlan).not.toContain("AWS_SG_SSH_OPEN aws_vpc_security_group_ingress_rule.ssh");
    expect(fromPlan).not.toContain("AWS_S3_PUBLIC_ACCESS_BLOCK aws_s3_bucket.data");
    expect(fromPlan).toContain("AWS_S3_VERSIONING aws_s3_bucket.data");
  });

  it("links by the reference the configuration names: without it the access block would protect no bucket", async () => {
    const document = JSON.parse(planFile("unknown-after-apply").content);
    const block = document.configuration.root_module.resources.find((r: { address: string }) => r.address === "aws_s3_bucket_public_access_block.data");
    block.expressions.bucket = {};
    const blind = { path: "plan.json", content: JSON.stringify(document) };
    expect(byAddress(parseTerraformPlan(blind).resources, "aws_s3_bucket_public_access_block.data").attributes.bucket).toBe(UNKNOWN_AFTER_APPLY);
    expect(await findingKeys([blind])).toContain("AWS_S3_PUBLIC_ACCESS_BLOCK aws_s3_bucket.data");
  });
});

describe("plan JSON shapes the fixtures do not cover", () => {
  it("reads data sources, module instances (module.app[0]) and nested blocks against their configuration", () => {
    const file = plan({
      planned_values: {
        root_module: {
          resources: [
            {
              address: "data.aws_iam_policy_document.assume",
              mode: "data",
              type: "aws_iam_policy_document",
              name: "assume",
              values: { statement: [{ actions: ["sts:AssumeRole"], effect: "Allow" }] },
            },
          ],
          child_modules: [
            {
              address: "module.app[0]",
              resources: [
                {
                  address: "module.app[0].aws_security_group.web",
                  mode: "managed",
                  type: "aws_security_group",
                  name: "web",
                  index: null,
                  values: {
                    name: "web",
                    ingress: [
                      { from_port: 443, to_port: 443, protocol: "tcp" },
                      { from_port: 22, to_port: 22, protocol: "tcp" },
                    ],
                  },
                },
              ],
            },
          ],
        },
      },
      resource_changes: [
        {
          address: "module.app[0].aws_security_group.web",
          change: { actions: ["create"], after_unknown: { id: true, ingress: [{ cidr_blocks: true }, { cidr_blocks: true }] } },
        },
      ],
      configuration: {
        root_module: {
          module_calls: {
            app: {
              source: "./app",
              module: {
                resources: [
                  {
                    address: "aws_security_group.web",
                    mode: "managed",
                    type: "aws_security_group",
                    name: "web",
                    // one ingress written with a reference, the other by a dynamic block (not listed)
                    expressions: { name: { constant_value: "web" }, ingress: [{ cidr_blocks: { references: ["aws_vpc.main.cidr_block", "aws_vpc.main"] } }] },
                  },
                ],
              },
            },
          },
        },
      },
    });
    const parsed = parseTerraformPlan(file);
    expect(parsed.dataSources.map((d) => [d.address, d.mode, d.module])).toEqual([["data.aws_iam_policy_document.assume", "data", ""]]);
    const web = byAddress(parsed.resources, "module.app[0].aws_security_group.web");
    expect(web.module).toBe("module.app[0]");
    expect(web.attributes).not.toHaveProperty("id");
    expect(web.attributes.ingress).toEqual([
      { from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: "${unknown after apply: aws_vpc.main.cidr_block}" },
      // the configuration cannot say who set this one: unknown, never assumed unset
      { from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: UNKNOWN_AFTER_APPLY },
    ]);
    expect(web.unevaluated).toEqual(["ingress[0].cidr_blocks", "ingress[1].cidr_blocks"]);
  });

  it("keeps unknown values as unknown when the plan has no configuration section", () => {
    const parsed = parseTerraformPlan(
      plan({
        planned_values: { root_module: { resources: [{ address: "aws_db_instance.x", mode: "managed", type: "aws_db_instance", name: "x", values: {} }] } },
        resource_changes: [{ address: "aws_db_instance.x", change: { actions: ["create"], after_unknown: { publicly_accessible: true } } }],
      }),
    );
    expect(byAddress(parsed.resources, "aws_db_instance.x").attributes.publicly_accessible).toBe(UNKNOWN_AFTER_APPLY);
  });

  it("reads providers of modules and aliases, leaving a region it cannot resolve unknown", () => {
    const file = plan({
      variables: { region: { value: "eu-west-1" }, suffix: { value: "1" } },
      configuration: {
        provider_config: {
          "aws.west": { name: "aws", alias: "west", expressions: { region: { constant_value: "us-west-2" } } },
          aws: { name: "aws", expressions: { region: { references: ["var.region", "var.suffix"] } } },
          "module.db:aws": { name: "aws", module_address: "module.db", expressions: { region: { references: ["var.region"] } } },
        },
      },
    });
    const parsed = parseTerraformPlan(file);
    expect(parsed.providers.map((p) => [p.address, p.module, p.attributes.region])).toEqual([
      ["provider.aws.west", "", "us-west-2"],
      ["provider.aws", "", UNKNOWN_AFTER_APPLY],
      ["module.db.provider.aws", "module.db", UNKNOWN_AFTER_APPLY],
    ]);
    // an alias is not the default provider, and the default's region is not known
    expect(providerRegions(parsed.providers)).toEqual([]);
  });

  it("splits module addresses into call names, instance keys dropped", () => {
    expect(moduleCallNames("")).toEqual([]);
    expect(moduleCallNames("module.db")).toEqual(["db"]);
    expect(moduleCallNames('module.app[0].module.queue["a.b"]')).toEqual(["app", "queue"]);
  });

  it("is never read as a Kubernetes manifest, even when its values hold apiVersion and kind", async () => {
    const file = plan({
      planned_values: {
        root_module: {
          resources: [
            {
              address: "kubernetes_manifest.app",
              mode: "managed",
              type: "kubernetes_manifest",
              name: "app",
              values: { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app" } } },
            },
          ],
        },
      },
    });
    const report = await validateIac([file]);
    expect(report.objects).toEqual([]);
    expect(report.resources.map((r) => r.address)).toEqual(["kubernetes_manifest.app"]);
    expect(report.findings.filter((f) => f.rule_id === "IAC_PARSE_ERROR")).toEqual([]);
  });
});

describe("a plan JSON beside the source it was made from", () => {
  it("is read instead of the source, which is listed as skipped, so nothing counts twice", async () => {
    const source = await readIacFolder(join(FIXTURES, "modules-count", "src"));
    const plan = planFile("modules-count");
    const alone = await validateIac([plan]);
    const both = await validateIac([plan, ...source.map((file) => ({ ...file, path: `src/${file.path}` }))]);
    expect(both.resources.map((r) => r.address)).toEqual(alone.resources.map((r) => r.address));
    expect(both.skipped.map((s) => s.file)).toEqual(source.filter((f) => /\.tf(vars)?$/.test(f.path)).map((f) => `src/${f.path}`));
    expect(both.skipped.every((s) => s.reason.includes("plan JSON"))).toBe(true);
    // source in another folder than the plan's is still read
    const apart = await validateIac([{ ...plan, path: "plans/plan.json" }, ...source.map((file) => ({ ...file, path: `src/${file.path}` }))]);
    expect(apart.resources.length).toBeGreaterThan(alone.resources.length);
  });

  it("names the region to price in, as the source's aws provider does", async () => {
    expect((await validateIac([planFile("modules-count")])).regions).toEqual(["eu-west-1"]);
    const source = [
      {
        path: "main.tf",
        content:
          'variable "region" {\n  default = "eu-central-1"\n}\nprovider "aws" {\n  region = var.region\n}\nprovider "aws" {\n  alias = "edge"\n  region = "us-east-1"\n}\n',
      },
    ];
    expect((await validateIac(source)).regions).toEqual(["eu-central-1"]);
    expect((await validateIac(source, { terraform: { vars: { region: "ap-south-1" } } })).regions).toEqual(["ap-south-1"]);
  });
});
