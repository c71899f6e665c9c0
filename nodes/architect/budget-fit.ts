import { type Bill, cents, dollars, priceDrafts } from "./bill.js";
import { draftsFor } from "./components.js";
import { familyAllowed } from "./constraints/intent.js";
import { type Design, type Sized, type StepId, sizeDesign } from "./design.js";
import { DB_LADDER, dbRung } from "./sizing-db.js";
import { meetsSlo } from "./slo.js";
import { usageFor } from "./usage.js";

/** A design with its sizing and its priced bill. */
export interface Evaluated {
  design: Design;
  sized: Sized;
  bill: Bill;
}

/** Sizes and prices a design. */
export function evaluate(design: Design): Evaluated {
  const sized = sizeDesign(design);
  return { design, sized, bill: priceDrafts(draftsFor(design, sized), design.goal.region, usageFor(design, sized)) };
}

interface Step {
  id: StepId;
  /** The next cheaper design and what changed, or null when the step does not apply. */
  apply(d: Design, s: Sized): { design: Design; note: string } | null;
  repeatable?: boolean;
}

/**
 * Downsizing steps in the fixed order they are tried. Cheapest loss of capability first:
 * Graviton nodes cost nothing but an arm64 image; optional components go next; then classes
 * down to what the sizing needs; then redundancy, only as far as the SLO allows.
 */
export const STEPS: readonly Step[] = [
  {
    id: "spot",
    // interruptible work only (queue consumers retry, scheduled runs restart); in prod only when a
    // constraint allows it. Before Graviton: Spot saves more, and Fargate Spot runs x86_64 tasks only.
    apply: (d) =>
      d.capacity === "on-demand" &&
      d.arch === "x86_64" &&
      d.pattern.platform === "ecs-fargate" &&
      (d.pattern.def.compute === "worker" || d.pattern.def.compute === "scheduled") &&
      d.intent.spot !== "spot-forbidden" &&
      (d.goal.environment !== "prod" || d.intent.spot === "spot-allowed")
        ? { design: { ...d, capacity: "spot" }, note: "Fargate Spot for interruptible work (a reclaimed task's messages or run are retried)" }
        : null,
  },
  {
    id: "graviton",
    // Fargate tasks (runtime_platform ARM64) and EKS nodes (m7g, t4g); unless a constraint asks for x86
    apply: (d) =>
      d.arch === "x86_64" && d.pattern.platform !== "none" && d.intent.arch !== "x86_64" && d.capacity !== "spot"
        ? {
            design: { ...d, arch: "arm64" },
            note: `Graviton (arm64) ${d.pattern.platform === "eks" ? "EKS nodes" : "Fargate tasks"}: images must be built for linux/arm64`,
          }
        : null,
  },
  {
    id: "drop-read-replicas",
    apply: (d, s) =>
      d.database && s.database && s.database.readReplicas > s.database.requiredReplicas
        ? {
            design: { ...d, database: { ...d.database, readReplicas: s.database.requiredReplicas } },
            note: `drop ${s.database.readReplicas - s.database.requiredReplicas} optional read replica(s)`,
          }
        : null,
  },
  {
    id: "drop-cache",
    apply: (d) => (d.cache ? { design: { ...d, cache: false }, note: "drop the optional Redis cache; the database takes the full read load" } : null),
  },
  {
    id: "no-nat",
    // outside prod, tasks can reach the internet from public subnets: a NAT gateway is ~$33/month
    // plus data processing; not when a constraint wants NAT or private-only, nor in a VPC Atlas did not make
    apply: (d) =>
      d.egress === "nat" &&
      d.natCount > 0 &&
      d.goal.environment !== "prod" &&
      d.intent.nat === undefined &&
      !d.intent.controls.has("private-only") &&
      d.existingVpc === null
        ? {
            design: { ...d, egress: "public-subnets", natCount: 0 },
            note: "no NAT gateway: tasks run in public subnets with a public IP, their security group admitting only the load balancer",
          }
        : null,
  },
  {
    id: "smaller-db-class",
    repeatable: true,
    apply: (d, s) => {
      if (!d.database || !s.database) return null;
      const index = DB_LADDER.findIndex((r) => r.instanceClass === s.database?.rung.instanceClass);
      let lower = index - 1;
      while (lower >= s.database.minimumRung && !familyAllowed(d.intent, dbRung(lower).instanceClass)) lower--;
      if (lower < s.database.minimumRung) return null;
      const next = dbRung(lower);
      return {
        design: { ...d, database: { ...d.database, rung: lower } },
        note: `database ${s.database.rung.instanceClass} → ${next.instanceClass} (sizing needs ${dbRung(s.database.minimumRung).instanceClass} for ${s.database.load} qps)`,
      };
    },
  },
  {
    id: "single-nat",
    apply: (d) => (d.natCount > 1 ? { design: { ...d, natCount: 1 }, note: `one shared NAT gateway instead of ${d.natCount}` } : null),
  },
  {
    id: "fewer-azs",
    repeatable: true,
    apply: (d) =>
      d.pattern.platform !== "none" && d.azCount > d.redundancy.azMinimum
        ? {
            design: { ...d, azCount: d.azCount - 1, natCount: Math.min(d.natCount, d.azCount - 1) },
            note: `${d.azCount} → ${d.azCount - 1} AZs (the ${d.goal.slo.availability} % SLO allows ${d.redundancy.azMinimum})`,
          }
        : null,
  },
  {
    id: "single-az-db",
    apply: (d) =>
      d.database?.multiAz && !d.redundancy.dbMultiAzRequired
        ? { design: { ...d, database: { ...d.database, multiAz: false } }, note: "single-AZ database (the SLO allows it)" }
        : null,
  },
  {
    id: "drop-waf",
    // a WAF the goal's compliance implies goes last; one a constraint asks for stays
    apply: (d) =>
      d.waf && !d.intent.controls.has("waf") ? { design: { ...d, waf: false }, note: "no WAF (the compliance risk stays listed for the approver)" } : null,
  },
];

