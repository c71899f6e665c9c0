import { describe, expect, it } from "vitest";
import { validateIac } from "../policies/engine.js";
import { parseTerraform } from "./terraform.js";

/** Starts a Terraform interpolation without tripping the JS template-literal lint. */
const TF = "$";

describe("parseTerraform", () => {
  it("turns an HCL syntax error into a ParseError with its line, and keeps the other files", async () => {
    const result = await parseTerraform([
      { path: "broken.tf", content: 'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n  acl =\n}\n' },
      { path: "ok.tf", content: 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n' },
    ]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: "broken.tf", line: 3 });
    expect(result.errors[0]?.message).toMatch(/^HCL syntax error: /);
    expect(result.resources.map((r) => r.address)).toEqual(["aws_s3_bucket.b"]);
  });

  it("reports a broken file as an IAC_PARSE_ERROR finding instead of throwing", async () => {
    const report = await validateIac([{ path: "main.tf", content: 'resource "aws_vpc" "x" {\n  cidr_block = "10.0.0.0/16"\n' }]);
    expect(report.status).toBe("FAIL");
    expect(report.findings).toEqual([expect.objectContaining({ rule_id: "IAC_PARSE_ERROR", severity: "high", file: "main.tf", line: 1 })]);
  });

  it("prefixes resources in subfolders with module.<folder>.", async () => {
    const { resources } = await parseTerraform([
      { path: "main.tf", content: 'resource "aws_vpc" "root" {\n  cidr_block = "10.0.0.0/16"\n}\n' },
      { path: "modules/network/vpc.tf", content: '\n\nresource "aws_vpc" "main" {\n  cidr_block = "10.1.0.0/16"\n}\n' },
    ]);
    expect(resources.map((r) => [r.address, r.module, r.file, r.line])).toEqual([
      ["aws_vpc.root", "", "main.tf", 1],
      ["module.modules/network.aws_vpc.main", "modules/network", "modules/network/vpc.tf", 3],
    ]);
  });

  it("parses .tf.json and locates the resource's name key", async () => {
    const content = JSON.stringify({ resource: { aws_s3_bucket: { logs: { bucket: "logs", versioning: { enabled: true } } } } }, null, 2);
    const { resources, errors } = await parseTerraform([{ path: "stack.tf.json", content }]);
    expect(errors).toEqual([]);
    expect(resources).toEqual([
      expect.objectContaining({ address: "aws_s3_bucket.logs", file: "stack.tf.json", line: 4, attributes: { bucket: "logs", versioning: { enabled: true } } }),
    ]);
  });

  it("reports the line of a .tf.json syntax error", async () => {
    const { errors } = await parseTerraform([{ path: "bad.tf.json", content: '{\n  "resource": {\n    "x": 1,\n  }\n}\n' }]);
    expect(errors).toEqual([expect.objectContaining({ file: "bad.tf.json", line: 4 })]);
  });

  it("ignores commented-out blocks and strings that look like comments when locating lines", async () => {
    const content = [
      '/* resource "aws_s3_bucket" "a" {} */',
      '# resource "aws_s3_bucket" "a" {}',
      'resource "aws_iam_policy" "p" {',
      '  policy = "arn:aws:s3:::bucket/*"',
      "}",
      'resource "aws_s3_bucket" "a" {',
      '  bucket = "a"',
      "}",
    ].join("\n");
    const { resources } = await parseTerraform([{ path: "main.tf", content }]);
    expect(resources.map((r) => [r.address, r.line])).toEqual([
      ["aws_iam_policy.p", 3],
      ["aws_s3_bucket.a", 6],
    ]);
  });

  it("evaluates known variables, keeps unknown interpolations as strings and reads data sources, providers and variables", async () => {
    const content = [
      'variable "region" {\n  default = "eu-west-1"\n}',
      'provider "aws" {\n  region = var.region\n}',
      'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}',
      'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["s3:GetObject"]\n  }\n}',
      `resource "aws_s3_bucket" "b" {\n  bucket = "x-${TF}{var.region}"\n  count  = var.n\n}`,
    ].join("\n");
    const result = await parseTerraform([{ path: "main.tf", content }]);
    // var.region has a default; var.n is not declared, so count stays the raw expression and is marked.
    expect(result.resources[0]?.attributes).toEqual({ bucket: "x-eu-west-1", count: `${TF}{var.n}` });
    expect(result.resources[0]?.unevaluated).toEqual(["count"]);
    expect(result.providers[0]?.attributes.region).toBe("eu-west-1");
    expect(result.dataSources.map((d) => [d.address, d.line])).toEqual([["data.aws_iam_policy_document.d", 11]]);
    expect(result.providers.map((p) => [p.address, p.line])).toEqual([
      ["provider.aws", 4],
      ["provider.aws.us", 7],
    ]);
    expect(result.variables.map((v) => [v.address, v.attributes.default])).toEqual([["var.region", "eu-west-1"]]);
  });
});
