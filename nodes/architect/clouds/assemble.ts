import { fromCents } from "../../../pricing/money.js";
import type { PlanConstraint, PlanSpec } from "../../../schemas/plan.js";
import { dollars } from "../bill.js";
import { renderDiagram } from "../diagram.js";
import type { PlanContext } from "../outcome.js";
import { pipelineSchedule } from "../schedule.js";
import { alertsFor } from "./alerts.js";
import type { CloudDesign, CloudSized } from "./design.js";
import type { CloudBill } from "./price.js";
import type { CloudProfile } from "./profile.js";
import { composite, compositeArithmetic } from "./sla.js";

const CONTAINER_PORT = 8080;

/** Everything the assembler reads. */
export interface CloudAssembly {
  profile: CloudProfile<unknown>;
  design: CloudDesign;
  sized: CloudSized;
  bill: CloudBill;
  capCents: number;
  ctx: PlanContext;
  notes: string[];
  constraints: PlanConstraint[];
  /** risks the planner found beyond the design's own (comments it could not act on) */
  extraRisks?: PlanSpec["risks"];
}

function imageFor(d: CloudDesign): string {
  const existing = d.goal.existing_components.find((c) => c.kind === "image" || c.kind === "container-image");
  if (existing) return existing.name;
  return d.cloud === "azure" ? `REGISTRY.azurecr.io/${d.goal.name}:1.0.0` : `${d.goal.region}-docker.pkg.dev/PROJECT_ID/${d.goal.name}/${d.goal.name}:1.0.0`;
}

function computeSection(a: CloudAssembly): PlanSpec["compute"] {
  const { design: d, sized: s, profile: p } = a;
  const platform = d.runtime === "none" ? "none" : d.runtime === "kubernetes" ? p.platforms.kubernetes : p.platforms.serverless;
  const k8s = d.runtime === "kubernetes";
  const nodes = a.bill.items.find((item) => item.draft.kind === "aks-node-pool" || item.draft.kind === "gke-node-pool")?.draft.count ?? 0;
  const common = {
    platform,
    node_instance_type: k8s ? p.node.type : null,
    node_count: k8s ? nodes : 0,
    container_port: CONTAINER_PORT,
    image: imageFor(d),
    architecture: "x86_64" as const,
    capacity: "on-demand" as const,
  };
  if (s.pipeline) {
    const memory = d.cloud === "azure" ? s.pipeline.cpu * 2048 : s.pipeline.memoryMb;
    return {
      ...common,
      cpu: s.pipeline.cpu,
      memory_mb: memory,
      min_replicas: 0,
      max_replicas: s.pipeline.tasks,
      target_cpu_percent: 70,
      schedule: pipelineSchedule(s.pipeline),
    };
  }
  if (s.service) {
    const memory = d.cloud === "azure" ? s.service.cpu * 2048 : s.service.memoryMb;
    return {
      ...common,
      cpu: s.service.cpu,
      memory_mb: memory,
      min_replicas: s.service.tasks,
      max_replicas: s.service.maxTasks,
      target_cpu_percent: d.goal.environment === "prod" ? 60 : 70,
      schedule: null,
    };
  }
  return { ...common, platform: "none", cpu: 0, memory_mb: 0, min_replicas: 0, max_replicas: 0, target_cpu_percent: 70, image: "none", schedule: null };
}

function risksFor(a: CloudAssembly): PlanSpec["risks"] {
  const { design: d, profile: p, bill } = a;
  const risks: PlanSpec["risks"] = [];
  const parts = p.slaParts(d);
  if (parts.some((part) => part.sla.assumed))
    risks.push({
      id: "sla-assumed",
      title: `Part of the availability estimate has no published SLA: ${parts
        .filter((x) => x.sla.assumed)
        .map((x) => x.name)
        .join(", ")}`,
      severity: "medium",
      mitigation: "Use the HA configuration (covered by the SLA) if the estimate matters, or accept the assumed figure",
    });
  if (bill.usageBased.length > 0)
    risks.push({
      id: "usage-unpriced",
      title: `${bill.usageBased.length} cost item(s) are not in the total: ${bill.usageBased.join("; ")}`,
      severity: "medium",
      mitigation: "Check these against the provider's pricing page before approving; the total is understated by them",
    });
  const usageShare = bill.totalCents > 0 ? bill.usageCents / bill.totalCents : 0;
  if (usageShare >= 0.2)
    risks.push({
      id: "usage-cost-share",
      title: `${Math.round(usageShare * 100)} % of the total (${dollars(bill.usageCents)}) rests on usage assumptions`,
      severity: usageShare >= 0.5 ? "high" : "medium",
      mitigation: "Set usage_assumptions from measured traffic; the figures are in cost.usage_assumptions",
    });
  if (d.goal.slo.p95_latency_ms !== undefined)
    risks.push({
      id: "p95-not-estimated",
      title: `The ${d.goal.slo.p95_latency_ms} ms p95 objective is not checked: Atlas estimates capacity and availability, not latency`,
      severity: "medium",
      mitigation: `Load-test at the peak rate before approving; the plan alerts when p95 passes ${d.goal.slo.p95_latency_ms} ms`,
    });
  if (imageFor(d).includes("REGISTRY") || imageFor(d).includes("PROJECT_ID"))
    risks.push({
      id: "image-placeholder",
      title: "compute.image is a placeholder the release pipeline must replace",
      severity: "low",
      mitigation: "Name the image in existing_components (kind image), or let the pipeline substitute the registry",
    });
  risks.push({
    id: "prices-transcribed",
    title: `${p.label} prices come from the card ${bill.priceVersion}, transcribed from public list prices; free grants are not deducted`,
    severity: "low",
    mitigation: `Refresh the card (pnpm prices refresh --cloud ${p.cloud}) before quoting the figure`,
  });
  for (const [index, c] of a.constraints.entries()) {
    if (c.status === "not_understood")
      risks.push({ id: `constraint-not-understood-${index + 1}`, title: `Constraint not understood: "${c.text}"`, severity: "medium", mitigation: c.how });
    if (c.status === "not_honoured")
      risks.push({
        id: `constraint-not-honoured-${index + 1}`,
        title: `Preference not honoured: "${c.text}"`,
        severity: "medium",
        mitigation: `${c.how}; approve only if that is acceptable, or revise the goal`,
      });
  }
  return risks;
}

