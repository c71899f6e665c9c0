import { checkBudget } from "../../pricing/index.js";
import type { PlanSpec } from "../../schemas/plan.js";
import { dollars } from "./bill.js";
import type { FitResult } from "./budget-fit.js";
import { engineVersion, QUEUE_SETTINGS } from "./components.js";
import type { Design, Sized } from "./design.js";
import { renderDiagram } from "./diagram.js";
import { networkFor } from "./network.js";
import { observabilityFor } from "./observability.js";
import { risksFor } from "./risks.js";
import { pipelineSchedule } from "./schedule.js";
import { securityFor } from "./security.js";
import { HEADROOM } from "./sizing.js";
import { availabilityOf } from "./slo.js";
import { tradeoffsFor } from "./tradeoffs.js";

type Risk = PlanSpec["risks"][number];

/** Identity and provenance of the version being written. */
export interface PlanIdentity {
  planId: string;
  traceId: string;
  version: number;
  parentVersion: number | null;
  citations: PlanSpec["citations"];
}

/** How the summary names each database engine. */
const ENGINE_NAMES = { postgres: "Postgres", mysql: "MySQL", "aurora-postgresql": "Aurora PostgreSQL", "aurora-mysql": "Aurora MySQL" } as const;

/** AWS's default CloudFront request quota per distribution, the static site's capacity figure. */
const CLOUDFRONT_RPS_QUOTA = 250_000;
const CONTAINER_PORT = 8080;

/**
 * The image to run: an existing one the goal names (`existing_components` of kind `image` or
 * `container-image`), else the release tag the service's own ECR repository will hold, with
 * the account left as `ACCOUNT_ID` for the pipeline that pushes it (see the `image-placeholder` risk).
 */
export function imageFor(d: Design): { image: string; placeholder: boolean } {
  const existing = d.goal.existing_components.find((c) => c.kind === "image" || c.kind === "container-image");
  if (existing) return { image: existing.name, placeholder: false };
  return { image: `ACCOUNT_ID.dkr.ecr.${d.goal.region}.amazonaws.com/${d.goal.name}:1.0.0`, placeholder: true };
}

function computeSection(d: Design, s: Sized): PlanSpec["compute"] {
  const image = imageFor(d).image;
  const target = d.goal.environment === "prod" ? 60 : 70;
  const nodes = { node_instance_type: s.nodes?.instanceType ?? null, node_count: s.nodes?.nodes ?? 0 };
  if (s.service) {
    const svc = s.service;
    return {
      platform: d.pattern.platform,
      cpu: svc.cpu,
      memory_mb: svc.memoryMb,
      min_replicas: svc.tasks,
      max_replicas: svc.maxTasks,
      target_cpu_percent: target,
      ...nodes,
      container_port: CONTAINER_PORT,
      image,
      schedule: null,
      architecture: d.arch,
      capacity: d.capacity,
    };
  }
  if (s.pipeline) {
    const p = s.pipeline;
    return {
      platform: d.pattern.platform,
      cpu: p.cpu,
      memory_mb: p.memoryMb,
      min_replicas: 0,
      max_replicas: p.tasks,
      target_cpu_percent: target,
      ...nodes,
      container_port: CONTAINER_PORT,
      image,
      schedule: pipelineSchedule(p),
      architecture: d.arch,
      capacity: d.capacity,
    };
  }
  return {
    platform: "none",
    cpu: 0,
    memory_mb: 0,
    min_replicas: 0,
    max_replicas: 0,
    target_cpu_percent: 70,
    node_instance_type: null,
    node_count: 0,
    container_port: 443,
    image: "none (static content in S3)",
    schedule: null,
    architecture: "x86_64",
    capacity: "on-demand",
  };
}

function dataSections(d: Design, s: Sized): Pick<PlanSpec, "databases" | "caches" | "buckets" | "queues"> {
  const db = s.database;
  const buckets: PlanSpec["buckets"] = [];
  if (d.pattern.def.compute === "none")
    buckets.push({
      id: "site-bucket",
      purpose: "static site origin, private behind CloudFront",
      versioning: true,
      storage_gb: s.bucketGb ?? 1,
      public_website: false,
    });
  if (d.pattern.def.compute === "scheduled")
    buckets.push({ id: "data-bucket", purpose: "pipeline input and output data", versioning: true, storage_gb: s.bucketGb ?? 10, public_website: false });
  const queue = (id: string) => ({
    id,
    fifo: false,
    visibility_timeout_s: QUEUE_SETTINGS.visibilityTimeoutS,
    max_receive_count: QUEUE_SETTINGS.maxReceiveCount,
  });
  return {
    databases: db
      ? [
          {
            id: "db",
            engine: db.engine,
            engine_version: engineVersion(db.engine),
            instance_class: db.instanceClass,
            multi_az: db.multiAz,
            storage_gb: db.storageGb,
            max_storage_gb: db.maxStorageGb,
            backup_retention_days: db.backupRetentionDays,
            point_in_time_recovery: db.pointInTimeRecovery,
            read_replicas: db.readReplicas,
            deletion_protection: db.deletionProtection,
          },
        ]
      : [],
    caches: s.cache ? [{ id: "cache", engine: "redis", node_type: s.cache.nodeType, nodes: s.cache.nodes, multi_az: s.cache.multiAz }] : [],
    buckets,
    // One entry per work queue: the builder gives each its own dead-letter queue (`queue-dlq`).
    queues: d.pattern.def.compute === "worker" ? [queue("queue")] : [],
  };
}

