import type { BuildContext } from "../context.js";
import { block, ref } from "../hcl.js";
import { HEALTH_PATH } from "../sizing.js";
import { subnetIds, vpcId } from "./network.js";
import type { TfSection } from "./shared.js";

/** TLS 1.2 and 1.3 only, forward secrecy: AWS's recommended policy for new listeners. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** alb.tf: the load balancer, an HTTPS listener, an HTTP listener that only redirects, and the target group. */
export function renderAlb(ctx: BuildContext): TfSection[] {
  if (!ctx.hasAlb) return [];
  const { plan } = ctx;
  const owner = ctx.component(["alb"]);
  const r = ctx.resource;
  const isPublic = plan.network.ingress.public;
  const prod = plan.environment === "prod";
  return [
    {
      file: "alb.tf",
      blocks: [
        r("aws_lb", "main", owner, {
          name: ctx.shortName(32),
          load_balancer_type: "application",
          internal: !isPublic,
          security_groups: [ref("aws_security_group.alb.id")],
          subnets: subnetIds(ctx, isPublic ? "public" : "private"),
          drop_invalid_header_fields: true,
          enable_deletion_protection: prod,
          idle_timeout: 60,
        }),
        r("aws_lb_target_group", "service", owner, {
          name: ctx.shortName(32, "svc"),
          port: plan.compute.container_port,
          protocol: "HTTP",
          target_type: "ip",
          vpc_id: vpcId(ctx),
          deregistration_delay: 30,
          health_check: block({
            enabled: true,
            path: HEALTH_PATH,
            protocol: "HTTP",
            matcher: "200-399",
            interval: 15,
            timeout: 5,
            healthy_threshold: 2,
            unhealthy_threshold: 3,
          }),
        }),
        r("aws_lb_listener", "https", owner, {
          load_balancer_arn: ref("aws_lb.main.arn"),
          port: 443,
          protocol: "HTTPS",
          ssl_policy: TLS_POLICY,
          certificate_arn: ref("var.certificate_arn"),
          default_action: block({ type: "forward", target_group_arn: ref("aws_lb_target_group.service.arn") }),
        }),
        r("aws_lb_listener", "http_redirect", owner, {
          load_balancer_arn: ref("aws_lb.main.arn"),
          port: 80,
          protocol: "HTTP",
          default_action: block({
            type: "redirect",
            redirect: block({ protocol: "HTTPS", port: "443", status_code: "HTTP_301" }),
          }),
        }),
      ],
    },
  ];
}
