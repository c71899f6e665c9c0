import type { BuildContext } from "../context.js";
import { block, ref } from "../hcl.js";
import { tfName } from "../labels.js";
import type { TfSection } from "./shared.js";
import { siteBucket } from "./site.js";
import { WEB_ACL, wafScope } from "./waf.js";

export { siteBucket } from "./site.js";

/** AWS managed policies, by their fixed ids: CachingOptimized and SecurityHeadersPolicy. */
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/**
 * cdn.tf: CloudFront in front of the private site bucket, reading it through origin access
 * control (the bucket stays closed to the internet). HTTPS only, TLS 1.2+, security headers.
 */
export function renderStaticSite(ctx: BuildContext): TfSection[] {
  const site = siteBucket(ctx);
  if (!site) return [];
  const owner = ctx.component(["cloudfront", "s3-bucket"]);
  const bucket = `aws_s3_bucket.${tfName(site.id)}`;
  const origin = `s3-${site.id}`;
  return [
    {
      file: "cdn.tf",
      blocks: [
        ctx.resource("aws_cloudfront_origin_access_control", "site", owner, {
          name: ctx.shortName(64, "site"),
          description: `${ctx.plan.goal_name}: CloudFront reads ${site.id}`,
          origin_access_control_origin_type: "s3",
          signing_behavior: "always",
          signing_protocol: "sigv4",
        }),
        ctx.resource("aws_cloudfront_distribution", "site", owner, {
          enabled: true,
          is_ipv6_enabled: true,
          comment: `${ctx.plan.goal_name} (${ctx.plan.environment})`,
          default_root_object: "index.html",
          http_version: "http2and3",
          price_class: "PriceClass_100",
          web_acl_id: wafScope(ctx) === "CLOUDFRONT" ? ref(`${WEB_ACL}.arn`) : undefined,
          aliases: ref("var.domain_names"),
          origin: block({
            origin_id: origin,
            domain_name: ref(`${bucket}.bucket_regional_domain_name`),
            origin_access_control_id: ref("aws_cloudfront_origin_access_control.site.id"),
          }),
          default_cache_behavior: block({
            target_origin_id: origin,
            viewer_protocol_policy: "redirect-to-https",
            allowed_methods: ["GET", "HEAD", "OPTIONS"],
            cached_methods: ["GET", "HEAD"],
            compress: true,
            cache_policy_id: CACHING_OPTIMIZED,
            response_headers_policy_id: SECURITY_HEADERS,
          }),
          restrictions: block({ geo_restriction: block({ restriction_type: "none" }) }),
          viewer_certificate: block({
            acm_certificate_arn: ref("var.certificate_arn"),
            ssl_support_method: "sni-only",
            minimum_protocol_version: "TLSv1.2_2021",
          }),
        }),
      ],
    },
  ];
}
