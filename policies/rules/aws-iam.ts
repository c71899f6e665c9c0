import type { Rule, RuleHit } from "../types.js";
import { policyDocuments } from "./helpers/iam-document.js";
import { hit, ofType } from "./helpers/terraform.js";

const FULL_WILDCARDS = new Set(["*", "*:*"]);

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
        if (statement.effect !== "Allow" || !statement.actions.some((a) => FULL_WILDCARDS.has(a))) continue;
        const admin = statement.resources.some((r) => r === "*");
        hits.push(
          hit(
            doc.owner,
            admin ? 'Statement allows Action "*" on Resource "*": full administrator access.' : 'Statement allows Action "*" (every API of every service).',
          ),
        );
      }
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
      const open = doc.statements.filter((s) => s.effect === "Allow" && s.principals.includes("*") && !s.hasCondition);
      if (open.length === 0) continue;
      const what = doc.attribute === "assume_role_policy" ? "Any AWS account can assume this role" : "A statement allows any principal";
      hits.push(hit(doc.owner, `${what}: Principal "*" with no Condition.`));
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
      return Array.isArray(users) ? users.length > 0 : users !== undefined;
    });
    return [...direct, ...shared].map((resource) => hit(resource, "Permissions granted straight to an IAM user are hard to audit and survive role changes."));
  },
};

/** IAM rules. */
export const iamRules: Rule[] = [iamWildcardAction, iamAssumeRoleAnyPrincipal, iamUserPolicy];
