import type { Rule, RuleHit } from "../types.js";
import { iamMembers, memberAttribute, notTrue, PUBLIC_MEMBERS } from "./gcp-common.js";
import { cannotVerify, hit, nested, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

// Check ids: Checkov policy index (bridgecrewio/checkov, checks/resource/gcp) and Trivy
// (aquasecurity/trivy-checks, checks/cloud/google/storage).

export const storageUniformAccess: Rule = {
  id: "GCP_STORAGE_UNIFORM_ACCESS",
  title: "Cloud Storage bucket does not use uniform bucket-level access",
  severity: "medium",
  aliases: ["CKV_GCP_29", "GCP-0002"],
  target: "terraform",
  remediation:
    "Set uniform_bucket_level_access = true so only bucket IAM policies grant access; object ACLs, which are easy to get wrong one object at a time, stop applying.",
  check(ctx) {
    return ofType(ctx, "google_storage_bucket")
      .filter((bucket) => notTrue(bucket.attributes.uniform_bucket_level_access))
      .map((bucket) => hit(bucket, "uniform_bucket_level_access is not true: per-object ACLs can still make single objects public."));
  },
};

export const storagePublicAccessPrevention: Rule = {
  id: "GCP_STORAGE_PUBLIC_ACCESS_PREVENTION",
  title: "Cloud Storage bucket does not enforce public access prevention",
  severity: "medium",
  aliases: ["CKV_GCP_114"],
  target: "terraform",
  remediation: 'Set public_access_prevention = "enforced": Cloud Storage then refuses any IAM grant or ACL to allUsers or allAuthenticatedUsers on the bucket.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const bucket of ofType(ctx, "google_storage_bucket")) {
      const value = str(bucket.attributes.public_access_prevention);
      if (value === UNKNOWN || value === "enforced") continue;
      // "inherited" (the default) follows the organisation policy, which this configuration does not show.
      const why = value === undefined ? "is not set (inherited from the organisation policy, if any)" : `is "${value}"`;
      hits.push(hit(bucket, `public_access_prevention ${why}: a later IAM grant or ACL can make the bucket public.`));
    }
    return hits;
  },
};

export const storagePublicIam: Rule = {
  id: "GCP_STORAGE_PUBLIC_IAM",
  title: "Cloud Storage bucket IAM grants access to allUsers or allAuthenticatedUsers",
  severity: "high",
  aliases: ["CKV_GCP_28", "GCP-0001"],
  target: "terraform",
  remediation:
    "Remove allUsers and allAuthenticatedUsers from the bucket's IAM members; serve public content through a load balancer with Cloud CDN, or signed URLs.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const grant of ofType(ctx, "google_storage_bucket_iam_member", "google_storage_bucket_iam_binding")) {
      const publicMembers = iamMembers(grant).filter((member) => PUBLIC_MEMBERS.has(member));
      const attribute = memberAttribute(grant);
      if (publicMembers.length > 0) {
        hits.push(hit(grant, `Grants ${str(grant.attributes.role) ?? "a role"} to ${publicMembers.join(" and ")}: anyone can use it on the bucket.`));
      } else if (unresolvedInput(grant.attributes[attribute])) {
        hits.push(cannotVerify(grant, attribute, grant.attributes[attribute]));
      }
    }
    return hits;
  },
};

export const storageVersioning: Rule = {
  id: "GCP_STORAGE_VERSIONING",
  title: "Cloud Storage bucket versioning is not enabled",
  severity: "low",
  aliases: ["CKV_GCP_78", "GCP-0078"],
  target: "terraform",
  remediation: "Add versioning { enabled = true } (with a lifecycle rule deleting old versions) so overwritten or deleted objects can be restored.",
  check(ctx) {
    return ofType(ctx, "google_storage_bucket")
      .filter((bucket) => {
        const flags = nested(bucket.attributes, "versioning").map((block) => block.enabled);
        return flags.every((flag) => notTrue(flag));
      })
      .map((bucket) => hit(bucket, "Object versioning is off: an overwrite or delete cannot be undone."));
  },
};

export const storageCmek: Rule = {
  id: "GCP_STORAGE_CMEK",
  title: "Cloud Storage bucket is not encrypted with a customer-managed key",
  severity: "low",
  aliases: ["GCP-0066"],
  target: "terraform",
  remediation: "Add encryption { default_kms_key_name = google_kms_crypto_key.<name>.id } so you control rotation and can revoke access to the data.",
  check(ctx) {
    return ofType(ctx, "google_storage_bucket")
      .filter((bucket) => {
        const keys = nested(bucket.attributes, "encryption").map((block) => block.default_kms_key_name);
        return !keys.some((key) => typeof key === "string" && key !== "");
      })
      .map((bucket) => hit(bucket, "No encryption.default_kms_key_name: objects are encrypted with Google-managed keys you cannot rotate or revoke."));
  },
};

/** Cloud Storage rules. */
export const gcpStorageRules: Rule[] = [storageUniformAccess, storagePublicAccessPrevention, storagePublicIam, storageVersioning, storageCmek];
