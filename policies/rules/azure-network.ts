import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { effectiveBool } from "./azure-common.js";
import { cannotVerify, hit, hitWith, literals, nested, ofType, references, str, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

/**
 * Azure network rules: network security group rules open to the internet, subnets without a
 * network security group, and the web front doors (Application Gateway, Front Door).
 */

/** Source address prefixes that mean "anywhere" (Trivy and Checkov treat these the same way). */
const ANYWHERE = new Set(["*", "0.0.0.0", "0.0.0.0/0", "::/0", "internet", "any"]);

/** One inbound allow rule of a network security group, inline or `azurerm_network_security_rule`. */
interface InboundRule {
  resource: TerraformResource;
  name: string;
  /** lower-cased: tcp, udp, icmp, esp, ah or `*` */
  protocol: string;
  /** port ranges as [from, to]; `*` is [0, 65535] */
  ports: [number, number][];
  /** a port is an input nobody gave */
  portUnknown: { attribute: string; value: unknown } | null;
  /** the literal "anywhere" sources */
  anywhere: string[];
  /** the sources are, in part, an input nobody gave */
  sourceUnknown: { attribute: string; value: unknown } | null;
}

/** `"22"`, `"80-90"`, `"*"` as a range, or null when it is not a literal port spec. */
function portRange(spec: string): [number, number] | null {
  const text = spec.trim();
  if (text === "*") return [0, 65535];
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return null;
  const from = Number(match[1]);
  return [from, match[2] === undefined ? from : Number(match[2])];
}

function firstUnresolved(attrs: Record<string, unknown>, names: string[]): { attribute: string; value: unknown } | null {
  const name = names.find((n) => unresolvedInput(attrs[n]));
  return name ? { attribute: name, value: attrs[name] } : null;
}

function inbound(resource: TerraformResource, attrs: Record<string, unknown>): InboundRule | null {
  // Direction and access are required; a rule whose direction or access is unknown is left alone.
  if (str(attrs.direction)?.toLowerCase() !== "inbound" || str(attrs.access)?.toLowerCase() !== "allow") return null;
  const portAttrs = ["destination_port_range", "destination_port_ranges"];
  const sourceAttrs = ["source_address_prefix", "source_address_prefixes"];
  return {
    resource,
    name: typeof attrs.name === "string" ? attrs.name : "",
    protocol: (str(attrs.protocol) ?? "*").toLowerCase(),
    ports: portAttrs
      .flatMap((name) => literals(attrs[name] ?? []))
      .flatMap((spec) => {
        const range = portRange(spec);
        return range ? [range] : [];
      }),
    portUnknown: firstUnresolved(attrs, portAttrs),
    anywhere: sourceAttrs.flatMap((name) => literals(attrs[name] ?? [])).filter((source) => ANYWHERE.has(source.toLowerCase())),
    sourceUnknown: firstUnresolved(attrs, sourceAttrs),
  };
}

/** Every inbound allow rule declared inline in an NSG (also `dynamic` blocks) or as its own resource. */
function inboundRules(ctx: RuleContext): InboundRule[] {
  const out: InboundRule[] = [];
  for (const group of ofType(ctx, "azurerm_network_security_group")) {
    for (const attrs of [...nested(group.attributes, "security_rule"), ...nested(group.attributes, "dynamic", "security_rule", "content")]) {
      const rule = inbound(group, attrs);
      if (rule) out.push(rule);
    }
  }
  for (const resource of ofType(ctx, "azurerm_network_security_rule")) {
    const rule = inbound(resource, resource.attributes);
    if (rule) out.push(rule);
  }
  return out;
}

const isAllPorts = (rule: InboundRule) => rule.ports.some(([from, to]) => from <= 0 && to >= 65535);
const covers = (rule: InboundRule, port: number) => rule.ports.some(([from, to]) => from <= port && to >= port);
const label = (rule: InboundRule) => (rule.name ? `Rule "${rule.name}"` : "A rule");

function openPortRule(id: string, port: number, service: string, checkov: string, trivy: string): Rule {
  const aliases = [checkov, trivy, "AZU-0047"];
  return {
    id,
    title: `Network security group allows ${service} (port ${port}) from the internet`,
    severity: "high",
    aliases,
    target: "terraform",
    remediation: `Allow port ${port} only from a known admin range, or remove the rule and use Azure Bastion or just-in-time VM access.`,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const rule of inboundRules(ctx)) {
        // A rule opening every port is reported once, by AZURE_NSG_ALL_PORTS_OPEN; ICMP carries no ports.
        if (isAllPorts(rule) || rule.protocol === "icmp" || !covers(rule, port)) continue;
        // Checkov's SSH/RDP checks read TCP (and any-protocol) rules only.
        const matched = rule.protocol === "tcp" || rule.protocol === "*" ? aliases : [trivy, "AZU-0047"];
        if (rule.anywhere.length > 0) {
          hits.push(
            hitWith(rule.resource, matched, `${label(rule)} allows inbound ${service} from ${rule.anywhere.join(", ")}: the whole internet can try to log in.`),
          );
        } else if (rule.sourceUnknown) {
          hits.push(cannotVerify(rule.resource, rule.sourceUnknown.attribute, rule.sourceUnknown.value, matched));
        }
      }
      return hits;
    },
  };
}

