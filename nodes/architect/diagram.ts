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
  "azure-vnet": "Virtual network",
  "azure-nat-gateway": "NAT gateway",
  "azure-front-door": "Azure Front Door",
  "azure-app-gateway": "Application Gateway",
  "azure-container-apps-env": "Container Apps environment",
  "azure-container-app": "Container App",
  "aks-cluster": "AKS control plane",
  "aks-node-pool": "AKS node pool",
  "azure-postgres": "PostgreSQL Flexible Server",
  "azure-mysql": "MySQL Flexible Server",
  "azure-redis": "Azure Cache for Redis",
  "azure-storage": "Storage account",
  "azure-service-bus": "Service Bus",
  "azure-container-registry": "Container Registry",
  "azure-key-vault": "Key Vault",
  "azure-log-analytics": "Log Analytics",
  "azure-monitor-alerts": "Azure Monitor alerts",
  "gcp-vpc": "VPC network",
  "gcp-load-balancer": "Cloud Load Balancing",
  "cloud-armor": "Cloud Armor",
  "cloud-run": "Cloud Run",
  "gke-cluster": "GKE control plane",
  "gke-node-pool": "GKE node pool",
  "cloud-sql-postgres": "Cloud SQL Postgres",
  "cloud-sql-mysql": "Cloud SQL MySQL",
  "memorystore-redis": "Memorystore Redis",
  "gcs-bucket": "Cloud Storage bucket",
  pubsub: "Pub/Sub",
  "artifact-registry": "Artifact Registry",
  "secret-manager": "Secret Manager",
  "cloud-logging": "Cloud Logging",
  "cloud-monitoring-alerts": "Cloud Monitoring alerts",
  "cloud-scheduler": "Cloud Scheduler",
  "cloud-nat": "Cloud NAT",
};

const STORES: ReadonlySet<string> = new Set([
  "rds-postgres",
  "rds-mysql",
  "aurora-cluster",
  "elasticache-redis",
  "s3-bucket",
  "azure-postgres",
  "azure-mysql",
  "azure-redis",
  "azure-storage",
  "cloud-sql-postgres",
  "cloud-sql-mysql",
  "memorystore-redis",
  "gcs-bucket",
]);
const QUEUES: ReadonlySet<string> = new Set(["sqs-queue", "azure-service-bus", "pubsub"]);
const MONITORING: ReadonlySet<string> = new Set(["cloudwatch-alarms", "azure-monitor-alerts", "cloud-monitoring-alerts"]);

/** Dependencies on these (and alarms' edges) are placement, encryption or monitoring: drawn dotted so the data path stands out. */
const AMBIENT: ReadonlySet<string> = new Set(["vpc", "kms-key", "azure-vnet", "gcp-vpc"]);

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
  if (STORES.has(c.kind) && c.kind !== "rds-mysql" && c.kind !== "aurora-cluster") return `${id}[("${label}")]`;
  if (QUEUES.has(c.kind)) return `${id}(["${label}"])`;
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
      const dotted = AMBIENT.has(kind) || MONITORING.has(c.kind);
      lines.push(`  ${nodeId(c.id)} ${dotted ? "-.->" : "-->"} ${nodeId(dep)}`);
    }
  }
  return lines.join("\n");
}
