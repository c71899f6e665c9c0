import type { TerraformResource } from "../../iac/types.js";
import type { Rule, RuleContext, RuleHit } from "../types.js";
import { absent, notTrue, upper, WHOLE_INTERNET } from "./gcp-common.js";
import { blocks, bool, cannotVerify, hit, hitWith, literals, nested, ofType, UNKNOWN, unresolvedInput } from "./helpers/terraform.js";

// Check ids: Checkov (bridgecrewio/checkov, checks/resource/gcp) and Trivy
// (aquasecurity/trivy-checks, checks/cloud/google/compute).

/** Protocols whose `allow` block opens every port of the protocol when it lists no ports. */
const PORTED_PROTOCOLS = new Set(["tcp", "6", "udp", "17", "sctp", "132"]);
const TCP = new Set(["tcp", "6"]);

/** One `allow` block of an ingress firewall rule, with what the rule lets in. */
interface Allowed {
  firewall: TerraformResource;
  /** lower-cased; "all" means every protocol */
  protocol: string;
  /** the port specs as written ("22", "8000-8080") */
  ports: string[];
  /** the ports are an input nobody gave */
  portsUnknown: boolean;
  /** literal whole-internet sources (0.0.0.0/0, ::/0) */
  publicSources: string[];
  /** the source ranges are, in part, an input nobody gave */
  sourcesUnknown: boolean;
  /** the rule names neither source nor target tags (Trivy's GCP-0027 and GCP-0070 look only at such rules) */
  untagged: boolean;
}

/** The allow blocks of enabled ingress firewall rules (inline and `dynamic "allow"` content with literal values). */
function allowedIngress(ctx: RuleContext): Allowed[] {
  const out: Allowed[] = [];
  for (const firewall of ofType(ctx, "google_compute_firewall")) {
    const a = firewall.attributes;
    const direction = upper(a.direction);
    if ((direction !== undefined && direction !== "INGRESS") || bool(a.disabled) === true) continue;
    const publicSources = literals(a.source_ranges).filter((cidr) => WHOLE_INTERNET.has(cidr));
    for (const allow of [...blocks(a.allow), ...nested(a, "dynamic", "allow", "content")]) {
      out.push({
        firewall,
        protocol: String(allow.protocol ?? "").toLowerCase(),
        ports: (Array.isArray(allow.ports) ? allow.ports : []).map((port) => String(port)),
        portsUnknown: unresolvedInput(allow.ports),
        publicSources,
        sourcesUnknown: unresolvedInput(a.source_ranges),
        untagged: absent(a.source_tags) && absent(a.target_tags),
      });
    }
  }
  return out;
}

/** A port spec ("22" or "20-30") as a range, or null when it is not a literal. */
function range(spec: string): { from: number; to: number } | null {
  const match = /^(\d+)(?:-(\d+))?$/.exec(spec.trim());
  if (!match) return null;
  const from = Number(match[1]);
  return { from, to: match[2] === undefined ? from : Number(match[2]) };
}

/** True when the block opens every port: protocol "all", a ported protocol with no ports, or 0-65535. */
function allPorts(rule: Allowed): boolean {
  if (rule.protocol === "all") return true;
  if (!PORTED_PROTOCOLS.has(rule.protocol)) return false;
  if (rule.ports.length === 0 && !rule.portsUnknown) return true;
  return rule.ports.some((spec) => {
    const r = range(spec);
    return r !== null && r.from <= 0 && r.to >= 65535;
  });
}

function covers(rule: Allowed, port: number): boolean {
  return rule.ports.some((spec) => {
    const r = range(spec);
    return r !== null && r.from <= port && r.to >= port;
  });
}

/** True when 0.0.0.0/0 is among the sources: the public checks test that literal. */
const fromAnyIpv4 = (rule: Allowed) => rule.publicSources.includes("0.0.0.0/0");

function openPortRule(id: string, port: number, service: string, aliasesFor: (rule: Allowed) => string[], claimed: string[]): Rule {
  return {
    id,
    title: `Firewall rule allows ${service} (TCP ${port}) from the internet`,
    severity: "high",
    aliases: claimed,
    target: "terraform",
    remediation: `Restrict source_ranges for port ${port} to known admin ranges, or drop the rule and connect through Identity-Aware Proxy TCP forwarding (35.235.240.0/20).`,
    check(ctx) {
      const hits: RuleHit[] = [];
      for (const rule of allowedIngress(ctx)) {
        // A rule opening every port is reported once, by GCP_FIREWALL_ALL_PORTS_OPEN.
        if (allPorts(rule) || !TCP.has(rule.protocol) || !covers(rule, port)) continue;
        if (rule.publicSources.length > 0) {
          const message = `Ingress to TCP ${rule.ports.join(", ")} from ${rule.publicSources.join(", ")} exposes ${service} to the whole internet.`;
          hits.push(hitWith(rule.firewall, fromAnyIpv4(rule) ? aliasesFor(rule) : [], message));
        } else if (rule.sourcesUnknown) {
          hits.push(cannotVerify(rule.firewall, "source_ranges", rule.firewall.attributes.source_ranges, aliasesFor(rule)));
        }
      }
      return hits;
    },
  };
}

