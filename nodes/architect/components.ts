import type { ComponentSpec } from "../../pricing/index.js";
import type { PlanComponent } from "../../schemas/plan.js";
import type { Design, Sized } from "./design.js";
import { alertsFor, logRetentionDays } from "./observability.js";
import { pipelineSchedule, scheduledRuns } from "./schedule.js";
import { secretsFor } from "./security.js";
import { NODE_DISK_GB } from "./sizing-nodes.js";

/** A component before pricing: the plan entry plus the specs `priceComponent` bills it by. */
export interface Draft {
  component: Omit<PlanComponent, "monthly_usd">;
  specs: ComponentSpec[];
  /** Extra usage-based items the price sheet has no line for. */
  unpriced: string[];
  /** Why the figures are what they are, prefixed to the price detail. */
  basis?: string;
}

/** Postgres major version the plan pins. */
export const POSTGRES_VERSION = "16";
/** Queue settings: visibility covers ~6× a typical 30-50 s job; five receives before the DLQ. */
export const QUEUE_SETTINGS = { visibilityTimeoutS: 300, maxReceiveCount: 5 } as const;

const gib = (mb: number) => mb / 1024;

function draft(id: string, kind: PlanComponent["kind"], role: string, specs: ComponentSpec[], extra: Partial<Draft["component"]> = {}): Draft {
  return {
    component: { id, kind, role, size: null, count: 1, optional: false, depends_on: [], ...extra },
    specs,
    unpriced: [],
  };
}

function computeDrafts(d: Design, s: Sized, deps: string[]): Draft[] {
  const arch = d.arch;
  const compute = d.pattern.def.compute;
  if (d.pattern.platform === "eks") {
    const nodes = s.nodes;
    if (!nodes) return [];
    const pods = s.service?.tasks ?? s.pipeline?.tasks ?? 0;
    return [
      draft("eks", "eks-cluster", "EKS control plane (private endpoint, secrets encrypted)", [{ kind: "eks-control-plane" }], { depends_on: ["vpc"] }),
      draft(
        "eks-nodes",
        "eks-node-group",
        `managed node group (${arch}) for ${pods} pods, one spare in prod`,
        [
          { kind: "ec2", instanceType: nodes.instanceType, count: nodes.nodes },
          { kind: "ebs", volumeType: "gp2", sizeGb: NODE_DISK_GB, count: nodes.nodes },
        ],
        { size: nodes.instanceType, count: nodes.nodes, depends_on: ["eks", ...deps] },
      ),
    ];
  }
  if (compute === "scheduled" && s.pipeline) {
    const p = s.pipeline;
    const schedule = pipelineSchedule(p);
    // The same figures the builder writes into the Terraform (schedule_expression, task_count,
    // the run-minutes tag), so the validator's price of the HCL matches this one.
    const runs = scheduledRuns(schedule);
    const perDay = Number(runs.runsPerDay.toFixed(2));
    const job = draft(
      "jobs",
      "ecs-service",
      `scheduled ECS tasks (EventBridge rule, ${schedule.expression}${schedule.expression.startsWith("cron(") ? " UTC" : ""}): ${perDay}/day × ${schedule.run_minutes} min, ${p.tasks} in parallel`,
      [
        {
          kind: "fargate",
          vcpu: p.cpu,
          memoryGb: gib(p.memoryMb),
          tasks: p.tasks,
          architecture: arch,
          schedule: { runsPerMonth: runs.runsPerMonth, runMinutes: schedule.run_minutes },
        },
      ],
      { size: `${p.cpu} vCPU / ${p.memoryMb} MiB`, count: p.tasks, depends_on: deps },
    );
    job.basis = `billed only while runs last, ${(((runs.runsPerDay * schedule.run_minutes) / 1440) * 100).toFixed(2)} % of the month`;
    return [job];
  }
  const svc = s.service;
  if (!svc) return [];
  const id = compute === "worker" ? "worker" : "app";
  const role = compute === "worker" ? "queue consumers on ECS Fargate, scaled on backlog per task" : "API tasks on ECS Fargate, target tracking on CPU";
  return [
    draft(
      id,
      "ecs-service",
      `${role} (${svc.tasks}-${svc.maxTasks} tasks, ${arch})`,
      [{ kind: "fargate", vcpu: svc.cpu, memoryGb: gib(svc.memoryMb), tasks: svc.tasks, architecture: arch }],
      { size: `${svc.cpu} vCPU / ${svc.memoryMb} MiB`, count: svc.tasks, depends_on: deps },
    ),
  ];
}

function dataDrafts(d: Design, s: Sized, kms: string[]): Draft[] {
  const out: Draft[] = [];
  const db = s.database;
  if (db) {
    const rds = { kind: "rds", engine: "postgres", instanceClass: db.rung.instanceClass, storageGb: db.storageGb, storageType: "gp3" } as const;
    out.push(
      draft(
        "db",
        "rds-postgres",
        `Postgres ${POSTGRES_VERSION} primary, ${db.multiAz ? "Multi-AZ" : "Single-AZ"}, ${db.storageGb} GB gp3 (autoscaling to ${db.maxStorageGb} GB)`,
        [{ ...rds, multiAz: db.multiAz }],
        { size: db.rung.instanceClass, optional: !d.pattern.def.databaseByDefault, depends_on: ["vpc", ...kms] },
      ),
    );
    if (db.readReplicas > 0) {
      out.push(
        draft(
          "db-replica",
          "rds-postgres",
          `Postgres read replica${db.readReplicas > 1 ? "s" : ""} in another AZ`,
          [{ ...rds, multiAz: false, count: db.readReplicas }],
          { size: db.rung.instanceClass, count: db.readReplicas, optional: db.readReplicas > db.requiredReplicas, depends_on: ["db"] },
        ),
      );
    }
  }
  if (s.cache) {
    const c = s.cache;
    out.push(
      draft(
        "cache",
        "elasticache-redis",
        `Redis ${c.nodes > 1 ? "primary and replica, automatic failover" : "single node"}, TLS and AUTH`,
        [{ kind: "elasticache", nodeType: c.nodeType, nodes: c.nodes, engine: "redis" }],
        { size: c.nodeType, count: c.nodes, optional: true, depends_on: ["vpc", ...kms] },
      ),
    );
  }
  return out;
}

