import type { Rule, RuleHit } from "../types.js";
import { iamMembers } from "./gcp-common.js";
import { cannotVerify, hit, hitWith, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

// Check ids: Checkov GoogleProjectBasicRoles (CKV_GCP_117) and CKV2_GCP_3 (only GCP-managed
// service account keys); Trivy no_privileged_service_accounts (GCP-0007: owner, editor or *Admin
// roles to a service account) and no_user_granted_permissions (GCP-0003: any role to a user:).

/** Primitive roles that carry (almost) every permission in the project. */
const PRIMITIVE_ROLES = new Set(["roles/owner", "roles/editor"]);

export const iamPrimitiveRole: Rule = {
  id: "GCP_IAM_PRIMITIVE_ROLE",
  title: "Project IAM grants the Owner or Editor primitive role",
  severity: "high",
  aliases: ["CKV_GCP_117", "GCP-0007", "GCP-0003"],
  target: "terraform",
  remediation:
    "Grant predefined roles scoped to what the principal does (roles/run.developer, roles/cloudsql.client, ...), to groups rather than users; keep Owner for a break-glass group.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const grant of ofType(ctx, "google_project_iam_member", "google_project_iam_binding")) {
      const role = str(grant.attributes.role);
      if (role === UNKNOWN) {
        if (unresolvedInput(grant.attributes.role)) hits.push(cannotVerify(grant, "role", grant.attributes.role, ["CKV_GCP_117"]));
        continue;
      }
      if (role === undefined || !PRIMITIVE_ROLES.has(role)) continue;
      const members = iamMembers(grant);
      const aliases = [
        "CKV_GCP_117",
        ...(members.some((m) => m.startsWith("serviceAccount:")) ? ["GCP-0007"] : []),
        ...(members.some((m) => m.startsWith("user:")) ? ["GCP-0003"] : []),
      ];
      const who = members.length > 0 ? members.join(", ") : "its members";
      hits.push(hitWith(grant, aliases, `Grants ${role} on the project to ${who}: nearly every permission on every resource, including deleting them.`));
    }
    return hits;
  },
};

export const iamServiceAccountKey: Rule = {
  id: "GCP_IAM_SERVICE_ACCOUNT_KEY",
  title: "Configuration creates a user-managed service account key",
  severity: "medium",
  aliases: ["CKV2_GCP_3"],
  target: "terraform",
  remediation:
    "Drop the google_service_account_key: use Workload Identity (GKE), attached service accounts (Cloud Run, Compute) or Workload Identity Federation (CI) instead of exported keys.",
  check(ctx) {
    return ofType(ctx, "google_service_account_key").map((key) =>
      hit(key, "A long-lived private key is created and stored in Terraform state; anyone holding it acts as the service account until it is deleted."),
    );
  },
};

/** IAM rules. */
export const gcpIamRules: Rule[] = [iamPrimitiveRole, iamServiceAccountKey];
