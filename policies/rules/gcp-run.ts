import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { absent, iamMembers, PUBLIC_MEMBERS, upper } from "./gcp-common.js";
import { hit, hitWith, linkedTo, nested, ofType, str, UNKNOWN } from "./helpers/terraform.js";

// Check ids: Checkov CKV_GCP_102 (GCPCloudRunPrivateService.py) reads the v1
// google_cloud_run_service_iam_member / _binding resources only.

/** IAM resources of each Cloud Run service type, and the attribute naming the service. */
const IAM_TYPES: Record<string, { types: string[]; attribute: string }> = {
  google_cloud_run_v2_service: { types: ["google_cloud_run_v2_service_iam_member", "google_cloud_run_v2_service_iam_binding"], attribute: "name" },
  google_cloud_run_service: { types: ["google_cloud_run_service_iam_member", "google_cloud_run_service_iam_binding"], attribute: "service" },
};

const V1_IAM = new Set(IAM_TYPES.google_cloud_run_service?.types ?? []);

/**
 * The ingress setting of a Cloud Run service: v2 `ingress` (default INGRESS_TRAFFIC_ALL), v1
 * annotation `run.googleapis.com/ingress` (default "all"). Upper-cased; `unknown` when unresolved.
 */
function ingressOf(service: TerraformResource): string | typeof UNKNOWN {
  if (service.type === "google_cloud_run_v2_service") return upper(service.attributes.ingress) ?? "INGRESS_TRAFFIC_ALL";
  const annotations = nested(service.attributes, "metadata")[0]?.annotations;
  const value = typeof annotations === "object" && annotations !== null ? (annotations as Record<string, unknown>)["run.googleapis.com/ingress"] : undefined;
  return upper(value) ?? "ALL";
}

/**
 * True when the service takes requests straight from the internet: v2 INGRESS_TRAFFIC_ALL, v1
 * "all". With internal ingress, or ingress through a load balancer (where Cloud Armor and IAP
 * apply), an allUsers grant is how load-balanced public services are meant to be set up.
 */
function directFromInternet(service: TerraformResource): boolean {
  const ingress = ingressOf(service);
  return ingress === "INGRESS_TRAFFIC_ALL" || ingress === "ALL";
}

/** The Cloud Run service an IAM resource grants on, when declared in the same module. */
function serviceOf(ctx: RuleContext, grant: TerraformResource): TerraformResource | undefined {
  for (const [type, { types, attribute }] of Object.entries(IAM_TYPES)) {
    if (!types.includes(grant.type)) continue;
    return ofType(ctx, type).find((service) => linkedTo(ctx, service, types, attribute, "name").includes(grant));
  }
  return undefined;
}

export const runPublicInvoker: Rule = {
  id: "GCP_RUN_PUBLIC_INVOKER",
  title: "Cloud Run service can be invoked by anyone, straight from the internet",
  severity: "low",
  aliases: ["CKV_GCP_102"],
  target: "terraform",
  remediation:
    'For a public website or API, keep allUsers but set ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" and serve it through an external Application Load Balancer with Cloud Armor. For anything else, remove allUsers/allAuthenticatedUsers and grant roles/run.invoker to the callers\' service accounts (or set ingress to INGRESS_TRAFFIC_INTERNAL_ONLY).',
  check(ctx) {
    const hits: RuleHit[] = [];
    const types = Object.values(IAM_TYPES).flatMap((entry) => entry.types);
    for (const grant of ofType(ctx, ...types)) {
      const publicMembers = iamMembers(grant).filter((member) => PUBLIC_MEMBERS.has(member));
      if (publicMembers.length === 0) continue;
      const service = serviceOf(ctx, grant);
      // Through a load balancer or internal-only, the grant is not a direct internet exposure.
      if (service && !directFromInternet(service)) continue;
      const where = service
        ? `${service.address} takes requests straight from the internet (ingress ${ingressOf(service)})`
        : "the service is not declared here, so its ingress could not be read (the default admits all internet traffic)";
      const message = `Grants ${str(grant.attributes.role) ?? "a role"} to ${publicMembers.join(" and ")} and ${where}: anyone can call it without authenticating.`;
      hits.push(hitWith(grant, V1_IAM.has(grant.type) ? ["CKV_GCP_102"] : [], message));
    }
    return hits;
  },
};

export const runDefaultServiceAccount: Rule = {
  id: "GCP_RUN_DEFAULT_SERVICE_ACCOUNT",
  title: "Cloud Run service runs as the Compute Engine default service account",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation:
    "Set template.service_account (v2) or template.spec.service_account_name (v1) to a dedicated service account holding only the roles the service needs.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const service of ofType(ctx, "google_cloud_run_v2_service", "google_cloud_run_service")) {
      const account =
        service.type === "google_cloud_run_v2_service"
          ? nested(service.attributes, "template")[0]?.service_account
          : nested(service.attributes, "template", "spec")[0]?.service_account_name;
      const literal = str(account);
      if (absent(account)) {
        hits.push(
          hit(service, "No service account set: the service runs as the Compute Engine default service account, granted Editor on the project by default."),
        );
      } else if (literal !== undefined && literal !== UNKNOWN && literal.endsWith("-compute@developer.gserviceaccount.com")) {
        hits.push(hit(service, `Runs as ${literal}, the Compute Engine default service account, granted Editor on the project by default.`));
      }
    }
    return hits;
  },
};

/** Cloud Run rules. */
export const gcpRunRules: Rule[] = [runPublicInvoker, runDefaultServiceAccount];