export const firewallSshOpen = openPortRule("GCP_FIREWALL_SSH_OPEN", 22, "SSH", (rule) => ["CKV_GCP_2", "GCP-0071", ...(rule.untagged ? ["GCP-0027"] : [])], [
  "CKV_GCP_2",
  "GCP-0071",
  "GCP-0027",
]);

export const firewallRdpOpen = openPortRule(
  "GCP_FIREWALL_RDP_OPEN",
  3389,
  "RDP",
  // GCP-0070 matches the port written exactly as "3389" or "3389-3389", on untagged rules.
  (rule) => [
    "CKV_GCP_3",
    ...(rule.untagged && rule.ports.some((spec) => spec === "3389" || spec === "3389-3389") ? ["GCP-0070"] : []),
    ...(rule.untagged ? ["GCP-0027"] : []),
  ],
  ["CKV_GCP_3", "GCP-0070", "GCP-0027"],
);

export const firewallAllPortsOpen: Rule = {
  id: "GCP_FIREWALL_ALL_PORTS_OPEN",
  title: "Firewall rule allows every port from the internet",
  severity: "critical",
  aliases: ["GCP-0072", "GCP-0027"],
  target: "terraform",
  remediation: "Allow only the ports the service needs (e.g. tcp 443 to the load balancer's target tag) and restrict source_ranges.",
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const rule of allowedIngress(ctx).filter(allPorts)) {
      // GCP-0072 matches protocol "all" or the literal range 0-65535, whatever the source.
      const everyPort = rule.protocol === "all" || rule.ports.some((spec) => spec.trim() === "0-65535");
      const aliases = [...(everyPort ? ["GCP-0072"] : []), ...(rule.untagged ? ["GCP-0027"] : [])];
      if (rule.publicSources.length > 0) {
        const what = rule.protocol === "all" ? "every protocol" : `every ${rule.protocol} port`;
        hits.push(hitWith(rule.firewall, fromAnyIpv4(rule) ? aliases : [], `Ingress on ${what} from ${rule.publicSources.join(", ")}.`));
      } else if (rule.sourcesUnknown) {
        hits.push(cannotVerify(rule.firewall, "source_ranges", rule.firewall.attributes.source_ranges, aliases));
      }
    }
    return hits;
  },
};

/** Proxy-only subnets (for Envoy-based load balancers) support neither flow logs nor Private Google Access. */
const PROXY_PURPOSES = new Set(["REGIONAL_MANAGED_PROXY", "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER"]);

function ordinarySubnets(ctx: RuleContext): TerraformResource[] {
  return ofType(ctx, "google_compute_subnetwork").filter((subnet) => {
    const purpose = upper(subnet.attributes.purpose);
    return purpose !== UNKNOWN && !PROXY_PURPOSES.has(purpose ?? "");
  });
}

export const subnetFlowLogs: Rule = {
  id: "GCP_SUBNET_FLOW_LOGS",
  title: "Subnetwork has VPC flow logs off",
  severity: "low",
  aliases: ["CKV_GCP_26", "GCP-0029", "GCP-0076"],
  target: "terraform",
  remediation: 'Add log_config { aggregation_interval = "INTERVAL_5_SEC", flow_sampling = 0.5, metadata = "INCLUDE_ALL_METADATA" } to the subnetwork.',
  check(ctx) {
    return ordinarySubnets(ctx)
      .filter((subnet) => nested(subnet.attributes, "log_config").length === 0)
      .map((subnet) => hit(subnet, "No log_config: traffic in this subnet leaves no flow records to investigate an incident with."));
  },
};

export const subnetPrivateGoogleAccess: Rule = {
  id: "GCP_SUBNET_PRIVATE_GOOGLE_ACCESS",
  title: "Subnetwork has Private Google Access off",
  severity: "low",
  aliases: ["CKV_GCP_74", "GCP-0075"],
  target: "terraform",
  remediation: "Set private_ip_google_access = true so VMs without public IPs reach Google APIs over Google's network instead of through NAT.",
  check(ctx) {
    return ordinarySubnets(ctx)
      .filter((subnet) => notTrue(subnet.attributes.private_ip_google_access))
      .map((subnet) => hit(subnet, "private_ip_google_access is not true: private VMs need a public path (NAT or public IPs) to call Google APIs."));
  },
};

/** VPC firewall and subnetwork rules. */
export const gcpNetworkRules: Rule[] = [firewallSshOpen, firewallRdpOpen, firewallAllPortsOpen, subnetFlowLogs, subnetPrivateGoogleAccess];