export const nsgSshOpen = openPortRule("AZURE_NSG_SSH_OPEN", 22, "SSH", "CKV_AZURE_10", "AZU-0050");

export const nsgRdpOpen = openPortRule("AZURE_NSG_RDP_OPEN", 3389, "RDP", "CKV_AZURE_9", "AZU-0048");

export const nsgAllPortsOpen: Rule = {
  id: "AZURE_NSG_ALL_PORTS_OPEN",
  title: "Network security group allows every port from the internet",
  severity: "critical",
  aliases: ["CKV_AZURE_10", "CKV_AZURE_9", "AZU-0047", "AZU-0050", "AZU-0048"],
  target: "terraform",
  remediation:
    "Allow only the ports the service needs (443 on the load balancer or gateway) and use application security groups or service tags between tiers.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const rule of inboundRules(ctx)) {
      // Every port includes SSH and RDP: Checkov's checks count TCP and any-protocol rules, Trivy's all but ICMP.
      const checkov = rule.protocol === "tcp" || rule.protocol === "*" ? ["CKV_AZURE_10", "CKV_AZURE_9"] : [];
      const trivy = rule.protocol === "icmp" ? ["AZU-0047"] : ["AZU-0047", "AZU-0050", "AZU-0048"];
      if (isAllPorts(rule) && rule.anywhere.length > 0) {
        hits.push(hitWith(rule.resource, [...checkov, ...trivy], `${label(rule)} allows inbound traffic on every port from ${rule.anywhere.join(", ")}.`));
      } else if (isAllPorts(rule) && rule.sourceUnknown) {
        hits.push(cannotVerify(rule.resource, rule.sourceUnknown.attribute, rule.sourceUnknown.value, [...checkov, ...trivy]));
      } else if (rule.portUnknown && rule.anywhere.length > 0) {
        // Unknown ports open to the internet may be any port; the source alone already fails AZU-0047.
        hits.push(cannotVerify(rule.resource, rule.portUnknown.attribute, rule.portUnknown.value, ["AZU-0047"]));
      }
    }
    return hits;
  },
};

/** Subnets Azure manages itself or where an NSG is not supported. */
const SPECIAL_SUBNETS = new Set(["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"]);

export const subnetWithoutNsg: Rule = {
  id: "AZURE_SUBNET_NO_NSG",
  title: "Subnet has no network security group",
  severity: "low",
  aliases: ["CKV2_AZURE_31"],
  target: "terraform",
  remediation:
    "Associate a network security group with the subnet (azurerm_subnet_network_security_group_association) so its traffic is filtered even when a VM's NIC has none.",
  check(ctx) {
    const associations = ofType(ctx, "azurerm_subnet_network_security_group_association");
    return ofType(ctx, "azurerm_subnet")
      .filter((subnet) => !SPECIAL_SUBNETS.has(String(subnet.attributes.name)))
      .filter((subnet) => !associations.some((association) => association.module === subnet.module && references(association.attributes.subnet_id, subnet)))
      .map((subnet) =>
        hit(subnet, "No network security group is associated with this subnet: every port of every resource in it is reachable from the rest of the network."),
      );
  },
};

/** Application Gateway SKU tiers that include the web application firewall. */
const WAF_TIERS = new Set(["waf", "waf_v2"]);

