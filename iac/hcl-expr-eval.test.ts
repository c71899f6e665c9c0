import { describe, expect, it } from "vitest";
import { makeScope } from "./evaluate.js";
import { evaluateValue, UNKNOWN } from "./hcl-expr-eval.js";

/** Starts a Terraform interpolation without tripping the JS template-literal lint. */
const TF = "$";
const x = (expr: string) => `${TF}{${expr}}`;

const scope = makeScope(
  new Map<string, unknown>([
    ["env", "prod"],
    ["public", true],
    ["tags", { team: "data" }],
    ["cidrs", ["10.0.0.0/8", "0.0.0.0/0"]],
    ["unset", UNKNOWN],
    ["empty", ""],
    [
      "subnets",
      [
        { id: "a", az: "us-east-1a" },
        { id: "b", az: "us-east-1b" },
      ],
    ],
    ["ports", { ssh: 22, https: 443 }],
    ["lists", [["x"], ["y", "z"]]],
  ]),
  {
    name: `app-${x("var.env")}`,
    a: x("local.b"),
    b: x("local.a"),
    nested: { open: x("var.public") },
  },
);

describe("evaluateValue", () => {
  it("interpolates known values into strings and keeps an exact reference's own type", () => {
    expect(evaluateValue(`db-${x("var.env")}-${x("1 + 2")}`, scope)).toBe("db-prod-3");
    expect(evaluateValue(x("var.public"), scope)).toBe(true);
    expect(evaluateValue(x("var.cidrs[1]"), scope)).toBe("0.0.0.0/0");
    expect(evaluateValue(x("local.nested.open"), scope)).toBe(true);
    expect(evaluateValue(x("local.name"), scope)).toBe("app-prod");
  });

  it("evaluates conditionals, comparisons and boolean operators", () => {
    expect(evaluateValue(x('var.env == "prod" ? "0.0.0.0/0" : "10.0.0.0/8"'), scope)).toBe("0.0.0.0/0");
    expect(evaluateValue(x('!var.public || var.env != "prod"'), scope)).toBe(false);
    expect(evaluateValue(x("2 * 3 >= 6 && 7 % 4 == 3"), scope)).toBe(true);
  });

  it("computes the functions module code uses", () => {
    expect(evaluateValue(x('merge(var.tags, { env = var.env }, { team = "core" })'), scope)).toEqual({ team: "core", env: "prod" });
    expect(evaluateValue(x('concat(var.cidrs, ["192.168.0.0/16"])'), scope)).toEqual(["10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16"]);
    expect(evaluateValue(x('lookup(var.tags, "owner", "nobody")'), scope)).toBe("nobody");
    expect(evaluateValue(x('coalesce(var.empty, "fallback")'), scope)).toBe("fallback");
    expect(evaluateValue(x("length(var.cidrs)"), scope)).toBe(2);
    expect(evaluateValue(x('toset(["b", "a", "b"])'), scope)).toEqual(["a", "b"]);
    expect(evaluateValue(x('format("%s-%d", var.env, 7)'), scope)).toBe("prod-7");
    expect(evaluateValue(x("upper(var.env)"), scope)).toBe("PROD");
    expect(evaluateValue(x('lower("ABC")'), scope)).toBe("abc");
  });

  it("makes try fall through errors but not unknowns", () => {
    expect(evaluateValue(x('try(var.tags.owner, "none")'), scope)).toBe("none");
    expect(evaluateValue(x('try(var.unset, "none")'), scope)).toBe(UNKNOWN);
  });

  it("returns UNKNOWN for what only plan time knows, unsupported syntax and cycles", () => {
    expect(evaluateValue(x("aws_vpc.main.id"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(`x-${x("var.unset")}`, scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("var.undeclared"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("[for c in var.unset : c]"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("aws_subnet.a[*].id"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("aws_subnet.a.*.id"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)'), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("no_such_function(1)"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("local.a"), scope)).toBe(UNKNOWN);
    expect(evaluateValue("%{ if true }x%{ endif }", scope)).toBe(UNKNOWN);
  });

  it("decides a conditional with an unknown condition only when both branches agree", () => {
    expect(evaluateValue(x('var.unset ? "same" : "same"'), scope)).toBe("same");
    expect(evaluateValue(x('var.unset ? "a" : "b"'), scope)).toBe(UNKNOWN);
  });

  it("leaves plain strings alone and unescapes $${", () => {
    expect(evaluateValue("plain", scope)).toBe("plain");
    expect(evaluateValue(`${TF}${TF}{literal}`, scope)).toBe(`${TF}{literal}`);
    expect(evaluateValue({ list: [x("var.env"), 1, null] }, scope)).toEqual({ list: ["prod", 1, null] });
  });

  it("evaluates for expressions: list and map forms, if, grouping, maps in key order", () => {
    expect(evaluateValue(x('[for c in var.cidrs : upper(c) if c != "0.0.0.0/0"]'), scope)).toEqual(["10.0.0.0/8"]);
    expect(evaluateValue(x('[for i, s in var.subnets : "${i}:${s.id}"]'), scope)).toEqual(["0:a", "1:b"]);
    expect(evaluateValue(x("{for s in var.subnets : s.az => s.id}"), scope)).toEqual({ "us-east-1a": "a", "us-east-1b": "b" });
    // Maps are walked in lexical key order: https before ssh.
    expect(evaluateValue(x('[for name, port in var.ports : "${name}=${port}"]'), scope)).toEqual(["https=443", "ssh=22"]);
    expect(evaluateValue(x('{for s in var.subnets : "all" => s.id...}'), scope)).toEqual({ all: ["a", "b"] });
    // Two values under one key without `...` is Terraform's error: try falls through.
    expect(evaluateValue(x('try({for s in var.subnets : "all" => s.id}, "dup")'), scope)).toBe("dup");
    expect(evaluateValue(x("[for c in var.cidrs : c if var.unset]"), scope)).toBe(UNKNOWN);
    // A set's key is its element; once tolist makes it a list, the key is the index again.
    expect(evaluateValue(x('{for k, v in toset(["b", "a"]) : k => v}'), scope)).toEqual({ a: "a", b: "b" });
    expect(evaluateValue(x('[for k, v in tolist(toset(["b", "a"])) : k]'), scope)).toEqual([0, 1]);
  });

  it("evaluates splats ([*] and .*) and argument expansion", () => {
    expect(evaluateValue(x("var.subnets[*].id"), scope)).toEqual(["a", "b"]);
    expect(evaluateValue(x("var.subnets.*.az"), scope)).toEqual(["us-east-1a", "us-east-1b"]);
    expect(evaluateValue(x("var.tags[*].team"), scope)).toEqual(["data"]);
    expect(evaluateValue(x("null[*]"), scope)).toEqual([]);
    expect(evaluateValue(x("concat(var.lists...)"), scope)).toEqual(["x", "y", "z"]);
    expect(evaluateValue(x("length(var.subnets[*].id)"), scope)).toBe(2);
    expect(evaluateValue(x("concat(var.unset...)"), scope)).toBe(UNKNOWN);
  });

  it("computes the CIDR functions as Terraform documents them", () => {
    expect(evaluateValue(x('cidrsubnet("172.16.0.0/12", 4, 2)'), scope)).toBe("172.18.0.0/16");
    expect(evaluateValue(x('cidrsubnet("10.1.2.0/24", 4, 15)'), scope)).toBe("10.1.2.240/28");
    expect(evaluateValue(x('cidrhost("10.12.112.0/20", 16)'), scope)).toBe("10.12.112.16");
    expect(evaluateValue(x('cidrhost("10.12.112.0/20", 268)'), scope)).toBe("10.12.113.12");
    expect(evaluateValue(x('cidrhost("10.0.0.0/24", -1)'), scope)).toBe("10.0.0.255");
    expect(evaluateValue(x('cidrnetmask("172.16.0.0/12")'), scope)).toBe("255.240.0.0");
    expect(evaluateValue(x('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)'), scope)).toEqual(["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]);
    expect(evaluateValue(x('[for i in range(2) : cidrsubnet("10.0.0.0/16", 8, i)]'), scope)).toEqual(["10.0.0.0/24", "10.0.1.0/24"]);
    // netnum 16 does not fit in 4 new bits: Terraform's error.
    expect(evaluateValue(x('try(cidrsubnet("10.0.0.0/16", 4, 16), "too big")'), scope)).toBe("too big");
    expect(evaluateValue(x("cidrsubnet(var.unset, 8, 1)"), scope)).toBe(UNKNOWN);
  });

  it("computes collection functions", () => {
    expect(evaluateValue(x('element(["a", "b", "c"], 4)'), scope)).toBe("b");
    expect(evaluateValue(x('slice(["a", "b", "c", "d"], 1, 3)'), scope)).toEqual(["b", "c"]);
    expect(evaluateValue(x('zipmap(["a", "b"], [1, 2])'), scope)).toEqual({ a: 1, b: 2 });
    expect(evaluateValue(x('flatten([["a"], [], ["b", ["c"]]])'), scope)).toEqual(["a", "b", "c"]);
    expect(evaluateValue(x('distinct(["a", "b", "a"])'), scope)).toEqual(["a", "b"]);
    expect(evaluateValue(x('contains(var.cidrs, "0.0.0.0/0")'), scope)).toBe(true);
    expect(evaluateValue(x("keys(var.ports)"), scope)).toEqual(["https", "ssh"]);
    expect(evaluateValue(x("values(var.ports)"), scope)).toEqual([443, 22]);
    expect(evaluateValue(x('coalescelist([], ["b"])'), scope)).toEqual(["b"]);
    expect(evaluateValue(x('compact(["a", "", null, "b"])'), scope)).toEqual(["a", "b"]);
    expect(evaluateValue(x("range(3)"), scope)).toEqual([0, 1, 2]);
    expect(evaluateValue(x("range(1, 8, 2)"), scope)).toEqual([1, 3, 5, 7]);
    expect(evaluateValue(x("range(4, 1)"), scope)).toEqual([4, 3, 2]);
    expect(evaluateValue(x("one([])"), scope)).toBeNull();
    expect(evaluateValue(x('one(["a"])'), scope)).toBe("a");
    expect(evaluateValue(x('try(one(["a", "b"]), "many")'), scope)).toBe("many");
    expect(evaluateValue(x("sum([1, 2, 3.5])"), scope)).toBe(6.5);
    expect(evaluateValue(x("min(3, 1, 2) + max(3, 9)"), scope)).toBe(10);
    expect(evaluateValue(x('tomap({ a = "b" })'), scope)).toEqual({ a: "b" });
    expect(evaluateValue(x("tolist(var.cidrs)"), scope)).toEqual(["10.0.0.0/8", "0.0.0.0/0"]);
    expect(evaluateValue(x('tonumber("42") + 1'), scope)).toBe(43);
    expect(evaluateValue(x("tostring(5)"), scope)).toBe("5");
  });

  it("computes string functions", () => {
    expect(evaluateValue(x('split(",", "a,b,c")'), scope)).toEqual(["a", "b", "c"]);
    expect(evaluateValue(x('join("-", ["a", "b"])'), scope)).toBe("a-b");
    expect(evaluateValue(x('replace("1 + 2 + 3", "+", "-")'), scope)).toBe("1 - 2 - 3");
    expect(evaluateValue(x('replace("hello world", "/w.*d/", "everybody")'), scope)).toBe("hello everybody");
    expect(evaluateValue(x('formatlist("Hello, %s!", ["Valentina", "Ander"])'), scope)).toEqual(["Hello, Valentina!", "Hello, Ander!"]);
    expect(evaluateValue(x('formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])'), scope)).toEqual(["Salutations, Valentina!", "Salutations, Ander!"]);
    expect(evaluateValue(x('trimspace("  hello\\n")'), scope)).toBe("hello");
    expect(evaluateValue(x('substr("hello world", 1, 4)'), scope)).toBe("ello");
    expect(evaluateValue(x('substr("hello world", -5, -1)'), scope)).toBe("world");
    expect(evaluateValue(x('substr("hello world", 6, 10)'), scope)).toBe("world");
    expect(evaluateValue(x('startswith("hello", "he") && endswith("hello", "lo") && !startswith("hello", "lo")'), scope)).toBe(true);
  });

  it("computes regex and regexall, and leaves RE2-only syntax unknown", () => {
    expect(evaluateValue(x('regex("[a-z]+", "53453453.345345aaabbbccc23454")'), scope)).toBe("aaabbbccc");
    expect(evaluateValue(x(String.raw`regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")`), scope)).toEqual(["2019", "02", "01"]);
    expect(evaluateValue(x('regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")'), scope)).toEqual({
      scheme: "https",
      authority: "terraform.io",
    });
    expect(evaluateValue(x('regexall("[a-z]+", "1234abcd5678efgh9")'), scope)).toEqual(["abcd", "efgh"]);
    expect(evaluateValue(x('can(regex("^a", "b"))'), scope)).toBe(false);
    // Inline flags are RE2's; JavaScript has none: not evaluated rather than matched differently.
    expect(evaluateValue(x('regex("(?i)abc", "ABC")'), scope)).toBe(UNKNOWN);
  });

  it("encodes: jsonencode (sorted keys, HTML characters escaped), jsondecode, base64encode", () => {
    expect(evaluateValue(x('jsonencode({ b = [1, true, null], a = "x" })'), scope)).toBe('{"a":"x","b":[1,true,null]}');
    expect(evaluateValue(x('jsonencode("a<b&c>")'), scope)).toBe('"a\\u003cb\\u0026c\\u003e"');
    expect(evaluateValue(x("jsonencode({ Statement = [{ Effect = var.env }] })"), scope)).toBe('{"Statement":[{"Effect":"prod"}]}');
    expect(evaluateValue(x('jsondecode("{\\"a\\": [1, 2]}").a[1]'), scope)).toBe(2);
    expect(evaluateValue(x('base64encode("Hello World")'), scope)).toBe("SGVsbG8gV29ybGQ=");
    expect(evaluateValue(x("jsonencode({ a = var.unset })"), scope)).toBe(UNKNOWN);
  });

  it("reads file and templatefile through the scope's reader, unknown when the file is not there", () => {
    const files: Record<string, string> = { "init.tpl": "port=${port} env=$${literal}", "policy.json": '{"Version":"2012-10-17"}' };
    const reading = makeScope(new Map(), {}, { readFile: (path) => files[path] });
    expect(evaluateValue(x('file("policy.json")'), reading)).toBe('{"Version":"2012-10-17"}');
    expect(evaluateValue(x('jsondecode(file("policy.json")).Version'), reading)).toBe("2012-10-17");
    expect(evaluateValue(x('templatefile("init.tpl", { port = 22 })'), reading)).toBe(`port=22 env=${TF}{literal}`);
    expect(evaluateValue(x('file("missing.sh")'), reading)).toBe(UNKNOWN);
    // Not an error: the file may exist outside what was read, so try must not pick the fallback.
    expect(evaluateValue(x('try(file("missing.sh"), "")'), reading)).toBe(UNKNOWN);
    // A template sees only the variables it is given.
    expect(evaluateValue(x('templatefile("init.tpl", {})'), reading)).toBe(UNKNOWN);
  });
});