/** Outcome of fitting: the cheapest design tried, whether it fits, and the steps taken. */
export interface FitResult extends Evaluated {
  fits: boolean;
  notes: string[];
  applied: StepId[];
}

/** Options for `fitBudget`. */
export interface FitOptions {
  /** Apply at least one step even when the design fits (the validator found it over budget). */
  forceOne?: boolean;
  /** Steps an earlier version applied for the validator; re-applied first so versions do not flip-flop. */
  carriedSteps?: readonly StepId[];
}

/**
 * Applies steps in order, each only while the total is above `targetCents` and only when it
 * lowers the total, until the design fits. Steps taken while the design already fits (forced
 * by a validator cost finding) are noted as `validator` so later versions carry them. Pinned
 * steps are skipped.
 */
export function fitBudget(start: Design, targetCents: number, options: FitOptions = {}): FitResult {
  let current = evaluate(start);
  let owed = options.forceOne ?? false;
  const notes: string[] = [];
  const applied: StepId[] = [];
  const take = (step: Step, forced: boolean, suffix: string): boolean => {
    const next = step.apply(current.design, current.sized);
    if (!next) return false;
    const candidate = evaluate(next.design);
    if (candidate.bill.totalCents >= current.bill.totalCents) return false;
    // no saving may take the design below its availability objective (the SLO gate)
    if (meetsSlo(current.design, current.sized) && !meetsSlo(candidate.design, candidate.sized)) return false;
    const why = forced ? `${step.id}, validator` : step.id;
    notes.push(`budget-fit (${why}): ${next.note}; ${dollars(current.bill.totalCents)} → ${dollars(candidate.bill.totalCents)}/month${suffix}`);
    applied.push(step.id);
    current = candidate;
    return true;
  };
  for (const step of STEPS) {
    if (!start.pins.has(step.id) && options.carriedSteps?.includes(step.id)) take(step, true, " (carried from the previous version)");
  }
  const done = () => current.bill.totalCents <= targetCents && !owed;
  for (const step of STEPS) {
    if (start.pins.has(step.id)) continue;
    while (!done()) {
      const forced = current.bill.totalCents <= targetCents;
      if (!take(step, forced, "")) break;
      owed = false;
      if (!step.repeatable) break;
    }
  }
  return { ...current, fits: done(), notes, applied };
}

const SHORT: Partial<Record<Bill["components"][number]["kind"], string>> = {
  alb: "ALB",
  "nat-gateway": "NAT gateway",
  "ecs-service": "Fargate",
  "eks-cluster": "EKS control plane",
  "eks-node-group": "EKS nodes",
  "rds-postgres": "RDS Postgres",
  "elasticache-redis": "Redis",
  "s3-bucket": "S3",
  "cloudwatch-alarms": "CloudWatch alarms",
  secrets: "Secrets Manager",
  "kms-key": "KMS key",
};

/** `2× Fargate 0.5 vCPU / 1024 MiB`, `RDS Postgres db.t4g.micro Multi-AZ`: what a line of the sum buys. */
function label(c: Bill["components"][number], fit: FitResult): string {
  const count = c.count > 1 ? `${c.count}× ` : "";
  const multiAz = c.id === "db" && fit.sized.database?.multiAz ? " Multi-AZ" : "";
  return `${count}${SHORT[c.kind] ?? c.kind}${c.size ? ` ${c.size}` : ""}${multiAz}`;
}

/**
 * Arithmetic for a blocked plan: every priced component of the cheapest design the SLO and
 * sizing allow, their sum against the cap, and what would unblock it.
 */
export function blockedArithmetic(fit: FitResult, capCents: number, targetCents: number): string[] {
  const goal = fit.design.goal;
  const priced = fit.bill.components.filter((c) => c.monthly_usd > 0);
  const total = fit.bill.totalCents;
  const lines = priced.map((c) => {
    const detail = fit.bill.breakdown.find((b) => b.component_id === c.id)?.detail ?? "";
    return `${c.id}: ${label(c, fit)} ${dollars(cents(c.monthly_usd))} (${detail})`;
  });
  const sum = priced.map((c) => `${label(c, fit)} ${dollars(cents(c.monthly_usd))}`).join(" + ");
  const limit =
    targetCents < capCents
      ? `target ${dollars(targetCents)} (cap ${dollars(capCents)} less what the validator priced beyond the plan)`
      : `cap ${dollars(capCents)}`;
  return [
    `cheapest design that keeps the sizing and the ${goal.slo.availability} % SLO in ${goal.region} (${goal.environment}):`,
    ...lines,
    `minimum: ${sum} = ${dollars(total)} > ${limit}`,
    `short by ${dollars(total - targetCents)}; the total is fixed ${dollars(fit.bill.fixedCents)} + usage ${dollars(fit.bill.usageCents)} (traffic, requests, data processed, as cost.usage_assumptions states)`,
    `downsizing already applied: ${fit.applied.length > 0 ? fit.applied.join(", ") : "none available"}`,
    `to unblock: raise the budget to at least ${dollars(total)}/month`,
  ];
}
