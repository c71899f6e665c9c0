import type { PlanSpec } from "../../schemas/plan.js";
import { dollars } from "./bill.js";
import type { Evaluated } from "./budget-fit.js";
import { see } from "./cite.js";
import type { AvailabilityPart } from "./redundancy.js";
import { GROWTH_CAP } from "./sizing.js";
import { maxConnections } from "./sizing-db.js";

type Risk = PlanSpec["risks"][number];
type Citation = PlanSpec["citations"][number];

/** Everything the risk register reads. */
export interface RiskInput {
  evaluated: Evaluated;
  capCents: number;
  status: "OK" | "WARN" | "OVER";
  estimatedAvailability: number;
  parts: readonly AvailabilityPart[];
  citations: readonly Citation[];
  /** Risks carried from validator findings. */
  carried: readonly Risk[];
  /** compute.image is a placeholder the release pipeline must replace. */
  imagePlaceholder: boolean;
}

/** Connections each task or pod opens to Postgres (a typical pool size). */
const POOL_PER_TASK = 10;

/**
 * Unpriced lines that move with request or message traffic: missing them understates the total,
 * not only rounds it. (Logs of batch jobs and static sites, backups, key and secret calls are small.)
 */
const TRAFFIC_LINE = /capacity units|data processed|data transfer|https requests|^queue: requests/i;

/**
 * How much of the total rests on usage assumptions, and what usage is still unpriced. High when
 * usage is half the total or more; medium from a fifth, or when a traffic-driven line is unpriced.
 */
export function usageCostRisk(bill: Evaluated["bill"]): Omit<Risk, "id"> | null {
  if (bill.usageCents === 0 && bill.usageBased.length === 0) return null;
  const share = bill.totalCents > 0 ? bill.usageCents / bill.totalCents : 0;
  const traffic = bill.usageBased.filter((item) => TRAFFIC_LINE.test(item));
  const severity: Risk["severity"] = share >= 0.5 ? "high" : share >= 0.2 || traffic.length > 0 ? "medium" : "low";
  const percent = (share * 100).toFixed(1);
  const priced =
    bill.usageCents > 0
      ? `Usage is ${percent} % of the total (${dollars(bill.usageCents)} of ${dollars(bill.totalCents)}), priced from the assumptions in cost.usage_assumptions`
      : "No usage is priced in the total";
  const unpriced = bill.usageBased.length > 0 ? `; ${bill.usageBased.length} usage-based item(s) are still unpriced (cost.usage_based lists them)` : "";
  const check =
    bill.usageCents > 0
      ? "Check cost.usage_assumptions against real traffic and correct them in the goal's usage_assumptions; set an AWS Budgets alert and compare with the first month of Cost Explorer data."
      : "Estimate usage from the first month of Cost Explorer data and revisit the budget.";
  const missing = traffic.length > 0 ? ` Traffic-driven lines not in the total: ${traffic.join(", ")}.` : "";
  return { title: `${priced}${unpriced}`, severity, mitigation: `${check}${missing}` };
}

