import type { BuildContext } from "../context.js";
import { block, type HclBlock, ref } from "../hcl.js";
import { awsName } from "../labels.js";
import { GLOBAL_PROVIDER, type TfSection } from "./shared.js";
import { siteBucket } from "./site.js";

/** The web ACL's address, for `web_acl_id` on a distribution and the association with a load balancer. */
export const WEB_ACL = "aws_wafv2_web_acl.main";

/**
 * AWS managed rule groups the web ACL runs, each counted as one rule: the core rule set
 * (OWASP-style checks: bad bots' user agents, oversized bodies, common exploit patterns) and
 * known bad inputs (Log4j, Java deserialisation and other exploit payloads).
 */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

/**
 * Where the plan's WAF goes: CLOUDFRONT for a site served by CloudFront, REGIONAL for a load
 * balancer (the ALB Terraform creates on ECS, or the one the EKS load balancer controller makes
 * from the Ingress); null when the plan asks for none or has no public entry point to protect.
 */
export function wafScope(ctx: BuildContext): "CLOUDFRONT" | "REGIONAL" | null {
  const { plan } = ctx;
  if (!plan.security.waf) return null;
  if (siteBucket(ctx)) return "CLOUDFRONT";
  if (plan.compute.platform !== "none" && plan.network.ingress.type === "alb") return "REGIONAL";
  return null;
}

/** True when the CloudFront web ACL has to be created through the us-east-1 provider alias. */
export function wafNeedsGlobalProvider(ctx: BuildContext): boolean {
  return wafScope(ctx) === "CLOUDFRONT" && ctx.plan.region !== "us-east-1";
}

function visibility(metric: string) {
  return block({ cloudwatch_metrics_enabled: true, metric_name: metric, sampled_requests_enabled: true });
}

/**
 * waf.tf: an AWS WAF web ACL that allows by default and runs the managed rule groups above
 * (they block what they match), with CloudWatch metrics and sampled requests. A regional ACL
 * is associated with the ALB here; a CloudFront one is named on the distribution (cdn.tf). On
 * EKS the ALB belongs to the load balancer controller, which associates the ACL named in the
 * Ingress (`alb.ingress.kubernetes.io/wafv2-acl-arn`), so the ARN is an output.
 */
export function renderWaf(ctx: BuildContext): TfSection[] {
  const scope = wafScope(ctx);
  if (!scope) return [];
  const owner = ctx.component(["waf", scope === "CLOUDFRONT" ? "cloudfront" : "alb"]);
  const name = awsName(128, ctx.prefix, "waf");
  const rules = MANAGED_RULE_GROUPS.map((group, i) =>
    block({
      name: group,
      priority: i + 1,
      override_action: block({ none: block({}) }),
      statement: block({ managed_rule_group_statement: block({ name: group, vendor_name: "AWS" }) }),
      visibility_config: visibility(`${name}-${group}`),
    }),
  );
  const blocks: HclBlock[] = [
    ctx.resource("aws_wafv2_web_acl", "main", owner, {
      provider: wafNeedsGlobalProvider(ctx) ? ref(GLOBAL_PROVIDER) : undefined,
      name,
      description: `${ctx.plan.goal_name} (${ctx.plan.environment}): AWS managed common and known-bad-input rules`,
      scope,
      default_action: block({ allow: block({}) }),
      rule: rules,
      visibility_config: visibility(name),
    }),
  ];
  if (scope === "REGIONAL" && ctx.hasAlb) {
    blocks.push(ctx.resource("aws_wafv2_web_acl_association", "alb", owner, { resource_arn: ref("aws_lb.main.arn"), web_acl_arn: ref(`${WEB_ACL}.arn`) }));
  }
  return [{ file: "waf.tf", blocks }];
}
