import { parse } from "@cdktn/hcl2json";
import { describe, expect, it } from "vitest";
import { block, call, escapeString, interpolate, ref, renderHcl, resource, tpl } from "./hcl.js";

describe("HCL emitter", () => {
  it("writes references and calls unquoted and literals quoted", () => {
    const text = renderHcl([
      resource("aws_subnet", "a", {
        vpc_id: ref("aws_vpc.main.id"),
        cidr_block: "10.0.0.0/24",
        map_public_ip_on_launch: false,
        policy: call("jsonencode", { Version: "2012-10-17" }),
      }),
    ]);
    expect(text).toContain("vpc_id                  = aws_vpc.main.id\n");
    expect(text).toContain('cidr_block              = "10.0.0.0/24"\n');
    expect(text).toContain("map_public_ip_on_launch = false\n");
    expect(text).toContain('policy = jsonencode({\n    Version = "2012-10-17"\n  })');
  });

  it("escapes literals so they never become templates", () => {
    expect(escapeString('a "b" \\ ${c} %{d}\n')).toBe('a \\"b\\" \\\\ $${c} %%{d}\\n');
  });

  it("interpolates references inside strings", () => {
    expect(tpl`service/${"aws_ecs_cluster.main.name"}/x`.expr).toBe('"service/${aws_ecs_cluster.main.name}/x"');
    expect(interpolate("arn:", ref("var.p"), ':"x"').expr).toBe('"arn:${var.p}:\\"x\\""');
  });

  it("quotes map keys that are not identifiers and leaves out undefined entries", () => {
    const text = renderHcl([resource("x", "y", { tags: { "kubernetes.io/role/elb": "1", Name: "n" }, skipped: undefined })]);
    expect(text).toContain('"kubernetes.io/role/elb" = "1"');
    expect(text).not.toContain("skipped");
  });

  it("renders nested and repeated blocks, and parses back to the same values with hcl2json", async () => {
    const text = renderHcl(
      [
        resource("aws_db_parameter_group", "pg", {
          family: "postgres16",
          parameter: [block({ name: "rds.force_ssl", value: "1" }), block({ name: "log_min_duration_statement", value: "1000" })],
          lifecycle: block({ ignore_changes: [ref("description")] }),
          depends_on: [ref("aws_vpc.main")],
          literal: "cost ${not_a_ref} 100%{x}",
          tags: { a: "b" },
        }),
        { type: "variable", labels: ["v"], body: { type: ref("list(string)"), default: [] } },
      ],
      ["header"],
    );
    expect(text.startsWith("# header\n\n")).toBe(true);
    const parsed = (await parse("main.tf", text)) as {
      resource: { aws_db_parameter_group: { pg: Record<string, unknown>[] } };
      variable: { v: Record<string, unknown>[] };
    };
    const pg = parsed.resource.aws_db_parameter_group.pg[0];
    expect(pg?.parameter).toEqual([
      { name: "rds.force_ssl", value: "1" },
      { name: "log_min_duration_statement", value: "1000" },
    ]);
    expect(pg?.lifecycle).toEqual([{ ignore_changes: ["${description}"] }]);
    expect(pg?.depends_on).toEqual(["${aws_vpc.main}"]);
    expect(pg?.tags).toEqual({ a: "b" });
    // hcl2json keeps the escape of a literal "${", which Terraform reads back as the literal text.
    expect(pg?.literal).toBe("cost $${not_a_ref} 100%%{x}");
    expect(parsed.variable.v[0]).toEqual({ type: "${list(string)}", default: [] });
  });

  it("is deterministic", () => {
    const build = () => renderHcl([resource("r", "n", { b: 1, a: [ref("x.y"), "z"], m: { k: true } })]);
    expect(build()).toBe(build());
  });
});
