import type { PlanSpec } from "../../schemas/plan.js";
import type { Evaluated } from "./budget-fit.js";
import { see } from "./cite.js";

type Tradeoff = PlanSpec["tradeoffs"][number];
type Citation = PlanSpec["citations"][number];

function platformTradeoff(e: Evaluated, c: readonly Citation[]): Tradeoff {
  const d = e.design;
  if (d.pattern.platform === "none") {
    return {
      decision: "S3 origin behind CloudFront, no servers",
      alternatives: ["containers behind an ALB", "S3 website endpoint (public bucket)"],
      rationale: `Static content needs no compute; the bucket stays private behind origin access control, so nothing is public but the distribution${see(c, "storage")}.`,
    };
  }
  if (d.pattern.platform === "eks") {
    return {
      decision: "EKS with managed node groups",
      alternatives: ["ECS Fargate"],
      rationale: `${d.intent.platform === "eks" ? "A constraint of the goal asks for Kubernetes" : "A reviewer directed Kubernetes"}. EKS costs a $73/month control plane plus nodes and needs upgrades, in exchange for Kubernetes APIs and bin-packing${see(c, "kubernetes")}.`,
    };
  }
  return {
    decision: "ECS on Fargate",
    alternatives: ["EKS", "ECS on EC2 Auto Scaling"],
    rationale: `No nodes to patch or bin-pack and per-task billing; EKS would add a $73/month control plane and cluster operations ${d.intent.platform === "ecs-fargate" ? "a constraint of the goal rules out" : "the goal does not ask for"}${see(c, "sizing")}.`,
  };
}

function sizingTradeoff(e: Evaluated, c: readonly Citation[]): Tradeoff | null {
  const { sized: s, design: d } = e;
  if (s.service) {
    const unit = d.pattern.def.compute === "worker" ? "msg/s" : "rps";
    return {
      decision: `${s.service.tasks} × ${s.service.cpu} vCPU / ${s.service.memoryMb} MiB for ${s.service.targetRate} ${unit} peak (12-month growth ×${s.growth})`,
      alternatives: ["fewer, larger tasks", "more, smaller tasks"],
      rationale: `Rule of thumb ${s.service.perTaskRate} ${unit} per task, at least 30 % headroom (${s.service.headroomPercent} % here)${d.redundancy.nPlusOne ? ", N+1 so peak survives one AZ lost" : ""}; autoscaling up to ${s.service.maxTasks}. Replace with load-test figures${see(c, "sizing")}.`,
    };
  }
  if (s.pipeline) {
    const p = s.pipeline;
    return {
      decision: `Scheduled Fargate tasks: ${p.tasks} × ${p.cpu} vCPU per run, ${p.runsPerDay} run(s)/day of ~${p.runHours} h for ${p.gbPerRun} GB`,
      alternatives: ["AWS Batch", "Step Functions with Lambda", "EMR Serverless"],
      rationale: "Pay only while runs execute, same container tooling as services; Batch or EMR pay off for much larger or Spark-shaped jobs.",
    };
  }
  return null;
}

function redundancyTradeoffs(e: Evaluated, c: readonly Citation[]): Tradeoff[] {
  const { design: d, sized: s } = e;
  const out: Tradeoff[] = [];
  const slo = d.goal.slo.availability;
  if (d.pattern.platform !== "none") {
    out.push({
      decision: `${d.azCount} AZ(s) with ${d.natCount} NAT gateway(s)`,
      alternatives: d.natCount === d.azCount ? ["one shared NAT gateway"] : ["a NAT gateway per AZ"],
      rationale:
        d.natCount === d.azCount
          ? `Each AZ keeps its own egress, as a ${slo} % objective needs; every extra gateway costs about $36.50/month plus data processed${see(c, "nat")}.`
          : `A shared NAT gateway saves about $36.50/month per AZ but is a single-AZ egress dependency and adds cross-AZ transfer${see(c, "nat")}.`,
    });
  }
  if (s.database) {
    const db = s.database;
    out.push({
      decision: `Postgres ${db.rung.instanceClass}, ${db.multiAz ? "Multi-AZ" : "Single-AZ"}, ${db.backupRetentionDays}-day backups${db.pointInTimeRecovery ? " with PITR" : ""}`,
      alternatives: ["Aurora PostgreSQL", db.multiAz ? "Single-AZ RDS" : "Multi-AZ RDS"],
      rationale: `Serves ~${db.load} queries/s and the data set with room to grow; Multi-AZ gives a 1-2 minute failover, Aurora a faster one at a higher floor price${see(c, "database")}.`,
    });
  }
  if (d.pattern.def.ingress === "alb-public" && d.azCount === 1) {
    out.push({
      decision: "ALB subnets in two AZs, workload in one",
      alternatives: ["workload in two AZs"],
      rationale: "An ALB needs subnets in two AZs; the tasks and database stay in one to fit the objective and the budget.",
    });
  }
  return out;
}

/** Trade-offs in the order the decisions were made: platform, sizing, redundancy, data, extras. */
export function tradeoffsFor(e: Evaluated, citations: readonly Citation[]): Tradeoff[] {
  const d = e.design;
  const out: Tradeoff[] = [platformTradeoff(e, citations)];
  const sizing = sizingTradeoff(e, citations);
  if (sizing) out.push(sizing);
  out.push(...redundancyTradeoffs(e, citations));
  if (d.pattern.def.optional.some((slot) => slot.id === "cache")) {
    out.push(
      d.cache
        ? {
            decision: "Redis cache for hot reads",
            alternatives: ["no cache"],
            rationale: "Cuts database load to about 40 % and keeps p95 low; it is optional and the first thing budget fitting drops.",
          }
        : {
            decision: "No cache",
            alternatives: ["ElastiCache Redis"],
            rationale: `Postgres serves reads directly at this load${see(citations, "latency")}; add Redis if p95 or database CPU climbs.`,
          },
    );
  }
  if (d.pattern.def.compute === "worker") {
    out.push({
      decision: "SQS standard queue with a dead-letter queue",
      alternatives: ["SQS FIFO", "Kinesis Data Streams"],
      rationale: "At-least-once delivery without ordering limits; consumers must be idempotent. Poison messages land in the DLQ after five receives.",
    });
  }
  if (d.pattern.platform === "eks") {
    out.push({
      decision: d.arch === "arm64" ? "Graviton (arm64) nodes" : "x86_64 nodes",
      alternatives: [d.arch === "arm64" ? "x86_64 nodes" : "Graviton (arm64) nodes"],
      rationale:
        d.arch === "arm64"
          ? "About 15-20 % cheaper per vCPU; every image must be built for arm64."
          : "Runs any image as built today; Graviton nodes are cheaper and the first budget-fitting step.",
    });
  }
  if (d.pattern.platform === "ecs-fargate") {
    out.push({
      decision: "x86_64 Fargate tasks",
      alternatives: ["Graviton (arm64) Fargate tasks"],
      rationale:
        "Runs any image as built today and is what the builder renders (the plan has no task architecture field yet); arm64 tasks would be about 20 % cheaper.",
    });
  }
  out.push({
    decision: `${d.customerManagedKey ? "Customer-managed" : "AWS-managed"} KMS keys`,
    alternatives: [d.customerManagedKey ? "AWS-managed keys" : "customer-managed key"],
    rationale: d.customerManagedKey
      ? `Prod or compliance: key policy and rotation under your control, audit of every use, $1/month per key${see(citations, "security")}.`
      : "Outside prod and strict compliance, AWS-managed keys encrypt everything at no key charge.",
  });
  return out;
}
