import type { ComponentSpec } from "../../pricing/index.js";
import type { DatabaseEngine, PlanComponent } from "../../schemas/plan.js";
import type { Design, Sized } from "./design.js";
import { networkFor, vpcEndpointsFor } from "./network.js";
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

/** The engine version a plan pins for each engine (Aurora's are its own release lines). */
export function engineVersion(engine: DatabaseEngine): string {
  const versions: Record<DatabaseEngine, string> = {
    postgres: POSTGRES_VERSION,
    mysql: "8.0",
    "aurora-postgresql": "16.4",
    "aurora-mysql": "8.0.mysql_aurora.3.08.0",
  };
  return versions[engine];
}
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
          capacity: d.capacity,
          schedule: { runsPerMonth: runs.runsPerMonth, runMinutes: schedule.run_minutes },
        },
        // tasks in public subnets hold a public IPv4 address while a run lasts
        ...(d.egress === "public-subnets"
          ? [{ kind: "public-ipv4" as const, count: p.tasks, hours: Number(((runs.runsPerMonth * schedule.run_minutes) / 60).toFixed(2)) }]
          : []),
      ],
      { size: `${p.cpu} vCPU / ${p.memoryMb} MiB`, count: p.tasks, depends_on: deps },
    );
    job.basis = `billed only while runs last, ${(((runs.runsPerDay * schedule.run_minutes) / 1440) * 100).toFixed(2)} % of the month`;
    return [job];
  }
  const svc = s.service;
  if (!svc) return [];
  // tasks in public subnets (no NAT) each hold a public IPv4 address, billed by the hour
  const publicIps: ComponentSpec[] = d.egress === "public-subnets" ? [{ kind: "public-ipv4", count: svc.tasks }] : [];
  const id = compute === "worker" ? "worker" : "app";
  const role = compute === "worker" ? "queue consumers on ECS Fargate, scaled on backlog per task" : "API tasks on ECS Fargate, target tracking on CPU";
  return [
    draft(
      id,
      "ecs-service",
      `${role} (${svc.tasks}-${svc.maxTasks} tasks, ${arch})`,
      [{ kind: "fargate", vcpu: svc.cpu, memoryGb: gib(svc.memoryMb), tasks: svc.tasks, architecture: arch, capacity: d.capacity }, ...publicIps],
      { size: `${svc.cpu} vCPU / ${svc.memoryMb} MiB`, count: svc.tasks, depends_on: deps },
    ),
  ];
}

function dataDrafts(d: Design, s: Sized, kms: string[]): Draft[] {
  const out: Draft[] = [];
  const db = s.database;
  if (db?.engine.startsWith("aurora-")) {
    // writer plus readers: the read replicas the load needs, and at least one reader in a second AZ
    const instances = 1 + Math.max(db.readReplicas, db.multiAz ? 1 : 0);
    const name = db.engine === "aurora-mysql" ? "Aurora MySQL" : "Aurora PostgreSQL";
    const cluster = draft(
      "db",
      "aurora-cluster",
      `${name} ${engineVersion(db.engine)} cluster: writer and ${instances - 1} reader(s) across AZs, storage replicated six ways over three AZs`,
      [{ kind: "aurora-instance", instanceClass: db.instanceClass, count: instances }, { kind: "aurora-storage" }],
      { size: db.instanceClass, count: instances, optional: !d.pattern.def.databaseByDefault, depends_on: ["vpc", ...kms] },
    );
    out.push(cluster);
  } else if (db) {
    const engine = db.engine === "mysql" ? "mysql" : "postgres";
    const kind = engine === "mysql" ? "rds-mysql" : "rds-postgres";
    const name = engine === "mysql" ? "MySQL" : "Postgres";
    const rds = { kind: "rds", engine, instanceClass: db.instanceClass, storageGb: db.storageGb, storageType: "gp3" } as const;
    out.push(
      draft(
        "db",
        kind,
        `${name} ${engineVersion(db.engine)} primary, ${db.multiAz ? "Multi-AZ" : "Single-AZ"}, ${db.storageGb} GB gp3 (autoscaling to ${db.maxStorageGb} GB)`,
        [{ ...rds, multiAz: db.multiAz }],
        { size: db.instanceClass, optional: !d.pattern.def.databaseByDefault, depends_on: ["vpc", ...kms] },
      ),
    );
    if (db.readReplicas > 0) {
      out.push(
        draft("db-replica", kind, `${name} read replica${db.readReplicas > 1 ? "s" : ""} in another AZ`, [{ ...rds, multiAz: false, count: db.readReplicas }], {
          size: db.instanceClass,
          count: db.readReplicas,
          optional: db.readReplicas > db.requiredReplicas,
          depends_on: ["db"],
        }),
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
    const vpc = d.existingVpc
      ? `existing VPC ${d.existingVpc.vpc_id}${existing ? ` (${existing.name})` : ""}, read with data sources; nothing created in its place`
      : `VPC across ${d.azCount} AZ(s), private subnets for compute and data`;
    const vpcDraft = draft("vpc", "vpc", vpc, []);
    if (d.existingVpc)
      vpcDraft.unpriced.push(`vpc: egress through ${d.existingVpc.vpc_id}'s own routes (its NAT gateways and their data processing are not in this plan)`);
    drafts.push(vpcDraft);
  }
  if (hasVpc && d.natCount > 0) {
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
  }
  if (hasVpc) {
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
  if (d.waf) {
    // two AWS managed rule groups (common, known bad inputs), each billed as a rule; requests are usage
    drafts.push(
      draft(
        "waf",
        "waf",
        `AWS WAF web ACL on the ${ingress === "cloudfront" ? "distribution" : "load balancer"}: managed common and known-bad-inputs rule groups`,
        [{ kind: "waf", rules: 2 }],
        {
          depends_on: [ingress === "cloudfront" ? "cdn" : "alb"],
        },
      ),
    );
  }
  const endpoints = vpcEndpointsFor(d);
  if (endpoints.length > 0) {
    const interfaces = endpoints.filter((service) => service !== "s3");
    const azs = networkFor(d).private_subnets.length;
    drafts.push(
      draft(
        "endpoints",
        "vpc-endpoint",
        `VPC endpoints: ${endpoints.includes("s3") ? "S3 (gateway, free)" : ""}${interfaces.length > 0 ? `${endpoints.includes("s3") ? "; " : ""}${interfaces.join(", ")} (interface, in ${azs} AZs)` : ""}`,
        interfaces.length > 0 ? [{ kind: "vpc-endpoint", type: "interface", azs, count: interfaces.length }] : [],
        { count: endpoints.length, depends_on: ["vpc"] },
      ),
    );
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
  const unmonitored = new Set(["vpc", "ecr-repository", "secrets", "kms-key", "eks-cluster", "s3-bucket", "vpc-endpoint", "waf"]);
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
