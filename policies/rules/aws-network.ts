import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { blocks, bool, cannotVerify, hitWith, literals, nested, num, ofType, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

const PUBLIC_CIDRS = new Set(["0.0.0.0/0", "::/0"]);
/** Protocols on which SSH and RDP ports are reachable (Trivy counts both TCP and UDP, and "all"). */
const TCP_UDP_ALL = new Set(["tcp", "6", "udp", "17", "-1"]);

/** One ingress permission, wherever it was declared. */
interface Ingress {
  resource: TerraformResource;
  from: number | null;
  to: number | null;
  /** a port is an input nobody gave (a variable or local with no value) */
  portUnknown: { attribute: string; value: unknown } | null;
  /** lower-cased; `-1` means every protocol */
  protocol: string;
  /** the literal public CIDRs among the sources */
  publicCidrs: string[];
  /** the source CIDRs are, in part, an input nobody gave; `value` is what stays unresolved */
  cidrUnknown: { attribute: string; value: unknown } | null;
}

const port = (value: unknown) => {
  const n = num(value);
  return n === undefined || n === UNKNOWN ? null : n;
};

const protocolOf = (value: unknown) => {
  const text = value === undefined || value === null ? "tcp" : String(value).toLowerCase();
  return text === "all" ? "-1" : text;
};

/** The first of the attributes holding an unresolved input, if any. */
function unresolvedAttribute(attrs: Record<string, unknown>, names: string[]): { attribute: string; value: unknown } | null {
  const name = names.find((n) => unresolvedInput(attrs[n]));
  return name ? { attribute: name, value: attrs[name] } : null;
}

function ingress(resource: TerraformResource, a: Record<string, unknown>, protocolAttr: string, cidrAttrs: string[]): Ingress {
  const protocol = protocolOf(a[protocolAttr]);
  // Protocol "-1" opens every port whatever the range says.
  const all = protocol === "-1";
  return {
    resource,
    from: all ? 0 : port(a.from_port),
    to: all ? 65535 : port(a.to_port),
    portUnknown: all ? null : unresolvedAttribute(a, ["from_port", "to_port"]),
    protocol,
    publicCidrs: cidrAttrs.flatMap((name) => literals(a[name])).filter((cidr) => PUBLIC_CIDRS.has(cidr)),
    cidrUnknown: unresolvedAttribute(a, cidrAttrs),
  };
}

/**
 * Ingress permissions from the three ways Terraform declares them: inline `ingress` blocks
 * (including `dynamic "ingress"` content), `aws_security_group_rule` with type ingress, and
 * `aws_vpc_security_group_ingress_rule`.
 */
function ingressRules(ctx: RuleContext): Ingress[] {
  const out: Ingress[] = [];
  for (const group of ofType(ctx, "aws_security_group")) {
    for (const rule of [...blocks(group.attributes.ingress), ...nested(group.attributes, "dynamic", "ingress", "content")]) {
      out.push(ingress(group, rule, "protocol", ["cidr_blocks", "ipv6_cidr_blocks"]));
    }
  }
  for (const rule of ofType(ctx, "aws_security_group_rule")) {
    if (str(rule.attributes.type) !== "ingress") continue;
    out.push(ingress(rule, rule.attributes, "protocol", ["cidr_blocks", "ipv6_cidr_blocks"]));
  }
  for (const rule of ofType(ctx, "aws_vpc_security_group_ingress_rule")) {
    out.push(ingress(rule, rule.attributes, "ip_protocol", ["cidr_ipv4", "cidr_ipv6"]));
  }
  return out;
}

function isAllPorts(rule: Ingress): boolean {
  if (rule.protocol === "-1") return true;
  return rule.from !== null && rule.to !== null && rule.from <= 0 && rule.to >= 65535;
}

function covers(rule: Ingress, target: number): boolean {
  return rule.from !== null && rule.to !== null && rule.from <= target && rule.to >= target;
}

function openPortRule(id: string, target: number, service: string, protocols: string[], checkov: string): Rule {
  return {
    id,
    title: `Security group allows ${service} (port ${target}) from the internet`,
    severity: "high",
    aliases: [checkov, "AWS-0107"],
    target: "terraform",
    remediation: `Restrict port ${target} to a known admin CIDR or remove it and use SSM Session Manager (or a bastion/VPN) instead.`,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const rule of ingressRules(ctx)) {
        // A rule that opens everything is reported once, by AWS_SG_ALL_PORTS_OPEN.
        if (isAllPorts(rule) || !protocols.includes(rule.protocol) || !covers(rule, target)) continue;
        if (rule.publicCidrs.length > 0) {
          const message = `Ingress ${rule.from}-${rule.to}/${rule.protocol} from ${rule.publicCidrs.join(", ")} exposes ${service} to the whole internet.`;
          hits.push(hitWith(rule.resource, [checkov, "AWS-0107"], message));
        } else if (rule.cidrUnknown) {
          hits.push(cannotVerify(rule.resource, rule.cidrUnknown.attribute, rule.cidrUnknown.value, [checkov, "AWS-0107"]));
        }
      }
      return hits;
    },
  };
}

