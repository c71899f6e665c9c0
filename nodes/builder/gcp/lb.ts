import { block, type HclBlock, type HclNested, ref } from "../hcl.js";
import { bucketAddress, lbTarget, runAddress } from "./addresses.js";
import { APIS, output } from "./base.js";
import { type GcpContext, type GcpSection, nameWith } from "./context.js";
import { siteBucket } from "./storage.js";

/** The Cloud Armor policy's address. */
export const SECURITY_POLICY = "google_compute_security_policy.armor";

/**
 * Cloud Armor's preconfigured WAF rules the policy denies with 403, at sensitivity 1 (fewest
 * false positives): SQL injection, cross-site scripting, local file inclusion, remote code
 * execution, and `cve-canary` (Log4Shell and similar). Names from
 * https://cloud.google.com/armor/docs/waf-rules.
 */
export const WAF_RULES = ["sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rce-v33-stable", "cve-canary"];

/** A rule block of the security policy. */
function armorRule(priority: number, action: string, description: string, match: HclNested): HclNested {
  return block({ priority, action, description, match });
}

/**
 * The Cloud Armor policy: each preconfigured WAF rule denies, everything else is allowed by the
 * lowest-priority default rule; Adaptive Protection watches for layer-7 floods; requests are
 * logged verbosely outside prod.
 */