/** The risk register, sorted by id. */
export function risksFor(input: RiskInput): Risk[] {
  const { design: d, sized: s, bill } = input.evaluated;
  const goal = d.goal;
  const slo = goal.slo.availability;
  const prod = goal.environment === "prod";
  const c = input.citations;
  const risks: Risk[] = [...input.carried];
  const add = (id: string, title: string, severity: Risk["severity"], mitigation: string) => risks.push({ id, title, severity, mitigation });

  if (input.estimatedAvailability < slo) {
    const chain = input.parts.map((p) => `${p.name} ${p.percent}`).join(" × ");
    add(
      "availability-below-slo",
      `Composite of published SLAs (${chain} = ${input.estimatedAvailability} %) is below the ${slo} % objective`,
      slo - input.estimatedAvailability >= 0.1 ? "high" : "medium",
      `Degrade gracefully when a dependency fails (cached reads, queued writes), retry with backoff across AZs, and treat >= 99.99 % as a multi-region or cell-based design${see(c, "database")}.`,
    );
  }
  if (d.natCount === 1 && d.azCount >= 2) {
    add(
      "single-nat-gateway",
      "One NAT gateway serves every AZ: losing its AZ stops outbound calls (image pulls, AWS APIs) from the others",
      d.redundancy.natPerAz ? "high" : "low",
      `Add a NAT gateway per AZ ($36.50/month each with its IP) when the budget allows; add the free S3 gateway endpoint either way${see(c, "nat")}.`,
    );
  }
  if (d.pattern.platform !== "none" && d.azCount === 1) {
    add(
      "single-az",
      "Compute runs in one AZ: an AZ outage takes the service down",
      prod ? "high" : "medium",
      `Accepted for a ${slo} % objective outside prod; move to two AZs before raising the SLO.`,
    );
  }
  if (s.database && !s.database.multiAz) {
    add(
      "single-az-database",
      "Single-AZ database: an instance or AZ failure means a restore from backup (1-4 h)",
      prod ? "high" : "low",
      `Switch to Multi-AZ for anything above 99.5 %; keep automated backups and test a point-in-time restore${see(c, "database")}.`,
    );
  }
  if (s.database && prod && s.database.rung.burstable) {
    add(
      "burstable-database",
      `Burstable ${s.database.rung.instanceClass} in prod can run out of CPU credits under sustained load`,
      "medium",
      "The CPUCreditBalance alarm warns early; move to db.m6g.large when the budget allows.",
    );
  }
  if (s.database && s.service) {
    const limit = maxConnections(s.database.rung.memoryGb);
    const wanted = s.service.maxTasks * POOL_PER_TASK;
    if (wanted > limit * 0.8) {
      add(
        "db-connection-exhaustion",
        `At ${s.service.maxTasks} tasks × ${POOL_PER_TASK} pooled connections (${wanted}) the database's ~${limit} connections run out`,
        "high",
        `Put RDS Proxy or PgBouncer (transaction pooling) in front of Postgres, or cap the pool per task${see(c, "connections")}.`,
      );
    }
  }
  if (input.status === "WARN") {
    add(
      "budget-warn",
      `Estimate ${dollars(bill.totalCents)} is at least 80 % of the ${dollars(input.capCents)} cap`,
      "medium",
      `Usage-based items come on top; set an AWS Budgets alert at 80 % and review right-sizing monthly${see(c, "cost")}.`,
    );
  }
  const usageRisk = usageCostRisk(bill);
  if (usageRisk) add("usage-based-costs", usageRisk.title, usageRisk.severity, usageRisk.mitigation);
  if (d.arch === "arm64") {
    add(
      "arm64-images",
      "Compute runs on Graviton (arm64): x86-only images will not start",
      "low",
      "Build multi-arch images in CI (docker buildx --platform linux/amd64,linux/arm64) and test on arm64.",
    );
  }
  if ((1 + goal.workload.growth_percent_per_month / 100) ** 12 > GROWTH_CAP) {
    add(
      "growth-capped",
      `12-month growth was capped at ${GROWTH_CAP}× when sizing`,
      "medium",
      `Revisit capacity quarterly; autoscaling maximums allow ${s.service ? `${s.service.maxTasks} tasks` : "scale-out"} meanwhile${see(c, "sizing")}.`,
    );
  }
  if (goal.workload.needs_cache && !d.cache) {
    add(
      "no-cache",
      "The goal asks for a cache but the design has none",
      "medium",
      `Hot reads go to Postgres; watch p95 latency and database CPU, and add Redis when the budget allows${see(c, "latency")}.`,
    );
  }
  if (goal.compliance.includes("pci") || goal.compliance.includes("hipaa")) {
    add(
      "compliance-scope",
      `${goal.compliance.join(", ").toUpperCase()} needs controls beyond this plan`,
      "medium",
      "Add WAF, CloudTrail data events, access reviews and evidence collection; the plan covers encryption, least privilege and retention only.",
    );
  }
  if (input.imagePlaceholder) {
    add(
      "image-placeholder",
      "compute.image names the release the service's ECR repository will hold, with ACCOUNT_ID as a placeholder",
      "low",
      "Replace it with the pushed release (an immutable tag or a digest) before applying, or name the image in the goal's existing_components.",
    );
  }
  if (d.pattern.platform === "eks") {
    add(
      "eks-operations",
      "EKS adds control-plane upgrades (about every 14 months), add-ons and node patching",
      "low",
      `Use managed node groups and managed add-ons, and schedule upgrades${see(c, "kubernetes")}.`,
    );
  }
  return risks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
