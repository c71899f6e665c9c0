import type { PlanComponent } from "../../schemas/plan.js";

type Ingress = "alb-public" | "alb-internal" | "cloudfront" | "none";

const KIND_LABEL: Readonly<Record<PlanComponent["kind"], string>> = {
  vpc: "VPC",
  "nat-gateway": "NAT gateway",
  alb: "Application Load Balancer",
  cloudfront: "CloudFront",
  "ecs-service": "ECS Fargate",
  "eks-cluster": "EKS control plane",
  "eks-node-group": "EKS node group",
  "rds-postgres": "RDS Postgres",
  "elasticache-redis": "ElastiCache Redis",
  "s3-bucket": "S3 bucket",
  "sqs-queue": "SQS queue",
  "ecr-repository": "ECR repository",
  "cloudwatch-alarms": "CloudWatch alarms",
  secrets: "Secrets Manager",
  "kms-key": "KMS key",
  "rds-mysql": "RDS MySQL",
  "aurora-cluster": "Aurora cluster",
  waf: "AWS WAF",
  "vpc-endpoint": "VPC endpoints",
};

/** Dependencies on these (and alarms' edges) are placement, encryption or monitoring: drawn dotted so the data path stands out. */
const AMBIENT: ReadonlySet<string> = new Set(["vpc", "kms-key"]);

/** A Mermaid node id for a component id: letters, digits and underscores only, never clashing with keywords. */
export function nodeId(componentId: string): string {
  return `c_${componentId.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** Text safe inside a quoted Mermaid label: `#`, `&`, quotes and angle brackets become entity codes. */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/[\r\n]+/g, " ");
}

function shape(c: PlanComponent, label: string): string {
  const id = nodeId(c.id);
  if (c.kind === "rds-postgres" || c.kind === "elasticache-redis" || c.kind === "s3-bucket") return `${id}[("${label}")]`;
  if (c.kind === "sqs-queue") return `${id}(["${label}"])`;
  return `${id}["${label}"]`;
}

function entry(components: readonly PlanComponent[], ingress: Ingress): { node: string; target: string } | null {
  const has = (id: string) => components.some((c) => c.id === id);
  if (ingress === "cloudfront" && has("cdn")) return { node: 'src_users(("Users"))', target: "cdn" };
  if (ingress === "alb-public" && has("alb")) return { node: 'src_users(("Users"))', target: "alb" };
  if (ingress === "alb-internal" && has("alb")) return { node: 'src_clients(("Clients in the VPC"))', target: "alb" };
  if (has("queue")) return { node: 'src_producers(("Producers"))', target: "queue" };
  if (has("jobs")) return { node: 'src_schedule(("EventBridge schedule"))', target: "jobs" };
  if (has("eks-nodes")) return { node: 'src_schedule(("Kubernetes CronJob"))', target: "eks-nodes" };
  return null;
}

/**
 * `flowchart LR` with one node per component (sorted by id) and one edge per `depends_on`
 * entry, from the dependant to what it depends on. Same components, same text.
 */
export function renderDiagram(components: readonly PlanComponent[], ingress: Ingress): string {
  const sorted = [...components].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const kinds = new Map(sorted.map((c) => [c.id, c.kind] as const));
  const lines = ["flowchart LR"];
  const start = entry(sorted, ingress);
  if (start) lines.push(`  ${start.node}`);
  for (const c of sorted) {
    const detail = [KIND_LABEL[c.kind], c.size, c.count > 1 ? `×${c.count}` : null].filter(Boolean).join(" ");
    lines.push(`  ${shape(c, `${escapeLabel(c.id)}<br/>${escapeLabel(detail)}`)}`);
  }
  if (start) lines.push(`  ${start.node.split("(")[0]} --> ${nodeId(start.target)}`);
  for (const c of sorted) {
    for (const dep of [...c.depends_on].sort()) {
      const kind = kinds.get(dep);
      if (!kind) continue;
      const dotted = AMBIENT.has(kind) || c.kind === "cloudwatch-alarms";
      lines.push(`  ${nodeId(c.id)} ${dotted ? "-.->" : "-->"} ${nodeId(dep)}`);
    }
  }
  return lines.join("\n");
}
