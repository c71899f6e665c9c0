import type { Rule, RuleHit } from "../types.js";
import { absent, upper } from "./gcp-common.js";
import { hit, hitWith, ofType, UNKNOWN } from "./helpers/terraform.js";

// Check ids: Checkov GoogleComputeMinTLSVersion (CKV_GCP_4) and Trivy use_secure_tls_policy
// (GCP-0039): both fail an SSL policy whose min_tls_version is not TLS_1_2.

export const lbSslPolicyTls: Rule = {
  id: "GCP_LB_SSL_POLICY_TLS",
  title: "Load balancer SSL policy allows old TLS versions or weak ciphers",
  severity: "medium",
  aliases: ["CKV_GCP_4", "GCP-0039"],
  target: "terraform",
  remediation: 'Set min_tls_version = "TLS_1_2" and profile = "MODERN" (or "RESTRICTED"); the defaults are TLS_1_0 and COMPATIBLE.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const policy of ofType(ctx, "google_compute_ssl_policy")) {
      const version = upper(policy.attributes.min_tls_version);
      const profile = upper(policy.attributes.profile);
      if (version !== UNKNOWN && version !== "TLS_1_2" && version !== "TLS_1_3") {
        const why = version === undefined ? "min_tls_version is not set (TLS_1_0 by default)" : `min_tls_version = "${version}"`;
        hits.push(hitWith(policy, ["CKV_GCP_4", "GCP-0039"], `${why}: clients can negotiate TLS 1.0 or 1.1, which have known weaknesses.`));
      }
      if (profile === undefined || profile === "COMPATIBLE") {
        const why = profile === undefined ? "profile is not set (COMPATIBLE by default)" : 'profile = "COMPATIBLE"';
        // No public check reads the profile on its own.
        hits.push(hitWith(policy, [], `${why}: weak cipher suites (3DES, CBC with SHA-1) stay enabled.`));
      }
    }
    return hits;
  },
};

export const lbHttpsProxySslPolicy: Rule = {
  id: "GCP_LB_HTTPS_PROXY_SSL_POLICY",
  title: "HTTPS or SSL proxy uses Google's default SSL policy",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation: 'Set ssl_policy to a google_compute_ssl_policy with min_tls_version = "TLS_1_2" and profile = "MODERN".',
  check(ctx) {
    return ofType(ctx, "google_compute_target_https_proxy", "google_compute_region_target_https_proxy", "google_compute_target_ssl_proxy")
      .filter((proxy) => absent(proxy.attributes.ssl_policy))
      .map((proxy) => hit(proxy, "No ssl_policy: the default policy accepts TLS 1.0 with the COMPATIBLE cipher profile."));
  },
};

/** Load-balancing schemes of backend services reachable from the internet. */
const EXTERNAL_SCHEMES = new Set(["EXTERNAL", "EXTERNAL_MANAGED"]);

export const lbCloudArmor: Rule = {
  id: "GCP_LB_CLOUD_ARMOR",
  title: "Internet-facing backend service has no Cloud Armor policy",
  severity: "low",
  aliases: [],
  target: "terraform",
  remediation:
    "Set security_policy to a google_compute_security_policy (preconfigured WAF rules, rate limiting) so attacks are filtered before they reach the backends.",
  check(ctx) {
    return ofType(ctx, "google_compute_backend_service")
      .filter((backend) => {
        // EXTERNAL is the provider default scheme.
        const scheme = upper(backend.attributes.load_balancing_scheme) ?? "EXTERNAL";
        return scheme !== UNKNOWN && EXTERNAL_SCHEMES.has(scheme) && absent(backend.attributes.security_policy);
      })
      .map((backend) => hit(backend, "No security_policy on an external backend service: no WAF or rate limiting in front of the backends."));
  },
};

/** Load balancing rules. */
export const gcpLbRules: Rule[] = [lbSslPolicyTls, lbHttpsProxySslPolicy, lbCloudArmor];