export const appGatewayWaf: Rule = {
  id: "AZURE_APP_GATEWAY_WAF",
  title: "Application Gateway has no web application firewall",
  severity: "medium",
  aliases: ["CKV_AZURE_120"],
  target: "terraform",
  remediation:
    'Use sku { tier = "WAF_v2" } with firewall_policy_id pointing to an azurerm_web_application_firewall_policy in Prevention mode (or waf_configuration { enabled = true }).',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const gateway of ofType(ctx, "azurerm_application_gateway")) {
      const tier = nested(gateway.attributes, "sku").map((sku) => str(sku.tier))[0];
      if (tier === UNKNOWN) continue;
      const enabled = nested(gateway.attributes, "waf_configuration").map((waf) => effectiveBool(waf, ["enabled"], false));
      const policy = gateway.attributes.firewall_policy_id;
      const hasPolicy = policy !== undefined && policy !== null && policy !== "";
      if (tier !== undefined && WAF_TIERS.has(tier.toLowerCase()) && (hasPolicy || enabled.some((e) => e !== false))) continue;
      const why = tier !== undefined && !WAF_TIERS.has(tier.toLowerCase()) ? `sku tier "${tier}" has no WAF` : "no WAF policy or enabled waf_configuration";
      hits.push(hit(gateway, `${why}: requests reach the backends without OWASP rule filtering (SQL injection, XSS, ...).`));
    }
    return hits;
  },
};

/** Predefined Application Gateway SSL policies that still accept TLS 1.0/1.1. */
const OLD_SSL_POLICIES = new Set(["AppGwSslPolicy20150501", "AppGwSslPolicy20170401"]);

export const appGatewayTls: Rule = {
  id: "AZURE_APP_GATEWAY_TLS",
  title: "Application Gateway accepts TLS older than 1.2",
  severity: "high",
  aliases: ["CKV_AZURE_218"],
  target: "terraform",
  remediation:
    'Set ssl_policy { policy_type = "Predefined", policy_name = "AppGwSslPolicy20220101" } (or a Custom policy with min_protocol_version = "TLSv1_2").',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const gateway of ofType(ctx, "azurerm_application_gateway")) {
      for (const policy of nested(gateway.attributes, "ssl_policy")) {
        const name = str(policy.policy_name);
        const minimum = str(policy.min_protocol_version);
        if (name === UNKNOWN || minimum === UNKNOWN) {
          const attribute = name === UNKNOWN ? "policy_name" : "min_protocol_version";
          if (unresolvedInput(policy[attribute])) hits.push(cannotVerify(gateway, `ssl_policy.${attribute}`, policy[attribute]));
        } else if (name !== undefined && OLD_SSL_POLICIES.has(name)) {
          hits.push(hit(gateway, `ssl_policy "${name}" accepts TLS 1.0/1.1 clients.`));
        } else if (minimum !== undefined && /^TLSv1_[01]$/i.test(minimum)) {
          hits.push(hit(gateway, `ssl_policy min_protocol_version = "${minimum}" accepts TLS 1.0/1.1 clients.`));
        }
      }
    }
    return hits;
  },
};

export const frontDoorWaf: Rule = {
  id: "AZURE_FRONT_DOOR_WAF",
  title: "Front Door profile has no WAF security policy",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation:
    "Add an azurerm_cdn_frontdoor_firewall_policy (Prevention mode, managed rule sets) and attach it to the profile's domains with an azurerm_cdn_frontdoor_security_policy.",
  check(ctx) {
    const policies = ofType(ctx, "azurerm_cdn_frontdoor_security_policy");
    return ofType(ctx, "azurerm_cdn_frontdoor_profile")
      .filter((profile) => !policies.some((policy) => policy.module === profile.module && references(policy.attributes.cdn_frontdoor_profile_id, profile)))
      .map((profile) => hit(profile, "No azurerm_cdn_frontdoor_security_policy refers to this profile: traffic reaches the origins without WAF filtering."));
  },
};

export const frontDoorHttpsRedirect: Rule = {
  id: "AZURE_FRONT_DOOR_HTTPS_REDIRECT",
  title: "Front Door route serves plain HTTP",
  severity: "medium",
  aliases: [],
  target: "terraform",
  remediation: 'Keep https_redirect_enabled = true (the default) with supported_protocols = ["Http", "Https"], or accept only "Https".',
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const route of ofType(ctx, "azurerm_cdn_frontdoor_route")) {
      const value = route.attributes.supported_protocols;
      // The provider requires supported_protocols; an expression we cannot read is left alone.
      if (value === undefined || unresolvedInput(value)) continue;
      const protocols = literals(value).map((p) => p.toLowerCase());
      if (!protocols.includes("http")) continue;
      const redirect = effectiveBool(route.attributes, ["https_redirect_enabled"], true);
      if (redirect === false || !protocols.includes("https")) {
        hits.push(hit(route, "The route answers HTTP requests without redirecting them to HTTPS: content and cookies travel unencrypted."));
      }
    }
    return hits;
  },
};

/** Network rules. */
export const azureNetworkRules: Rule[] = [
  nsgSshOpen,
  nsgRdpOpen,
  nsgAllPortsOpen,
  subnetWithoutNsg,
  appGatewayWaf,
  appGatewayTls,
  frontDoorWaf,
  frontDoorHttpsRedirect,
];
