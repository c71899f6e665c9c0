import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { type PolicyDocument, policyDocuments } from "./helpers/iam-document.js";
import { bool, cannotVerify, hit, hitWith, linkedTo, num, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

const FULL_WILDCARDS = new Set(["*", "*:*"]);
const POLICY_HOLDERS = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/** Checkov splits its IAM checks between `aws_iam_policy_document` data sources and policy resources. */
const fromDataSource = (doc: PolicyDocument) => doc.owner.mode === "data";

export const iamWildcardAction: Rule = {
  id: "AWS_IAM_WILDCARD_ACTION",
  title: 'IAM policy allows every action ("*")',
  severity: "high",
  aliases: ["CKV_AWS_1", "CKV_AWS_49", "CKV_AWS_62", "CKV_AWS_63", "AWS-0057"],
  target: "terraform",
  remediation: "List the actions the workload actually calls (IAM Access Analyzer can generate them from CloudTrail) and scope Resource to specific ARNs.",
  async check(ctx) {
    const hits: RuleHit[] = [];
    for (const doc of await policyDocuments(ctx)) {
      if (doc.attribute === "assume_role_policy") continue;
      for (const statement of doc.statements) {
        if (statement.effect !== "Allow") continue;
        if (statement.actions.some((a) => FULL_WILDCARDS.has(a))) {
          const admin = statement.resources.some((r) => r === "*");
          // CKV_AWS_49/63: "*" as an action; CKV_AWS_1/62: "*" action on "*" resource.
          // Checkov reads "*" (not "*:*"), and only policy resources and data sources (not a role's inline_policy).
          const star = statement.actions.includes("*");
          const checkov = fromDataSource(doc)
            ? ["CKV_AWS_49", ...(admin ? ["CKV_AWS_1"] : [])]
            : POLICY_HOLDERS.includes(doc.owner.type)
              ? ["CKV_AWS_63", ...(admin ? ["CKV_AWS_62"] : [])]
              : [];
          const aliases = star ? checkov : [];
          const message = admin
            ? 'Statement allows Action "*" on Resource "*": full administrator access.'
            : 'Statement allows Action "*" (every API of every service).';
          hits.push(hitWith(doc.owner, [...aliases, "AWS-0057"], message));
        } else if (statement.actions.some(unresolvedInput)) {
          hits.push(cannotVerify(doc.owner, "actions", statement.actions.find(unresolvedInput), ["AWS-0057"]));
        }
      }
    }
    // A whole policy given as a variable cannot be read at all.
    for (const holder of ofType(ctx, ...POLICY_HOLDERS)) {
      const policy = holder.attributes.policy;
      if (typeof policy === "string" && /^\$\{(var|local)\.[\w.-]+\}$/.test(policy)) hits.push(cannotVerify(holder, "policy", policy, ["AWS-0057"]));
    }
    return hits;
  },
};

export const iamAssumeRoleAnyPrincipal: Rule = {
  id: "AWS_IAM_ANY_PRINCIPAL",
  title: "IAM policy trusts any AWS principal without a condition",
  severity: "critical",
  aliases: ["CKV_AWS_60", "CKV_AWS_283"],
  target: "terraform",
  remediation:
    "Name the principals that may act (account ARNs, service principals such as ec2.amazonaws.com) or add a Condition (aws:PrincipalOrgID, sts:ExternalId).",
  async check(ctx) {
    const hits: RuleHit[] = [];
    for (const doc of await policyDocuments(ctx)) {
      const allowed = doc.statements.filter((s) => s.effect === "Allow" && !s.hasCondition);
      // CKV_AWS_60 reads roles' trust policies, CKV_AWS_283 policy document data sources.
      const aliases = fromDataSource(doc) ? ["CKV_AWS_283"] : doc.attribute === "assume_role_policy" ? ["CKV_AWS_60"] : [];
      if (allowed.some((s) => s.principals.includes("*"))) {
        const what = doc.attribute === "assume_role_policy" ? "Any AWS account can assume this role" : "A statement allows any principal";
        hits.push(hitWith(doc.owner, aliases, `${what}: Principal "*" with no Condition.`));
      } else {
        const unknown = allowed.flatMap((s) => s.principals).find(unresolvedInput);
        if (unknown !== undefined) hits.push(cannotVerify(doc.owner, "principals", unknown, aliases));
      }
    }
    return hits;
  },
};

export const iamUserPolicy: Rule = {
  id: "AWS_IAM_USER_POLICY",
  title: "IAM policy attached directly to a user",
  severity: "low",
  aliases: ["CKV_AWS_40", "AWS-0143"],
  target: "terraform",
  remediation: "Attach policies to groups or roles and put users in groups; prefer SSO and roles over IAM users altogether.",
  check(ctx) {
    const direct = ofType(ctx, "aws_iam_user_policy", "aws_iam_user_policy_attachment");
    const shared = ofType(ctx, "aws_iam_policy_attachment").filter((a) => {
      const users = a.attributes.users;
      return Array.isArray(users) ? users.length > 0 : users !== undefined && users !== null;
    });
    return [...direct, ...shared].map((resource) => hit(resource, "Permissions granted straight to an IAM user are hard to audit and survive role changes."));
  },
};

/** One requirement of an account password policy, as Trivy and Checkov word it. */
interface PasswordRequirement {
  aliases: readonly string[];
  /** why the policy fails the requirement, or null when it meets it (unknown values meet it) */
  fails(attrs: Record<string, unknown>): string | null;
}

const required = (attribute: string, what: string) => (attrs: Record<string, unknown>) => {
  const value = bool(attrs[attribute]);
  return value === true || value === UNKNOWN ? null : `${attribute} is not true: passwords need no ${what}`;
};

const PASSWORD_REQUIREMENTS: PasswordRequirement[] = [
  {
    aliases: ["AWS-0056"],
    fails: (attrs) => {
      const value = num(attrs.password_reuse_prevention);
      if (value === UNKNOWN || (value !== undefined && value >= 5)) return null;
      return `password_reuse_prevention is ${value ?? "not set"}: the last 5 passwords should not be reusable`;
    },
  },
  { aliases: ["CKV_AWS_11", "AWS-0058"], fails: required("require_lowercase_characters", "lowercase letter") },
  { aliases: ["CKV_AWS_12", "AWS-0059"], fails: required("require_numbers", "number") },
  { aliases: ["CKV_AWS_14", "AWS-0060"], fails: required("require_symbols", "symbol") },
  { aliases: ["CKV_AWS_15", "AWS-0061"], fails: required("require_uppercase_characters", "uppercase letter") },
  {
    aliases: ["CKV_AWS_9", "AWS-0062"],
    // Trivy only fails a maximum age set above 90 days.
    fails: (attrs) => {
      const value = num(attrs.max_password_age);
      return typeof value === "number" && value > 90 ? `max_password_age is ${value} days: more than 90` : null;
    },
  },
  {
    aliases: ["CKV_AWS_10", "AWS-0063"],
    fails: (attrs) => {
      const value = num(attrs.minimum_password_length);
      if (value === UNKNOWN || (value !== undefined && value >= 14)) return null;
      return `minimum_password_length is ${value ?? "not set (AWS allows 8)"}: at least 14 characters`;
    },
  },
];

export const iamPasswordPolicy: Rule = {
  id: "AWS_IAM_PASSWORD_POLICY",
  title: "IAM account password policy is weak",
  severity: "medium",
  aliases: [...new Set(PASSWORD_REQUIREMENTS.flatMap((r) => r.aliases))],
  target: "terraform",
  remediation:
    "Set minimum_password_length >= 14, require lowercase, uppercase, numbers and symbols, password_reuse_prevention >= 5 and max_password_age <= 90 (or use SSO and no IAM user passwords).",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const policy of ofType(ctx, "aws_iam_account_password_policy")) {
      for (const requirement of PASSWORD_REQUIREMENTS) {
        const why = requirement.fails(policy.attributes);
        if (why) hits.push(hitWith(policy, requirement.aliases, `${why}.`));
      }
    }
    return hits;
  },
};