export const sgSshOpen = openPortRule("AWS_SG_SSH_OPEN", 22, "SSH", ["tcp", "6"], "CKV_AWS_24");

export const sgRdpOpen = openPortRule("AWS_SG_RDP_OPEN", 3389, "RDP", ["tcp", "6", "udp", "17"], "CKV_AWS_25");

export const sgAllPortsOpen: Rule = {
  id: "AWS_SG_ALL_PORTS_OPEN",
  title: "Security group allows all ports from the internet",
  severity: "critical",
  aliases: ["CKV_AWS_277", "AWS-0107"],
  target: "terraform",
  remediation:
    "Open only the ports the service needs (e.g. 443 on the load balancer) and reference security groups rather than CIDRs for traffic between tiers.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const rule of ingressRules(ctx)) {
      // Every port includes 22 and 3389, so AWS-0107 holds for TCP, UDP and "all" protocols.
      const aliases = [...(rule.protocol === "-1" ? ["CKV_AWS_277"] : []), ...(TCP_UDP_ALL.has(rule.protocol) ? ["AWS-0107"] : [])];
      if (isAllPorts(rule) && rule.publicCidrs.length > 0) {
        const what = rule.protocol === "-1" ? "all protocols" : `${rule.from}-${rule.to}/${rule.protocol}`;
        hits.push(hitWith(rule.resource, aliases, `Ingress on every port (${what}) from ${rule.publicCidrs.join(", ")}.`));
      } else if (isAllPorts(rule) && rule.cidrUnknown) {
        hits.push(cannotVerify(rule.resource, rule.cidrUnknown.attribute, rule.cidrUnknown.value, aliases));
      } else if (rule.portUnknown && rule.publicCidrs.length > 0) {
        // Unknown ports open to the internet may be any port, SSH and RDP included.
        const { attribute, value } = rule.portUnknown;
        hits.push(cannotVerify(rule.resource, attribute, value, TCP_UDP_ALL.has(rule.protocol) ? ["AWS-0107"] : []));
      }
    }
    return hits;
  },
};

const DEFAULT_DESCRIPTION = "Managed by Terraform";

/** Why a description is missing, or null when it is there (an unknown value counts as there). */
function missingDescription(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return "has no description";
  if (value === DEFAULT_DESCRIPTION) return `keeps the default description "${DEFAULT_DESCRIPTION}"`;
  return null;
}

export const sgDescription: Rule = {
  id: "AWS_SECURITY_GROUP_DESCRIPTION",
  title: "Security group or security group rule has no description",
  severity: "low",
  aliases: ["CKV_AWS_23", "AWS-0099", "AWS-0124"],
  target: "terraform",
  remediation: 'Give every security group and every rule a description saying what the traffic is for (e.g. "HTTPS from the load balancer").',
  check(ctx) {
    const hits: RuleHit[] = [];
    // Checkov's CKV_AWS_23 fails a group only when the group AND one of its inline rules lack a
    // description; it does not read the aws_vpc_security_group_*_rule resources.
    const blank = (value: unknown) => value === undefined || value === null || value === "";
    for (const sg of ofType(ctx, "aws_security_group")) {
      const inline = [
        ...["ingress", "egress"].flatMap((direction) => blocks(sg.attributes[direction]).map((block) => ({ direction, block }))),
        ...["ingress", "egress"].flatMap((direction) => nested(sg.attributes, "dynamic", direction, "content").map((block) => ({ direction, block }))),
      ];
      const checkov = blank(sg.attributes.description) && inline.some(({ block }) => blank(block.description)) ? ["CKV_AWS_23"] : [];
      const why = missingDescription(sg.attributes.description);
      if (why) hits.push(hitWith(sg, [...checkov, "AWS-0099"], `Security group ${why}: nobody reviewing it can tell what it protects.`));
      for (const { direction, block } of inline) {
        const ruleWhy = missingDescription(block.description);
        const aliases = [...(blank(block.description) ? checkov : []), "AWS-0124"];
        if (ruleWhy) hits.push(hitWith(sg, aliases, `An ${direction} rule (${block.from_port ?? "?"}-${block.to_port ?? "?"}) ${ruleWhy}.`));
      }
    }
    for (const resource of ofType(ctx, "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")) {
      const why = missingDescription(resource.attributes.description);
      const checkov = resource.type === "aws_security_group_rule" && blank(resource.attributes.description) ? ["CKV_AWS_23"] : [];
      if (why) hits.push(hitWith(resource, [...checkov, "AWS-0124"], `Security group rule ${why}.`));
    }
    return hits;
  },
};