function tradeoffsFor(a: CloudAssembly): PlanSpec["tradeoffs"] {
  const { design: d, profile: p } = a;
  const out: PlanSpec["tradeoffs"] = [];
  if (d.runtime !== "none")
    out.push(
      d.runtime === "kubernetes"
        ? {
            decision: `${p.names.kubernetes}`,
            alternatives: [p.names.serverless],
            rationale: d.goal.components?.length
              ? "the goal's own components are Kubernetes workloads"
              : `the objective or a constraint needs Kubernetes; ${p.names.serverless} would be simpler and cheaper at low load`,
          }
        : {
            decision: p.names.serverless,
            alternatives: [p.names.kubernetes],
            rationale: `no cluster to run or patch; ${p.names.serverless}'s SLA meets the ${d.goal.slo.availability} % objective in the composite`,
          },
    );
  if (d.database)
    out.push({
      decision: d.database.ha ? "database with an HA standby in a second zone" : "database without a standby",
      alternatives: [d.database.ha ? "no standby (cheaper, longer outage on a zone failure)" : "HA standby (about twice the database cost)"],
      rationale: d.database.ha
        ? `the ${d.goal.slo.availability} % objective in ${d.goal.environment} needs it`
        : "the objective allows a restore-from-backup recovery",
    });
  if (d.ingress === "public")
    out.push({
      decision: p.names.edge,
      alternatives: [p.cloud === "azure" ? "Application Gateway" : "regional load balancer"],
      rationale: "global TLS termination and the WAF in one place",
    });
  return out;
}