/** The `aws_iam_user` resources an `aws_iam_access_key` (or similar) names in `user`. */
function userNamed(ctx: RuleContext, resource: TerraformResource): string | undefined {
  const user = resource.attributes.user;
  const declared = ofType(ctx, "aws_iam_user").find((u) => u.module === resource.module && references(user, u));
  const name = declared ? str(declared.attributes.name) : str(user);
  return name === UNKNOWN ? undefined : name;
}

export const iamRootAccessKey: Rule = {
  id: "AWS_IAM_ROOT_ACCESS_KEY",
  title: "Access key created for the root user",
  severity: "critical",
  aliases: ["AWS-0141"],
  target: "terraform",
  remediation:
    "Delete root access keys; give automation an IAM role (or a least-privilege IAM user) and keep the root user for the few tasks that need it, with MFA.",
  check(ctx) {
    return ofType(ctx, "aws_iam_access_key")
      .filter((key) => userNamed(ctx, key) === "root")
      .filter((key) => str(key.attributes.status) !== "Inactive")
      .map((key) => hit(key, 'An active access key for the user "root": whoever holds it can do anything in the account.'));
  },
};

/** The decoded documents a resource's `policy` holds, directly or through a policy document data source. */
function documentsOf(docs: PolicyDocument[], resource: TerraformResource): PolicyDocument[] {
  return docs.filter((doc) => doc.owner === resource || (doc.owner.mode === "data" && references(resource.attributes.policy, doc.owner)));
}

