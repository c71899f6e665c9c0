import { decodeDocument } from "../../../iac/hcl-expression.js";
import type { TerraformResource } from "../../../iac/types.js";
import { isInterpolated } from "../../path.js";
import type { RuleContext } from "../../types.js";
import { dataSourceStatements, jsonStatements, type Statement } from "./iam-document.js";
import { bool, UNKNOWN } from "./terraform.js";

/** Whether an attribute that names something else (a key ARN, a subnet group, a log bucket) is given. */
export type Presence = "set" | "unset" | typeof UNKNOWN;

/** `${aws_kms_key.main.arn}`, `${data.x.y.id}`, `${module.keys.arn}`: a reference to something that will exist. */
const RESOURCE_REFERENCE = /\$\{[^}]*\b(data\.|module\.|aws_[a-z0-9_]+\.)/;

/**
 * Whether a value naming another object is set. A reference to a resource, data source or
 * module counts as set (it only needs to exist); an unresolved variable is unknown, since it
 * may still be null or empty when applied.
 */
export function presence(value: unknown): Presence {
  if (value === undefined || value === null || value === "") return "unset";
  if (Array.isArray(value)) {
    const items = value.map(presence);
    if (items.includes("set")) return "set";
    return items.includes(UNKNOWN) ? UNKNOWN : "unset";
  }
  if (isInterpolated(value)) return RESOURCE_REFERENCE.test(value as string) ? "set" : UNKNOWN;
  return "set";
}

/** A boolean attribute with the provider's default when absent (plan JSON gives `null` for absent). */
export function boolOr(value: unknown, fallback: boolean): boolean | typeof UNKNOWN {
  const parsed = bool(value);
  return parsed === undefined ? fallback : parsed;
}

/**
 * Statements of a resource policy attribute: a JSON string, a heredoc, `jsonencode(...)`, or a
 * reference to an `aws_iam_policy_document` data source of the same module. `undefined` when
 * the document cannot be read before apply (built at plan time, read from a variable).
 */
export async function policyStatements(ctx: RuleContext, owner: TerraformResource, value: unknown): Promise<Statement[] | undefined> {
  if (value === undefined || value === null || value === "") return [];
  const dataSource = typeof value === "string" ? value.match(/^\$\{data\.aws_iam_policy_document\.([\w-]+)(?:\[[^\]]*\])?\.json\}$/) : null;
  if (dataSource) {
    const found = ctx.terraform.dataSources.find(
      (data) => data.type === "aws_iam_policy_document" && data.name === dataSource[1] && data.module === owner.module,
    );
    return found ? dataSourceStatements(found.attributes) : undefined;
  }
  const decoded = await decodeDocument(value);
  return decoded === undefined ? undefined : jsonStatements(decoded);
}
