import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { blocks, hit, literals, nested, num, ofType, str, UNKNOWN } from "./helpers/terraform.js";

const PUBLIC_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/** One ingress permission, wherever it was declared. */
interface Ingress {
  resource: TerraformResource;
  from: number | null;
  to: number | null;
  /** lower-cased; `-1` means every protocol */
  protocol: string;
  cidrs: string[];
}

/**
 * Ingress permissions from the three ways Terraform declares them: inline `ingress` blocks
 * (including `dynamic "ingress"` content), `aws_security_group_rule` with type ingress, and
 * `aws_vpc_security_group_ingress_rule`. Unknown ports become null and are never flagged.
 */
function ingressRules(ctx: RuleContext): Ingress[] {
  const out: Ingress[] = [];
  const port = (value: unknown) => {
    const n = num(value);
    return n === undefined || n === UNKNOWN ? null : n;
  };
  const protocol = (value: unknown) => {
    const text = value === undefined ? "tcp" : String(value).toLowerCase();
    return text === "all" ? "-1" : text;
  };
  for (const group of ofType(ctx, "aws_security_group")) {
    const inline = [...blocks(group.attributes.ingress), ...nested(group.attributes, "dynamic", "ingress", "content")];
    for (const rule of inline) {
      out.push({
        resource: group,
        from: port(rule.from_port),
        to: port(rule.to_port),
        protocol: protocol(rule.protocol),
        cidrs: [...literals(rule.cidr_blocks), ...literals(rule.ipv6_cidr_blocks)],
      });
    }
  }
  for (const rule of ofType(ctx, "aws_security_group_rule")) {
    if (str(rule.attributes.type) !== "ingress") continue;
    const a = rule.attributes;
    out.push({
      resource: rule,
      from: port(a.from_port),
      to: port(a.to_port),
      protocol: protocol(a.protocol),
      cidrs: [...literals(a.cidr_blocks), ...literals(a.ipv6_cidr_blocks)],
    });
  }
  for (const rule of ofType(ctx, "aws_vpc_security_group_ingress_rule")) {
    const a = rule.attributes;
    const all = protocol(a.ip_protocol) === "-1";
    out.push({
      resource: rule,
      from: all ? 0 : port(a.from_port),
      to: all ? 65535 : port(a.to_port),
      protocol: protocol(a.ip_protocol),
      cidrs: [...literals(a.cidr_ipv4), ...literals(a.cidr_ipv6)],
    });
  }
  return out.filter((rule) => rule.cidrs.some((cidr) => PUBLIC_CIDRS.has(cidr)));
}

function isAllPorts(rule: Ingress): boolean {
  if (rule.protocol === "-1") return true;
  return rule.from !== null && rule.to !== null && rule.from <= 0 && rule.to >= 65535;
}

function openPortRule(id: string, port: number, service: string, protocols: string[], aliases: string[]): Rule {
  return {
    id,
    title: `Security group allows ${service} (port ${port}) from the internet`,
    severity: "high",
    aliases,
    target: "terraform",
    remediation: `Restrict port ${port} to a known admin CIDR or remove it and use SSM Session Manager (or a bastion/VPN) instead.`,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const rule of ingressRules(ctx)) {
        // A rule that opens everything is reported once, by AWS_SG_ALL_PORTS_OPEN.
        if (isAllPorts(rule) || !protocols.includes(rule.protocol)) continue;
        if (rule.from === null || rule.to === null || rule.from > port || rule.to < port) continue;
        const cidr = rule.cidrs.filter((c) => PUBLIC_CIDRS.has(c)).join(", ");
        hits.push(hit(rule.resource, `Ingress ${rule.from}-${rule.to}/${rule.protocol} from ${cidr} exposes ${service} to the whole internet.`));
      }
      return hits;
    },
  };
}

export const sgSshOpen = openPortRule("AWS_SG_SSH_OPEN", 22, "SSH", ["tcp", "6"], ["CKV_AWS_24", "AWS-0107"]);

export const sgRdpOpen = openPortRule("AWS_SG_RDP_OPEN", 3389, "RDP", ["tcp", "6", "udp", "17"], ["CKV_AWS_25", "AWS-0107"]);

export const sgAllPortsOpen: Rule = {
  id: "AWS_SG_ALL_PORTS_OPEN",
  title: "Security group allows all ports from the internet",
  severity: "critical",
  aliases: ["CKV_AWS_277", "AWS-0107"],
  target: "terraform",
  remediation:
    "Open only the ports the service needs (e.g. 443 on the load balancer) and reference security groups rather than CIDRs for traffic between tiers.",
  check(ctx) {
    return ingressRules(ctx)
      .filter(isAllPorts)
      .map((rule) =>
        hit(
          rule.resource,
          `Ingress on every port (${rule.protocol === "-1" ? "all protocols" : `${rule.from}-${rule.to}/${rule.protocol}`}) from ${rule.cidrs.filter((c) => PUBLIC_CIDRS.has(c)).join(", ")}.`,
        ),
      );
  },
};

/** Security group rules. */
export const networkRules: Rule[] = [sgSshOpen, sgRdpOpen, sgAllPortsOpen];