export const iamGroupMfa: Rule = {
  id: "AWS_IAM_GROUP_MFA",
  title: "IAM group does not require MFA",
  severity: "medium",
  aliases: ["AWS-0123"],
  target: "terraform",
  remediation:
    'Attach to the group a policy that denies actions when "aws:MultiFactorAuthPresent" is false (or not present), so its members must sign in with MFA.',
  async check(ctx) {
    const docs = await policyDocuments(ctx);
    const hits: RuleHit[] = [];
    for (const group of ofType(ctx, "aws_iam_group")) {
      const inline = linkedTo(ctx, group, ["aws_iam_group_policy"], "group", "name");
      const attached = linkedTo(ctx, group, ["aws_iam_group_policy_attachment"], "group", "name").flatMap((attachment) =>
        ofType(ctx, "aws_iam_policy").filter((policy) => policy.module === group.module && references(attachment.attributes.policy_arn, policy)),
      );
      const holders = [...inline, ...attached];
      // A policy we cannot read (a variable, a file, an AWS-managed ARN) may hold the condition.
      const unreadable = holders.some((holder) => documentsOf(docs, holder).length === 0);
      const attachedElsewhere = linkedTo(ctx, group, ["aws_iam_group_policy_attachment"], "group", "name").some(
        (attachment) => !ofType(ctx, "aws_iam_policy").some((policy) => references(attachment.attributes.policy_arn, policy)),
      );
      if (unreadable || attachedElsewhere) continue;
      const enforced = holders.some((holder) =>
        documentsOf(docs, holder).some((doc) => doc.statements.some((s) => s.conditionKeys.some((key) => key.toLowerCase() === "aws:multifactorauthpresent"))),
      );
      if (!enforced) hits.push(hit(group, "No policy of this group tests aws:MultiFactorAuthPresent: its members can act with a password alone."));
    }
    return hits;
  },
};

/** IAM rules. */
export const iamRules: Rule[] = [iamWildcardAction, iamAssumeRoleAnyPrincipal, iamUserPolicy, iamPasswordPolicy, iamRootAccessKey, iamGroupMfa];