/** The PlanSpec of a priced Azure or Google Cloud design. */
export function assembleCloudPlan(a: CloudAssembly): PlanSpec {
  const { design: d, sized: s, profile: p, bill, ctx } = a;
  const goal = d.goal;
  const parts = p.slaParts(d);
  const estimated = composite(parts);
  const components: PlanSpec["components"] = bill.items.map((item) => ({
    id: item.draft.id,
    kind: item.draft.kind,
    role: item.draft.role,
    size: item.draft.size,
    count: item.draft.count,
    optional: item.draft.optional,
    depends_on: item.draft.depends_on.filter((dep) => bill.items.some((other) => other.draft.id === dep)),
    monthly_usd: fromCents(item.fixedCents + item.usageCents),
  }));
  const total = bill.totalCents;
  const status = total > a.capCents ? "OVER" : total > a.capCents * 0.8 ? "WARN" : "OK";
  const breakdown = bill.items.map((item) => ({
    component_id: item.draft.id,
    monthly_usd: fromCents(item.fixedCents + item.usageCents),
    fixed_usd: fromCents(item.fixedCents),
    usage_usd: fromCents(item.usageCents),
    detail:
      item.draft.specs.length === 0
        ? (item.draft.free ?? "no charge")
        : `${item.draft.role}${item.unpricedUsage.length ? `; unpriced: ${item.unpricedUsage.join(", ")}` : ""}`,
  }));
  const db = p.database(d, s);
  const cache = p.cache(d, s);
  const compute = computeSection(a);
  const secrets = [
    ...(db
      ? [{ name: `${goal.name}-${goal.environment}-db-password`, purpose: "database administrator password, generated; the workload reads it by reference" }]
      : []),
    ...(cache ? [{ name: `${goal.name}-${goal.environment}-cache-auth`, purpose: "cache access key or AUTH string" }] : []),
  ];
  const principal = d.cloud === "azure" ? `${goal.name}-${goal.environment} managed identity` : `${goal.name}-${goal.environment} service account`;
  const scopes: PlanSpec["security"]["iam_scopes"] =
    d.runtime === "none"
      ? []
      : d.cloud === "azure"
        ? [
            { principal, actions: ["AcrPull"], resources: ["registry"] },
            ...(secrets.length || d.cmk ? [{ principal, actions: ["Key Vault Secrets User"], resources: ["vault"] }] : []),
            ...(goal.workload.type === "worker" ? [{ principal, actions: ["Azure Service Bus Data Receiver"], resources: ["queue"] }] : []),
            ...(goal.workload.type === "data-pipeline" ? [{ principal, actions: ["Storage Blob Data Contributor"], resources: ["data"] }] : []),
          ]
        : [
            { principal, actions: ["roles/artifactregistry.reader"], resources: ["registry"] },
            ...(secrets.length ? [{ principal, actions: ["roles/secretmanager.secretAccessor"], resources: ["secrets"] }] : []),
            { principal, actions: ["roles/logging.logWriter"], resources: ["logs"] },
            ...(db ? [{ principal, actions: ["roles/cloudsql.client"], resources: ["db"] }] : []),
            ...(goal.workload.type === "worker" ? [{ principal, actions: ["roles/pubsub.subscriber"], resources: ["topic"] }] : []),
            ...(goal.workload.type === "data-pipeline" ? [{ principal, actions: ["roles/storage.objectAdmin"], resources: ["data"] }] : []),
          ];
  const diagramIngress = d.ingress === "cdn" ? "cloudfront" : d.ingress === "public" ? "alb-public" : d.ingress === "internal" ? "alb-internal" : "none";
  const pattern = `${p.cloud}-${goal.workload.type}${d.runtime === "kubernetes" ? (p.cloud === "azure" ? "-aks" : "-gke") : ""}`;
  const runtimeName = d.runtime === "none" ? "" : d.runtime === "kubernetes" ? p.names.kubernetes : p.names.serverless;
  const summary = `${goal.workload.type} on ${p.label} ${goal.region}${runtimeName ? ` (${runtimeName})` : ""} for ${goal.environment}: ${dollars(total)}/month of ${dollars(a.capCents)} (fixed ${dollars(bill.fixedCents)}, usage ${dollars(bill.usageCents)}), estimated availability ${estimated} % for the ${goal.slo.availability} % objective`;
  const bucketIds = bill.items.filter((item) => item.draft.kind === "azure-storage" || item.draft.kind === "gcs-bucket").map((item) => item.draft.id);
  return {
    plan_id: ctx.planId,
    version: ctx.version,
    parent_version: ctx.parentVersion,
    trace_id: ctx.traceId,
    goal_name: goal.name,
    pattern,
    planner: "deterministic",
    cloud: goal.cloud,
    region: goal.region,
    environment: goal.environment,
    summary,
    components,
    network: p.network(d),
    compute,
    databases: db ? [db] : [],
    caches: cache ? [cache] : [],
    buckets: bucketIds.map((id) => ({
      id,
      purpose: id === "site" ? "static site content, served through the edge only" : "pipeline data",
      versioning: goal.environment === "prod",
      storage_gb: goal.workload.data_size_gb ?? (id === "site" ? 1 : 10),
      public_website: id === "site",
    })),
    queues: goal.workload.type === "worker" ? [{ id: "queue", fifo: false, visibility_timeout_s: d.cloud === "azure" ? 300 : 600, max_receive_count: 5 }] : [],
    security: {
      encryption_at_rest: true,
      encryption_in_transit: true,
      kms: d.cmk ? "customer-managed" : "platform-managed",
      iam_scopes: scopes,
      secrets,
      waf: d.waf,
    },
    observability: {
      metrics: alertsFor(d, p).map((alert) => alert.metric),
      alerts: alertsFor(d, p),
      slos: [
        { name: "availability", objective_percent: goal.slo.availability, window_days: 30 },
        ...(goal.slo.p95_latency_ms ? [{ name: "p95-latency", objective_percent: 95, window_days: 30 }] : []),
      ],
      log_retention_days: goal.compliance.length > 0 ? 365 : goal.environment === "prod" ? 90 : 30,
    },
    cost: {
      currency: "USD",
      monthly_total_usd: fromCents(total),
      budget_usd: fromCents(a.capCents),
      status,
      breakdown,
      usage_based: bill.usageBased,
      fixed_monthly_usd: fromCents(bill.fixedCents),
      usage_monthly_usd: fromCents(bill.usageCents),
      usage_assumptions: bill.assumptions,
    },
    performance: {
      target_rps: s.peak,
      capacity_rps: s.service?.capacityRate ?? 0,
      headroom_percent: s.service?.headroomPercent ?? 0,
      p95_latency_ms_target: goal.slo.p95_latency_ms ?? null,
      availability_target: goal.slo.availability,
      estimated_availability: estimated,
    },
    risks: [...risksFor(a), ...(a.extraRisks ?? [])],
    tradeoffs: tradeoffsFor(a),
    citations: ctx.citations.map((c) => ({ ...c, heading_path: [...c.heading_path] })),
    diagram: renderDiagram(components, diagramIngress),
    revision_notes: [...a.notes, `availability: ${compositeArithmetic(parts)}`],
    constraints: a.constraints,
    runtime_components: goal.components ?? [],
  };
}