/** Every component of a design with the specs that price it, in no particular order. */
export function draftsFor(d: Design, s: Sized): Draft[] {
  const kms = d.customerManagedKey ? ["kms"] : [];
  const compute = d.pattern.def.compute;
  const secrets = secretsFor(d, s);
  const drafts: Draft[] = [];
  const hasVpc = d.pattern.platform !== "none";
  if (hasVpc) {
    const existing = d.goal.existing_components.find((c) => c.kind === "vpc");
    drafts.push(
      draft("vpc", "vpc", existing ? `existing VPC ${existing.name} (reused)` : `VPC across ${d.azCount} AZ(s), private subnets for compute and data`, []),
    );
    drafts.push(
      draft(
        "nat",
        "nat-gateway",
        `NAT gateway${d.natCount > 1 ? " per AZ" : ""} with Elastic IP for private egress`,
        [
          { kind: "nat", count: d.natCount },
          { kind: "public-ipv4", count: d.natCount },
        ],
        { count: d.natCount, depends_on: ["vpc"] },
      ),
    );
    const ecr = draft("ecr", "ecr-repository", "container images (scan on push, immutable tags)", [], { depends_on: kms });
    ecr.unpriced.push("ecr: image storage (GB-months; not in the price sheet)");
    drafts.push(ecr);
  }
  const computeId = d.pattern.platform === "eks" ? "eks-nodes" : compute === "worker" ? "worker" : compute === "scheduled" ? "jobs" : "app";
  const ingress = d.pattern.def.ingress;
  if (ingress === "alb-public" || ingress === "alb-internal") {
    const role = ingress === "alb-public" ? "internet-facing ALB, HTTPS 443 (TLS 1.2+), HTTP redirects" : "internal ALB, HTTPS, reachable from the VPC only";
    drafts.push(draft("alb", "alb", role, [{ kind: "alb" }], { depends_on: ["vpc", computeId] }));
  }
  if (ingress === "cloudfront") {
    drafts.push(
      draft("cdn", "cloudfront", "CloudFront distribution, HTTPS only, origin access control to S3", [{ kind: "cloudfront" }], { depends_on: ["site-bucket"] }),
    );
    drafts.push(
      draft("site-bucket", "s3-bucket", "static site origin (private, versioned, public access blocked)", [{ kind: "s3", storageGb: s.bucketGb ?? 1 }], {
        depends_on: kms,
      }),
    );
  }
  if (compute === "scheduled") {
    drafts.push(
      draft("data-bucket", "s3-bucket", "pipeline input and output data (private, versioned)", [{ kind: "s3", storageGb: s.bucketGb ?? 10 }], {
        depends_on: kms,
      }),
    );
  }
  if (compute === "worker") {
    drafts.push(
      draft("queue", "sqs-queue", `SQS standard queue, redrive to the DLQ after ${QUEUE_SETTINGS.maxReceiveCount} receives`, [{ kind: "sqs" }], {
        depends_on: ["queue-dlq", ...kms],
      }),
    );
    drafts.push(draft("queue-dlq", "sqs-queue", "dead-letter queue (14-day retention)", [{ kind: "sqs" }], { depends_on: kms }));
  }
  drafts.push(...dataDrafts(d, s, kms));
  if (secrets.length > 0) {
    drafts.push(
      draft("secrets", "secrets", secrets.map((x) => x.name).join(", "), [{ kind: "secrets-manager", count: secrets.length }], {
        count: secrets.length,
        optional: true,
        depends_on: kms,
      }),
    );
  }
  if (d.customerManagedKey) {
    drafts.push(draft("kms", "kms-key", "customer-managed KMS key, annual rotation", [{ kind: "kms-key" }], { optional: true }));
  }
  const present = new Set(drafts.map((x) => x.component.id));
  const deps = ["vpc", "ecr", "db", "cache", "secrets", compute === "worker" ? "queue" : "", compute === "scheduled" ? "data-bucket" : ""].filter((id) =>
    present.has(id),
  );
  drafts.push(...computeDrafts(d, s, deps));
  const alerts = alertsFor(d, s).length;
  const unmonitored = new Set(["vpc", "ecr-repository", "secrets", "kms-key", "eks-cluster", "s3-bucket"]);
  const monitored = drafts.filter((x) => !unmonitored.has(x.component.kind)).map((x) => x.component.id);
  drafts.push(
    draft(
      "alarms",
      "cloudwatch-alarms",
      `${alerts} CloudWatch alarms; log groups kept ${logRetentionDays(d)} days`,
      [{ kind: "cloudwatch-alarm", count: alerts }, { kind: "cloudwatch-logs" }],
      { count: alerts, depends_on: monitored },
    ),
  );
  return drafts;
}
