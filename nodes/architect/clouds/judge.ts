import type { PlanConstraint } from "../../../schemas/plan.js";
import type { ConstraintWish } from "../constraints/wishes.js";
import type { CloudDesign } from "./design.js";
import type { CloudProfile } from "./profile.js";

type Verdict = Pick<PlanConstraint, "status" | "how">;

const honoured = (how: string): Verdict => ({ status: "honoured", how });
const missed = (how: string): Verdict => ({ status: "not_honoured", how });

const regionMatches = (pattern: string, region: string) => (pattern.endsWith("*") ? region.startsWith(pattern.slice(0, -1)) : pattern === region);

/**
 * What a design on Azure or Google Cloud did about one wish. Wishes written for AWS (a VPC id,
 * instance families, CloudTrail, Aurora) are judged as not honoured with the reason, never as
 * honoured by a design that does not contain what they ask for.
 */
function judgeWish(wish: ConstraintWish, d: CloudDesign, p: CloudProfile<unknown>, totalCents: number, capCents: number): Verdict {
  const k8s = p.names.kubernetes;
  const serverless = p.names.serverless;
  switch (wish.kind) {
    case "kubernetes":
      if (wish.value === "required")
        return d.runtime === "kubernetes"
          ? honoured(`runs on ${k8s}`)
          : missed(d.runtime === "none" ? "a static site has no containers to run" : `runs on ${serverless}`);
      return d.runtime === "kubernetes"
        ? missed(`runs on ${k8s}: the availability objective needs it (see revision notes)`)
        : honoured(`no Kubernetes: ${d.runtime === "none" ? "no containers" : serverless}`);
    case "serverless":
      if (wish.value === "preferred")
        return d.runtime === "serverless"
          ? honoured(`${serverless}: serverless containers`)
          : missed(d.runtime === "none" ? "no compute to run" : `runs on ${k8s}`);
      return d.runtime === "serverless"
        ? missed(`runs on ${serverless}, a serverless platform`)
        : honoured(d.runtime === "none" ? "no compute" : `runs on ${k8s} nodes`);
    case "cpu-architecture":
      if (d.runtime === "none") return honoured("nothing in this design runs on a CPU of your choosing");
      return wish.value === "x86_64"
        ? honoured(`${d.runtime === "kubernetes" ? `${p.node.type} nodes` : serverless} run x86_64`)
        : missed(`${d.runtime === "kubernetes" ? p.node.type : serverless} runs x86_64: the ${p.label} catalogue has no arm64 design yet`);
    case "nat":
      if (wish.value === "none") return d.nat ? missed("a NAT gateway: private Kubernetes nodes need egress to pull images") : honoured("no NAT gateway");
      return d.nat
        ? honoured(wish.value === "single" ? "one NAT gateway" : `one NAT gateway (${p.label}'s NAT is regional or zone-spanning: one serves every zone)`)
        : missed("no NAT gateway");
    case "vpc-endpoints":
      return wish.value === "forbidden"
        ? honoured("no private endpoints")
        : missed(`private endpoints are not built on ${p.label} yet; databases and caches are reached over the VNet/VPC's private addresses`);
    case "existing-network":
      return missed(`names an AWS VPC or subnets; a ${p.label} design creates its own network (existing networks are not read on ${p.label} yet)`);
    case "database-engine": {
      if (!d.database) return honoured("no database in this design");
      const label = p.cloud === "azure" ? "flexible server" : "Cloud SQL";
      return wish.allow.includes(d.database.engine)
        ? honoured(`${d.database.engine} (${label})`)
        : missed(`${wish.allow.join(" or ")} is not offered on ${p.label} by this catalogue; the design uses ${d.database.engine} (${label})`);
    }
    case "availability-zones": {
      const low = wish.min === null || d.zones >= wish.min;
      const high = wish.max === null || d.zones <= wish.max;
      return low && high ? honoured(`${d.zones} zone(s)`) : missed(`${d.zones} zone(s)`);
    }
    case "capacity":
      return wish.value === "spot-forbidden"
        ? honoured("no Spot capacity")
        : honoured("Spot allowed; not used (serverless and system node pools run on regular capacity)");
    case "instance-families":
      return missed(`names AWS instance families; ${p.label} sizes are ${p.node.type} nodes and the SKUs in the plan`);
    case "region": {
      const region = d.goal.region;
      if (wish.forbid.some((pattern) => regionMatches(pattern, region))) return missed(`${region} is excluded`);
      if (wish.allow.length > 0 && !wish.allow.some((pattern) => regionMatches(pattern, region)))
        return missed(`${region} is not among ${wish.allow.join(", ")}`);
      return honoured(`${region}`);
    }
    case "security-control":
      switch (wish.control) {
        case "waf":
          return d.waf
            ? honoured(p.names.waf)
            : missed(d.ingress === "public" || d.ingress === "cdn" ? "no WAF" : "no public entry point to put a WAF in front of");
        case "private-only":
          return d.ingress === "public" || d.ingress === "cdn" ? missed("a public entry point") : honoured("no public entry point: internal ingress only");
        case "customer-managed-kms":
          return d.cmk ? honoured(p.cloud === "azure" ? "customer-managed key in Key Vault" : "Cloud KMS key") : missed("platform-managed keys");
        case "access-logs":
          return honoured(p.cloud === "azure" ? "Front Door and workload logs to Log Analytics" : "load balancer request logs to Cloud Logging");
        case "cloudtrail-data-events":
          return missed(`CloudTrail is AWS's; ${p.label}'s data-access audit logs are not configured by this design`);
      }
      return missed("not handled");
    case "budget":
      return totalCents <= capCents
        ? honoured(`$${(totalCents / 100).toFixed(2)}/month within $${(capCents / 100).toFixed(2)}`)
        : missed(`$${(totalCents / 100).toFixed(2)}/month over $${(capCents / 100).toFixed(2)}`);
  }
}

/** Every constraint of the goal with what the design did about it; unread texts are `not_understood`. */
export function judgeCloudConstraints(
  reading: readonly { text: string; wishes: readonly ConstraintWish[] }[],
  d: CloudDesign,
  profile: CloudProfile<unknown>,
  totalCents: number,
  capCents: number,
): PlanConstraint[] {
  return reading.flatMap(({ text, wishes }): PlanConstraint[] => {
    if (wishes.length === 0)
      return [
        {
          text,
          kind: "unknown" as const,
          hard: false,
          status: "not_understood" as const,
          how: "no rule reads this constraint; the design does not act on it: check it yourself before approving",
        },
      ];
    return wishes.map((wish) => ({
      text,
      kind: wish.kind === "vpc-endpoints" ? ("nat" as const) : wish.kind,
      hard: wish.hard,
      ...judgeWish(wish, d, profile, totalCents, capCents),
    }));
  });
}