function armor(ctx: GcpContext): HclBlock {
  const owner = ctx.component(["cloud-armor"]);
  const rules = WAF_RULES.map((rule, index) =>
    armorRule(
      1000 + index * 10,
      "deny(403)",
      `Preconfigured WAF ${rule}`,
      block({ expr: block({ expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': 1})` }) }),
    ),
  );
  rules.push(
    armorRule(
      2147483647,
      "allow",
      "Default: allow what no rule above denied",
      block({ versioned_expr: "SRC_IPS_V1", config: block({ src_ip_ranges: ["*"] }) }),
    ),
  );
  return ctx.resource("google_compute_security_policy", "armor", owner, {
    name: nameWith(ctx, 63, "armor"),
    description: `WAF for the public entry of ${ctx.plan.goal_name} (${ctx.plan.environment})`,
    type: "CLOUD_ARMOR",
    rule: rules,
    adaptive_protection_config: block({ layer_7_ddos_defense_config: block({ enable: true }) }),
    advanced_options_config: block({ log_level: ctx.prod ? "NORMAL" : "VERBOSE" }),
    depends_on: [ref(APIS)],
  });
}

/**
 * lb.tf: the global external Application Load Balancer in front of the public Cloud Run service
 * (serverless NEG behind a backend service, with Cloud Armor when the plan asks for a WAF) or
 * of a static site (backend bucket with Cloud CDN). HTTPS with a Google-managed certificate for
 * `var.domain` and an SSL policy of TLS 1.2 or later (RESTRICTED ciphers in prod, MODERN
 * elsewhere); port 80 only redirects to HTTPS. Request logging on the backend service.
 *
 * Not rendered: an internal load balancer (internal services are reached at their Cloud Run URL
 * with internal ingress), Cloud Armor on a static site (it would need an edge security policy),
 * the load balancer of a GKE design (made by the GKE Ingress controller from the Kubernetes side).
 */
export function renderLoadBalancer(ctx: GcpContext): GcpSection[] {
  if (ctx.gke) return gkeEntry(ctx);
  if (!ctx.hasPublicLb) return [];
  const owner = ctx.component(["gcp-load-balancer"]);
  const target = lbTarget(ctx);
  const site = siteBucket(ctx);
  const blocks: HclBlock[] = [];
  const notes: string[] = [];
  let backend: string;
  if (target) {
    if (ctx.hasArmor) blocks.push(armor(ctx));
    blocks.push(
      ctx.resource("google_compute_region_network_endpoint_group", target.tf, owner, {
        name: nameWith(ctx, 63, `${target.id}-neg`),
        region: ctx.plan.region,
        network_endpoint_type: "SERVERLESS",
        cloud_run: block({ service: ref(`${runAddress(target)}.name`) }),
      }),
      ctx.resource("google_compute_backend_service", target.tf, owner, {
        name: nameWith(ctx, 63, `${target.id}-backend`),
        load_balancing_scheme: "EXTERNAL_MANAGED",
        protocol: "HTTPS",
        security_policy: ctx.hasArmor ? ref(`${SECURITY_POLICY}.id`) : undefined,
        backend: block({ group: ref(`google_compute_region_network_endpoint_group.${target.tf}.id`) }),
        log_config: block({ enable: true, sample_rate: 1 }),
      }),
    );
    backend = `google_compute_backend_service.${target.tf}.id`;
  } else if (site) {
    if (ctx.plan.security.waf)
      notes.push("security.waf is not rendered for a static site: Cloud Armor WAF rules need a backend service, a backend bucket takes only an edge policy.");
    blocks.push(
      ctx.resource("google_compute_backend_bucket", "site", owner, {
        name: nameWith(ctx, 63, "site-backend"),
        bucket_name: ref(`${bucketAddress(site)}.name`),
        enable_cdn: true,
        compression_mode: "AUTOMATIC",
        cdn_policy: block({
          cache_mode: "CACHE_ALL_STATIC",
          default_ttl: 3600,
          client_ttl: 3600,
          max_ttl: 86400,
          negative_caching: true,
          serve_while_stale: 86400,
        }),
      }),
    );
    backend = "google_compute_backend_bucket.site.id";
  } else {
    return [];
  }
  blocks.push(
    ctx.resource("google_compute_global_address", "lb", owner, { name: nameWith(ctx, 63, "lb"), depends_on: [ref(APIS)] }),
    ctx.resource("google_compute_managed_ssl_certificate", "lb", owner, {
      name: nameWith(ctx, 63, "cert"),
      managed: block({ domains: [ref("var.domain")] }),
      lifecycle: block({ create_before_destroy: true }),
    }),
    ctx.resource("google_compute_ssl_policy", "lb", owner, {
      name: nameWith(ctx, 63, "tls"),
      profile: ctx.prod ? "RESTRICTED" : "MODERN",
      min_tls_version: "TLS_1_2",
    }),
    ctx.resource("google_compute_url_map", "https", owner, { name: nameWith(ctx, 63, "https"), default_service: ref(backend) }),
    ctx.resource("google_compute_target_https_proxy", "lb", owner, {
      name: nameWith(ctx, 63, "https-proxy"),
      url_map: ref("google_compute_url_map.https.id"),
      ssl_certificates: [ref("google_compute_managed_ssl_certificate.lb.id")],
      ssl_policy: ref("google_compute_ssl_policy.lb.id"),
    }),
    ctx.resource("google_compute_global_forwarding_rule", "https", owner, {
      name: nameWith(ctx, 63, "https"),
      load_balancing_scheme: "EXTERNAL_MANAGED",
      ip_protocol: "TCP",
      port_range: "443",
      ip_address: ref("google_compute_global_address.lb.id"),
      target: ref("google_compute_target_https_proxy.lb.id"),
    }),
    ctx.resource("google_compute_url_map", "http_redirect", owner, {
      name: nameWith(ctx, 63, "http-redirect"),
      default_url_redirect: block({ https_redirect: true, redirect_response_code: "MOVED_PERMANENTLY_DEFAULT", strip_query: false }),
    }),
    ctx.resource("google_compute_target_http_proxy", "redirect", owner, {
      name: nameWith(ctx, 63, "http-proxy"),
      url_map: ref("google_compute_url_map.http_redirect.id"),
    }),
    ctx.resource("google_compute_global_forwarding_rule", "http", owner, {
      name: nameWith(ctx, 63, "http"),
      load_balancing_scheme: "EXTERNAL_MANAGED",
      ip_protocol: "TCP",
      port_range: "80",
      ip_address: ref("google_compute_global_address.lb.id"),
      target: ref("google_compute_target_http_proxy.redirect.id"),
    }),
  );
  const outputs = [
    output("load_balancer_ip", "Point the domain's A record here (the certificate is issued after that)", ref("google_compute_global_address.lb.address")),
  ];
  if (ctx.hasArmor && target) outputs.push(output("security_policy", "Cloud Armor policy on the public entry", ref(`${SECURITY_POLICY}.name`)));
  return [
    { file: "lb.tf", blocks, notes },
    { file: "outputs.tf", blocks: outputs },
  ];
}

/**
 * The pieces of a GKE design's public entry that GKE's Ingress controller cannot make: a reserved
 * global address, the SSL policy and the Cloud Armor policy, which the Kubernetes side names
 * (`kubernetes.io/ingress.global-static-ip-name`, FrontendConfig `sslPolicy`, BackendConfig
 * `securityPolicy`). The load balancer itself is the controller's.
 */
function gkeEntry(ctx: GcpContext): GcpSection[] {
  const { ingress } = ctx.plan.network;
  if (ingress.type !== "https-lb" || !ingress.public) return [];
  const owner = ctx.component(["gcp-load-balancer", "gke-cluster"]);
  const blocks: HclBlock[] = [
    ctx.resource("google_compute_global_address", "lb", owner, { name: nameWith(ctx, 63, "lb"), depends_on: [ref(APIS)] }),
    ctx.resource("google_compute_ssl_policy", "lb", owner, {
      name: nameWith(ctx, 63, "tls"),
      profile: ctx.prod ? "RESTRICTED" : "MODERN",
      min_tls_version: "TLS_1_2",
    }),
  ];
  if (ctx.hasArmor) blocks.push(armor(ctx));
  const outputs = [
    output("ingress_static_ip_name", "kubernetes.io/ingress.global-static-ip-name of the Ingress", ref("google_compute_global_address.lb.name")),
    output("ingress_ssl_policy", "sslPolicy of the Ingress's FrontendConfig", ref("google_compute_ssl_policy.lb.name")),
    ...(ctx.hasArmor ? [output("security_policy", "securityPolicy of the service's BackendConfig", ref(`${SECURITY_POLICY}.name`))] : []),
  ];
  return [
    { file: "lb.tf", blocks },
    { file: "outputs.tf", blocks: outputs },
  ];
}
