import type { PlanSpec } from "../../schemas/plan.js";
import type { Design } from "./design.js";

type Network = PlanSpec["network"];

/** The VPC range every generated design uses; existing VPCs keep their own. */
export const VPC_CIDR = "10.0.0.0/16";

/** True when an ALB, EKS or a data store is present: each needs subnets in at least two AZs (RDS and ElastiCache subnet groups too). */
function needsTwoAzs(d: Design): boolean {
  return d.pattern.def.ingress === "alb-public" || d.pattern.def.ingress === "alb-internal" || d.pattern.platform === "eks" || d.database !== null || d.cache;
}

/**
 * Endpoints for tasks without NAT in private subnets: S3 (a free gateway endpoint; ECR keeps
 * image layers there), ECR's API and registry, CloudWatch Logs, and Secrets Manager or SQS when
 * the design uses them.
 */
export function vpcEndpointsFor(d: Design): string[] {
  const wanted = d.egress === "vpc-endpoints" || d.intent.endpoints === "preferred";
  if (!wanted || d.pattern.platform === "none") return [];
  const secrets = d.database !== null || d.cache;
  return ["s3", "ecr.api", "ecr.dkr", "logs", ...(secrets ? ["secretsmanager"] : []), ...(d.pattern.def.compute === "worker" ? ["sqs"] : [])];
}

/** AZ names the design's subnets use: `<region>a`, `b`, `c` in order. */
export function availabilityZones(d: Design): string[] {
  if (d.pattern.platform === "none") return [d.goal.region];
  const count = Math.max(d.azCount, needsTwoAzs(d) ? 2 : 1);
  return ["a", "b", "c"].slice(0, count).map((letter) => `${d.goal.region}${letter}`);
}

/**
 * Subnet layout: /24 public subnets for the ALB and NAT gateways; /20 private subnets for
 * tasks, or /19 for EKS so the VPC CNI has room for pod IPs (`networking/eks-pod-ip-exhaustion.md`).
 * An internal ALB or EKS needs two private subnets even when the workload runs in one AZ.
 */
export function networkFor(d: Design): Network {
  const ingress = d.pattern.def.ingress;
  const tls = ingress !== "none";
  const type = ingress === "cloudfront" ? "cloudfront" : ingress === "none" ? "none" : "alb";
  const ingressSection = { type, public: ingress === "alb-public" || ingress === "cloudfront", tls } as const;
  if (d.pattern.platform === "none") {
    return {
      vpc_cidr: "none",
      availability_zones: availabilityZones(d),
      public_subnets: [],
      private_subnets: [],
      nat_gateways: 0,
      ingress: ingressSection,
      task_subnets: "private",
      vpc_endpoints: [],
      existing_vpc: null,
    };
  }
  const zones = availabilityZones(d);
  const publicCount = ingress === "alb-public" ? zones.length : Math.max(d.natCount, 1);
  const privateCount = Math.max(d.azCount, ingress === "alb-internal" || d.pattern.platform === "eks" || d.database !== null || d.cache ? 2 : 1);
  const eks = d.pattern.platform === "eks";
  return {
    vpc_cidr: VPC_CIDR,
    availability_zones: zones,
    public_subnets: Array.from({ length: publicCount }, (_, i) => `10.0.${i}.0/24`),
    private_subnets: Array.from({ length: privateCount }, (_, i) => (eks ? `10.0.${32 * (i + 1)}.0/19` : `10.0.${16 * (i + 1)}.0/20`)),
    nat_gateways: d.natCount,
    ingress: ingressSection,
    task_subnets: d.egress === "public-subnets" ? "public" : "private",
    vpc_endpoints: vpcEndpointsFor(d),
    existing_vpc: d.existingVpc,
  };
}
