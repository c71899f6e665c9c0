import type { GoalStatement } from "../../../schemas/goal.js";
import type { PlanConstraint } from "../../../schemas/plan.js";
import type { Design, Sized } from "../design.js";
import { vpcEndpointsFor } from "../network.js";
import { availabilityArithmetic } from "../redundancy.js";
import { availabilityOf } from "../slo.js";
import { familyOf } from "./intent.js";
import type { ConstraintWish } from "./wishes.js";

type Wish<K extends ConstraintWish["kind"]> = Extract<ConstraintWish, { kind: K }>;
type Verdict = Pick<PlanConstraint, "status" | "how">;

const honoured = (how: string): Verdict => ({ status: "honoured", how });
const missed = (how: string): Verdict => ({ status: "not_honoured", how });

/** Every instance class the design runs (database, cache, nodes), for family constraints. */
function classesOf(s: Sized): string[] {
  return [s.database?.instanceClass, s.cache?.nodeType, s.nodes?.instanceType].filter((c): c is string => typeof c === "string");
}

/** `eu-*` matches eu-west-1; a full name matches itself. */
const regionMatches = (pattern: string, region: string) => (pattern.endsWith("*") ? region.startsWith(pattern.slice(0, -1)) : pattern === region);

function kubernetes(wish: Wish<"kubernetes">, d: Design): Verdict {
  const eks = d.pattern.platform === "eks";
  if (wish.value === "forbidden")
    return eks ? missed("the design runs on EKS (a reviewer directed it)") : honoured("no Kubernetes: ECS Fargate or no containers, and no manifests or chart");
  if (eks) return honoured("runs on EKS: cluster, managed node group, Kubernetes manifests and a Helm chart");
  if (d.pattern.platform === "none") return missed("a static site has no containers to run; it is S3 behind CloudFront");
  return missed("the design runs on ECS Fargate (a reviewer directed it)");
}

function architecture(wish: Wish<"cpu-architecture">, d: Design, s: Sized): Verdict {
  if (d.pattern.platform === "none") return honoured("nothing in this design runs on a CPU of your choosing (static content on S3 and CloudFront)");
  const where = d.pattern.platform === "eks" ? `EKS nodes ${s.nodes?.instanceType ?? ""}`.trim() : "Fargate tasks (runtime platform)";
  if (d.arch !== wish.value) return missed(`${where} run ${d.arch}`);
  if (wish.value === "x86_64") return honoured(`${where} run x86_64; managed database and cache classes are AWS's to run and need no image`);
  const managed = [s.database?.instanceClass, s.cache?.nodeType].filter((c): c is string => Boolean(c));
  const notGraviton = managed.filter((c) => !familyOf(c).endsWith("g"));
  if (notGraviton.length > 0) return missed(`${where} run arm64, but ${notGraviton.join(", ")} is not a Graviton class`);
  const classes = managed.length > 1 ? `; ${managed.join(", ")} are Graviton classes` : managed.length === 1 ? `; ${managed[0]} is a Graviton class` : "";
  return honoured(`${where} run arm64${classes}`);
}

function nat(wish: Wish<"nat">, d: Design): Verdict {
  if (d.pattern.platform === "none") return honoured("no VPC in this design, so no NAT gateway");
  const egress = d.egress === "vpc-endpoints" ? "tasks reach AWS APIs through VPC endpoints" : "tasks run in public subnets with a public IP";
  if (wish.value === "none") return d.natCount === 0 ? honoured(`no NAT gateway: ${egress}`) : missed(`${d.natCount} NAT gateway(s)`);
  if (wish.value === "single") return d.natCount === 1 ? honoured("one shared NAT gateway") : missed(`${d.natCount} NAT gateways`);
  return d.natCount === d.azCount ? honoured(`a NAT gateway in each of the ${d.azCount} AZs`) : missed(`${d.natCount} NAT gateway(s) for ${d.azCount} AZs`);
}