function performance(d: Design, s: Sized, estimated: number): PlanSpec["performance"] {
  const base = { p95_latency_ms_target: d.goal.slo.p95_latency_ms ?? null, availability_target: d.goal.slo.availability, estimated_availability: estimated };
  if (s.service) return { target_rps: s.service.targetRate, capacity_rps: s.service.capacityRate, headroom_percent: s.service.headroomPercent, ...base };
  if (d.pattern.def.compute === "none") {
    const target = Math.max(1, s.peakRate);
    return {
      target_rps: target,
      capacity_rps: CLOUDFRONT_RPS_QUOTA,
      headroom_percent: Number(((CLOUDFRONT_RPS_QUOTA / target - 1) * 100).toFixed(1)),
      ...base,
    };
  }
  // Batch runs: the headroom is on run time, not on a request rate.
  return { target_rps: s.peakRate, capacity_rps: s.peakRate, headroom_percent: HEADROOM * 100, ...base };
}

function summary(d: Design, s: Sized, totalCents: number, capCents: number): string {
  const where = `${d.goal.region} (${d.goal.environment})`;
  const platform = d.pattern.platform === "eks" ? " on EKS" : d.pattern.platform === "ecs-fargate" ? " on ECS Fargate" : "";
  const parts = [`${d.pattern.def.title}${platform} in ${where}`];
  const unit = d.pattern.platform === "eks" ? "pods" : "tasks";
  if (s.service)
    parts.push(
      `${s.service.tasks}-${s.service.maxTasks} × ${s.service.cpu} vCPU ${unit} for ${s.service.targetRate} ${d.pattern.def.compute === "worker" ? "msg/s" : "rps"} peak`,
    );
  if (s.pipeline) parts.push(`${s.pipeline.runsPerDay} run(s)/day on ${s.pipeline.tasks} × ${s.pipeline.cpu} vCPU`);
  if (s.nodes) parts.push(`${s.nodes.nodes} × ${s.nodes.instanceType} nodes`);
  if (s.database)
    parts.push(
      `${ENGINE_NAMES[s.database.engine]} ${s.database.instanceClass} ${s.database.multiAz ? "Multi-AZ" : "Single-AZ"}${s.database.readReplicas > 0 ? ` + ${s.database.readReplicas} replica(s)` : ""}`,
    );
  if (s.cache) parts.push(`Redis ${s.cache.nodeType}`);
  if (d.pattern.platform !== "none") parts.push(`${d.azCount} AZ(s)`);
  const percent = ((totalCents / capCents) * 100).toFixed(1);
  return `${parts.join("; ")}. ${dollars(totalCents)}/month of a ${dollars(capCents)} budget (${percent} %).`;
}

/** Builds the PlanSpec for a fitted design. */
export function assemblePlan(
  fit: FitResult,
  id: PlanIdentity,
  capCents: number,
  revisionNotes: string[],
  carried: Risk[],
  constraints: PlanSpec["constraints"] = [],
): PlanSpec {
  const { design: d, sized: s, bill } = fit;
  const total = bill.totalCents / 100;
  const cap = capCents / 100;
  const status = checkBudget({ totalMonthlyCost: total }, cap).status;
  const { parts, estimated } = availabilityOf(d, s);
  return {
    plan_id: id.planId,
    version: id.version,
    parent_version: id.parentVersion,
    trace_id: id.traceId,
    goal_name: d.goal.name,
    pattern: d.pattern.def.id,
    planner: "deterministic",
    cloud: d.goal.cloud,
    region: d.goal.region,
    environment: d.goal.environment,
    summary: summary(d, s, bill.totalCents, capCents),
    components: bill.components,
    network: networkFor(d),
    compute: computeSection(d, s),
    ...dataSections(d, s),
    security: securityFor(d, s),
    observability: observabilityFor(d, s),
    cost: {
      currency: "USD",
      monthly_total_usd: total,
      budget_usd: cap,
      status,
      breakdown: bill.breakdown,
      usage_based: bill.usageBased,
      fixed_monthly_usd: bill.fixedCents / 100,
      usage_monthly_usd: bill.usageCents / 100,
      usage_assumptions: bill.assumptions,
    },
    performance: performance(d, s, estimated),
    risks: risksFor({
      evaluated: fit,
      capCents,
      status,
      estimatedAvailability: estimated,
      parts,
      citations: id.citations,
      carried,
      imagePlaceholder: d.pattern.platform !== "none" && imageFor(d).placeholder,
    }),
    tradeoffs: tradeoffsFor(fit, id.citations),
    citations: id.citations.map((c) => ({ ...c, heading_path: [...c.heading_path] })),
    diagram: renderDiagram(bill.components, d.pattern.def.ingress),
    revision_notes: [...revisionNotes, ...fit.notes],
    constraints,
    runtime_components: structuredClone(d.goal.components ?? []),
  };
}
