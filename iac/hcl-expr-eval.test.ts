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
    expect(evaluateValue(x("[for c in var.cidrs : c]"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x("aws_subnet.a[*].id"), scope)).toBe(UNKNOWN);
    expect(evaluateValue(x('cidrsubnet("10.0.0.0/16", 8, 1)'), scope)).toBe(UNKNOWN);
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
});