function endpoints(wish: Wish<"vpc-endpoints">, d: Design): Verdict {
  if (d.pattern.platform === "none") return honoured("no VPC in this design");
  const used = vpcEndpointsFor(d);
  if (wish.value === "forbidden") return used.length > 0 ? missed("the design uses VPC endpoints") : honoured("no VPC endpoints");
  if (used.length === 0) return missed("egress goes through NAT or public subnets, not endpoints");
  const rest = d.natCount > 0 ? `; other egress through ${d.natCount} NAT gateway(s)` : "; no NAT gateway";
  return honoured(`VPC endpoints for ${used.join(", ")} (S3 a gateway endpoint, the others interface endpoints in the private subnets)${rest}`);
}

function network(wish: Wish<"existing-network">, d: Design): Verdict {
  if (d.pattern.platform === "none") return honoured("nothing in this design runs in a VPC, so none is created");
  const vpc = d.existingVpc;
  if (!vpc || (wish.vpc_id !== null && vpc.vpc_id !== wish.vpc_id)) return missed("the Terraform creates a new VPC");
  const subnets = wish.subnet_ids.filter((id) => !vpc.subnet_ids.includes(id));
  if (subnets.length > 0) return missed(`subnets ${subnets.join(", ")} are not the ones used`);
  return honoured(
    `reads ${vpc.vpc_id}${vpc.subnet_ids.length > 0 ? ` and subnets ${vpc.subnet_ids.join(", ")}` : " and its tagged subnets"} with data sources; creates no VPC, subnets, gateways or routes`,
  );
}

function engine(wish: Wish<"database-engine">, s: Sized): Verdict {
  if (!s.database) return honoured("the design has no database");
  return wish.allow.includes(s.database.engine)
    ? honoured(`${s.database.engine} on ${s.database.instanceClass}`)
    : missed(
        `the database is ${s.database.engine}${wish.allow.some((e) => e.startsWith("aurora-")) ? " (Aurora has no class this size in the price sheet)" : ""}`,
      );
}

function zones(wish: Wish<"availability-zones">, d: Design, s: Sized): Verdict {
  if (d.pattern.platform === "none") return honoured("CloudFront and S3 are regional or global services; no AZ to choose");
  const n = d.azCount;
  if (wish.min !== null && n < wish.min) return missed(`${n} AZ(s)`);
  if (wish.max !== null && n > wish.max) {
    const { parts } = availabilityOf(d, s);
    return missed(
      `${n} AZs: the ${d.goal.slo.availability} % objective needs them (this design: ${availabilityArithmetic(parts)}; in one AZ it would fall below)`,
    );
  }
  return honoured(`${n} AZ(s)`);
}

function capacity(wish: Wish<"capacity">, d: Design): Verdict {
  if (wish.value === "spot-forbidden") return d.capacity === "spot" ? missed("Fargate Spot is used") : honoured("on-demand capacity only");
  if (d.capacity === "spot") return honoured("Fargate Spot for the interruptible work");
  if (d.arch === "arm64") return honoured("allowed; not used: Fargate Spot runs x86_64 tasks only and these tasks are arm64");
  return honoured(
    d.pattern.def.compute === "worker" || d.pattern.def.compute === "scheduled"
      ? "allowed; on-demand was cheap enough"
      : "allowed; not used: a request-serving service on Spot drops requests when AWS reclaims a task",
  );
}

function families(wish: Wish<"instance-families">, s: Sized): Verdict {
  const classes = classesOf(s);
  const bad = classes.filter((c) => wish.forbid.includes(familyOf(c)) || (wish.allow.length > 0 && !wish.allow.includes(familyOf(c))));
  if (bad.length > 0) return missed(`${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} outside the allowed families`);
  return honoured(classes.length > 0 ? `classes used: ${classes.join(", ")}` : "no instance classes in this design (Fargate and managed services)");
}

