import { decodeDocument } from "../../../iac/hcl-expression.js";
import type { TerraformResource } from "../../../iac/types.js";
import type { RuleContext } from "../../types.js";
import { blocks, nested, ofType } from "./terraform.js";

/** One IAM policy statement, whichever syntax declared it. */
export interface Statement {
  effect: string;
  actions: string[];
  resources: string[];
  /** principal identifiers (`*`, account ARNs, service names); empty when none is given */
  principals: string[];
  hasCondition: boolean;
  /** the condition keys tested (`aws:MultiFactorAuthPresent`, `aws:PrincipalOrgID`) */
  conditionKeys: string[];
}

/** A policy document and the Terraform block that declares it. */
export interface PolicyDocument {
  owner: TerraformResource;
  /** which attribute held it, for messages: `policy`, `assume_role_policy`, `statement` */
  attribute: string;
  statements: Statement[];
}

const POLICY_HOLDERS = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

/** Statements of a JSON policy document (`{ "Statement": [...] }`). */
export function jsonStatements(doc: unknown): Statement[] {
  if (typeof doc !== "object" || doc === null) return [];
  const raw = (doc as Record<string, unknown>).Statement;
  return blocks(raw).map((s) => {
    const principal = s.Principal;
    const principals = principal === "*" ? ["*"] : typeof principal === "object" && principal !== null ? Object.values(principal).flatMap(list) : [];
    return {
      effect: typeof s.Effect === "string" ? s.Effect : "Allow",
      actions: list(s.Action),
      resources: list(s.Resource),
      principals,
      hasCondition: typeof s.Condition === "object" && s.Condition !== null && Object.keys(s.Condition).length > 0,
      conditionKeys: blocks(s.Condition).flatMap((operators) => blocks(Object.values(operators)).flatMap((tests) => Object.keys(tests))),
    };
  });
}

/** Statements of a `data "aws_iam_policy_document"` block (effect defaults to Allow). */
export function dataSourceStatements(attrs: Record<string, unknown>): Statement[] {
  return blocks(attrs.statement).map((s) => ({
    effect: typeof s.effect === "string" ? s.effect : "Allow",
    actions: list(s.actions),
    resources: list(s.resources),
    principals: blocks(s.principals).flatMap((p) => list(p.identifiers)),
    hasCondition: blocks(s.condition).length > 0,
    conditionKeys: blocks(s.condition).flatMap((c) => list(c.variable)),
  }));
}

/**
 * Every policy document in the stack that can be read without running Terraform:
 * `policy` of the IAM policy resources, inline policies and assume-role policies of roles
 * (JSON strings, heredocs or `jsonencode(...)`), and `aws_iam_policy_document` data sources.
 */
export function policyDocuments(ctx: RuleContext): Promise<PolicyDocument[]> {
  // Several rules read the same documents; decode them once per validation run.
  let cached = cache.get(ctx);
  if (!cached) {
    cached = collect(ctx);
    cache.set(ctx, cached);
  }
  return cached;
}

const cache = new WeakMap<RuleContext, Promise<PolicyDocument[]>>();

async function collect(ctx: RuleContext): Promise<PolicyDocument[]> {
  const docs: PolicyDocument[] = [];
  const add = async (owner: TerraformResource, attribute: string, value: unknown) => {
    const decoded = await decodeDocument(value);
    if (decoded !== undefined) docs.push({ owner, attribute, statements: jsonStatements(decoded) });
  };
  for (const resource of ofType(ctx, ...POLICY_HOLDERS)) await add(resource, "policy", resource.attributes.policy);
  for (const role of ofType(ctx, "aws_iam_role")) {
    await add(role, "assume_role_policy", role.attributes.assume_role_policy);
    for (const inline of nested(role.attributes, "inline_policy")) await add(role, "inline_policy", inline.policy);
  }
  for (const data of ctx.terraform.dataSources.filter((d) => d.type === "aws_iam_policy_document")) {
    docs.push({ owner: data, attribute: "statement", statements: dataSourceStatements(data.attributes) });
  }
  return docs;
}
