import type { TerraformResource } from "../../iac/types.js";
import { isInterpolated } from "../path.js";
import type { Rule, RuleContext } from "../types.js";
import { blocks, bool, cannotVerify, hit, hitWith, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

const LISTENERS = ["aws_lb_listener", "aws_alb_listener"];
const BALANCERS = ["aws_lb", "aws_alb"];
/** Policies that refuse TLS 1.0 and 1.1 (AWS's TLS13-1-0/1-1 variants still accept them). */
const MODERN_TLS = /(TLS13-1-[23]|TLS-1-2|FS-1-2)/;
/** The policies AWS-0047 names as outdated (the provider default, ELBSecurityPolicy-2016-08, is one). */
const TRIVY_OUTDATED = new Set([
  "ELBSecurityPolicy-2015-05",
  "ELBSecurityPolicy-2016-08",
  "ELBSecurityPolicy-FS-2018-06",
  "ELBSecurityPolicy-FS-1-1-2019-08",
  "ELBSecurityPolicy-TLS-1-0-2015-04",
  "ELBSecurityPolicy-TLS-1-1-2017-01",
  "ELBSecurityPolicy-TLS13-1-0-2021-06",
  "ELBSecurityPolicy-TLS13-1-1-2021-06",
]);

/** The load balancer a listener belongs to, when it is declared in the same module. */
function balancerOf(ctx: RuleContext, listener: TerraformResource): TerraformResource | undefined {
  return ofType(ctx, ...BALANCERS).find((lb) => lb.module === listener.module && references(listener.attributes.load_balancer_arn, lb));
}

/** A listener's protocol; Terraform defaults to HTTP for application load balancers. */
function protocolOf(ctx: RuleContext, listener: TerraformResource): string | undefined {
  const declared = str(listener.attributes.protocol);
  if (declared === UNKNOWN) return undefined;
  if (declared) return declared.toUpperCase();
  const type = balancerOf(ctx, listener)?.attributes.load_balancer_type;
  return type === undefined || type === "application" ? "HTTP" : undefined;
}

export const albHttpListener: Rule = {
  id: "AWS_ALB_HTTP_LISTENER",
  title: "Load balancer listener serves plain HTTP without redirecting to HTTPS",
  severity: "high",
  aliases: ["CKV_AWS_2", "CKV2_AWS_20", "AWS-0054"],
  target: "terraform",
  remediation:
    'Make the port 80 listener\'s default_action a redirect { protocol = "HTTPS", port = "443", status_code = "HTTP_301" } and serve traffic on an HTTPS listener.',
  check(ctx) {
    return ofType(ctx, ...LISTENERS)
      .filter((listener) => protocolOf(ctx, listener) === "HTTP")
      .filter((listener) => {
        const actions = blocks(listener.attributes.default_action);
        if (actions.some((action) => isInterpolated(action.type))) return false;
        const redirects = actions.every(
          (action) => action.type === "redirect" && blocks(action.redirect).every((r) => String(r.protocol ?? "").toUpperCase() === "HTTPS"),
        );
        return actions.length === 0 || !redirects;
      })
      .map((listener) => {
        // AWS-0054 accepts any redirect; a redirect to another plain-HTTP place is only ours (and Checkov's).
        const redirects = blocks(listener.attributes.default_action).some((action) => action.type === "redirect");
        return hitWith(
          listener,
          redirects ? ["CKV_AWS_2", "CKV2_AWS_20"] : ["CKV_AWS_2", "CKV2_AWS_20", "AWS-0054"],
          "HTTP listener forwards traffic in clear text instead of redirecting to HTTPS.",
        );
      });
  },
};

export const albTlsPolicy: Rule = {
  id: "AWS_ALB_TLS_POLICY",
  title: "HTTPS listener allows TLS versions older than 1.2",
  severity: "high",
  aliases: ["CKV_AWS_103", "AWS-0047"],
  target: "terraform",
  remediation: 'Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3 only).',
  check(ctx) {
    return ofType(ctx, ...LISTENERS)
      .filter((listener) => ["HTTPS", "TLS"].includes(protocolOf(ctx, listener) ?? ""))
      .flatMap((listener) => {
        const policy = str(listener.attributes.ssl_policy);
        if (policy === UNKNOWN) {
          return unresolvedInput(listener.attributes.ssl_policy) ? [cannotVerify(listener, "ssl_policy", listener.attributes.ssl_policy)] : [];
        }
        if (policy && MODERN_TLS.test(policy)) return [];
        const why = policy ? `ssl_policy "${policy}" accepts` : "No ssl_policy: the provider default ELBSecurityPolicy-2016-08 accepts";
        const trivy = policy === undefined || TRIVY_OUTDATED.has(policy);
        return [hitWith(listener, trivy ? ["CKV_AWS_103", "AWS-0047"] : ["CKV_AWS_103"], `${why} TLS 1.0 and 1.1.`)];
      });
  },
};

export const albDropInvalidHeaders: Rule = {
  id: "AWS_ALB_DROP_INVALID_HEADERS",
  title: "Application load balancer forwards invalid HTTP headers",
  severity: "medium",
  aliases: ["CKV_AWS_131", "AWS-0052"],
  target: "terraform",
  remediation: "Set drop_invalid_header_fields = true on the load balancer to blunt HTTP request smuggling.",
  check(ctx) {
    return ofType(ctx, ...BALANCERS)
      .filter((lb) => [undefined, "application"].includes(lb.attributes.load_balancer_type as string | undefined))
      .filter((lb) => {
        const drop = bool(lb.attributes.drop_invalid_header_fields);
        return drop !== true && drop !== UNKNOWN;
      })
      .map((lb) => hit(lb, "drop_invalid_header_fields is not enabled, so malformed headers reach the targets."));
  },
};

/** Load balancer rules. */
export const albRules: Rule[] = [albHttpListener, albTlsPolicy, albDropInvalidHeaders];