/** One network ACL entry, inline or `aws_network_acl_rule`. */
interface AclEntry {
  resource: TerraformResource;
  egress: boolean;
  attrs: Record<string, unknown>;
  action: string | typeof UNKNOWN | undefined;
}

function aclEntries(ctx: RuleContext): AclEntry[] {
  const out: AclEntry[] = [];
  for (const acl of ofType(ctx, "aws_network_acl", "aws_default_network_acl")) {
    for (const direction of ["ingress", "egress"]) {
      for (const attrs of [...blocks(acl.attributes[direction]), ...nested(acl.attributes, "dynamic", direction, "content")]) {
        out.push({ resource: acl, egress: direction === "egress", attrs, action: str(attrs.action)?.toLowerCase() });
      }
    }
  }
  for (const rule of ofType(ctx, "aws_network_acl_rule")) {
    const egress = bool(rule.attributes.egress) === true;
    out.push({ resource: rule, egress, attrs: rule.attributes, action: str(rule.attributes.rule_action)?.toLowerCase() });
  }
  return out;
}

export const naclPublicIngress: Rule = {
  id: "AWS_NACL_PUBLIC_INGRESS",
  title: "Network ACL allows ingress from the whole internet",
  severity: "critical",
  aliases: ["AWS-0105"],
  target: "terraform",
  remediation: "Allow ingress in network ACLs only from the CIDR ranges that need it; leave internet exposure to security groups on the load balancer.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const entry of aclEntries(ctx)) {
      if (entry.egress || entry.action !== "allow") continue;
      const cidrs = [...literals(entry.attrs.cidr_block), ...literals(entry.attrs.ipv6_cidr_block)].filter((c) => PUBLIC_CIDRS.has(c));
      if (cidrs.length > 0) {
        hits.push(
          hitWith(
            entry.resource,
            ["AWS-0105"],
            `An ingress rule allows ${cidrs.join(", ")} (ports ${entry.attrs.from_port ?? "?"}-${entry.attrs.to_port ?? "?"}).`,
          ),
        );
      } else {
        const attribute = ["cidr_block", "ipv6_cidr_block"].find((name) => unresolvedInput(entry.attrs[name]));
        if (attribute) hits.push(cannotVerify(entry.resource, attribute, entry.attrs[attribute], ["AWS-0105"]));
      }
    }
    return hits;
  },
};

export const naclAllPorts: Rule = {
  id: "AWS_NACL_ALL_PORTS",
  title: "Network ACL rule allows every protocol and port",
  severity: "critical",
  aliases: ["AWS-0102"],
  target: "terraform",
  remediation: 'Use protocol "tcp" or "udp" with the port range the traffic needs instead of protocol "-1" in allow rules.',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const entry of aclEntries(ctx)) {
      if (entry.action !== "allow") continue;
      const protocol = entry.attrs.protocol;
      const text = typeof protocol === "number" ? String(protocol) : str(protocol)?.toLowerCase();
      if (text === "-1" || text === "all") {
        hits.push(hitWith(entry.resource, ["AWS-0102"], `An ${entry.egress ? "egress" : "ingress"} allow rule uses protocol ${text}: every port is open.`));
      } else if (unresolvedInput(protocol)) {
        hits.push(cannotVerify(entry.resource, "protocol", protocol, ["AWS-0102"]));
      }
    }
    return hits;
  },
};

/** Security group and network ACL rules. */
export const networkRules: Rule[] = [sgSshOpen, sgRdpOpen, sgAllPortsOpen, sgDescription, naclPublicIngress, naclAllPorts];