function region(wish: Wish<"region">, goal: GoalStatement): Verdict {
  const inAllowed = wish.allow.length === 0 || wish.allow.some((p) => regionMatches(p, goal.region));
  const forbidden = wish.forbid.some((p) => regionMatches(p, goal.region));
  return inAllowed && !forbidden ? honoured(`everything is in ${goal.region}`) : missed(`the goal's region is ${goal.region}`);
}

function control(wish: Wish<"security-control">, d: Design): Verdict {
  switch (wish.control) {
    case "waf":
      if (d.pattern.def.ingress === "none") return honoured("no public entry point to put a WAF in front of");
      return d.waf ? honoured("AWS WAF web ACL with the managed common and known-bad-inputs rule groups on the entry point") : missed("no WAF");
    case "customer-managed-kms":
      return d.customerManagedKey ? honoured("a customer-managed KMS key with rotation encrypts the data stores") : missed("AWS-managed keys");
    case "private-only": {
      if (d.pattern.def.ingress === "cloudfront") return missed("a static site is served publicly through CloudFront");
      if (d.pattern.def.ingress === "alb-public") return missed("an internet-facing load balancer");
      return d.egress === "public-subnets" ? missed("tasks have public IPs (no NAT)") : honoured("no public entry point; tasks in private subnets");
    }
    case "access-logs":
      return missed("load balancer and CloudFront access logs are not built yet");
    case "cloudtrail-data-events":
      return missed("CloudTrail data events are not built yet; enable them in the account's trail");
  }
}

function budget(wish: Wish<"budget">, totalCents: number, capCents: number): Verdict {
  const within = totalCents <= capCents;
  const cap = `$${(capCents / 100).toFixed(2)}`;
  if (wish.hard) return within ? honoured(`within the ${cap} cap, usage included`) : missed(`over the ${cap} cap`);
  return within ? honoured(`within ${cap}${wish.over_percent ? ` (the budget plus ${wish.over_percent} %)` : ""}`) : missed(`over ${cap}`);
}

/** The status of one wish in the final design. */
function judgeWish(wish: ConstraintWish, d: Design, s: Sized, totalCents: number, capCents: number): Verdict {
  switch (wish.kind) {
    case "kubernetes":
      return kubernetes(wish, d);
    case "cpu-architecture":
      return architecture(wish, d, s);
    case "nat":
      return nat(wish, d);
    case "vpc-endpoints":
      return endpoints(wish, d);
    case "existing-network":
      return network(wish, d);
    case "database-engine":
      return engine(wish, s);
    case "availability-zones":
      return zones(wish, d, s);
    case "serverless":
      return wish.value === "forbidden"
        ? honoured("no Lambda: the design runs containers or static content")
        : missed("the pattern catalogue has no serverless (Lambda) design yet; this one runs containers");
    case "capacity":
      return capacity(wish, d);
    case "instance-families":
      return families(wish, s);
    case "region":
      return region(wish, d.goal);
    case "security-control":
      return control(wish, d);
    case "budget":
      return budget(wish, totalCents, capCents);
  }
}

/** The plan's constraint kinds are the wishes' (`vpc-endpoints` reports as `nat`: both are about egress). */
const reportedKind = (wish: ConstraintWish): PlanConstraint["kind"] => (wish.kind === "vpc-endpoints" ? "nat" : wish.kind);

/**
 * Every constraint of the goal with what the final design did about it: one entry per wish,
 * and one `not_understood` entry for a text no rule reads, so nothing is silently dropped.
 */
export function judgeConstraints(
  reading: readonly { text: string; wishes: readonly ConstraintWish[] }[],
  final: { design: Design; sized: Sized; totalCents: number; capCents: number },
): PlanConstraint[] {
  return reading.flatMap(({ text, wishes }) => {
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
      kind: reportedKind(wish),
      hard: wish.hard,
      ...judgeWish(wish, final.design, final.sized, final.totalCents, final.capCents),
    }));
  });
}
