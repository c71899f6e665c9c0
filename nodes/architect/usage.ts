import { type ComponentSpec, DAYS_PER_MONTH, HOURS_PER_MONTH, type UsageValues } from "../../pricing/index.js";
import type { GoalStatement } from "../../schemas/goal.js";
import type { Design, Sized } from "./design.js";
import { logRetentionDays } from "./observability.js";
import { pipelineSchedule, scheduledRuns } from "./schedule.js";

/** Seconds in the 730-hour month every price assumes. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** KiB per GB: AWS bills data transfer and processing in GB of 2^30 bytes; payloads are given in KiB. */
export const KIB_PER_GB = 1024 * 1024;
/** SQS bills each 64 KiB chunk of a message as one request (aws.amazon.com/sqs/pricing). */
export const SQS_CHUNK_KB = 64;
/**
 * One ALB LCU per hour covers 25 new connections per second or 1 GB processed per hour for
 * EC2/IP targets (also 3,000 active connections per minute and 1,000 rule evaluations per second),
 * and the hour is billed on the largest dimension (aws.amazon.com/elasticloadbalancing/pricing).
 */
export const LCU = { newConnectionsPerSecond: 25, processedGbPerHour: 1 } as const;

/** What usage prices assume when the goal's `usage_assumptions` does not say (see schemas/goal.ts). */
export const USAGE_DEFAULTS = {
  average_to_peak_ratio: 0.3,
  /** used for responses and queue messages when the goal gives no payload_kb */
  payload_kb: 10,
  log_kb_per_request: 1,
  requests_per_message: 3,
  cache_hit_ratio: 0.9,
  requests_per_connection: 10,
  image_gb: 0.5,
  deploys_per_month: 20,
} as const;

type Field = keyof NonNullable<GoalStatement["usage_assumptions"]>;

/** Monthly usage per component id, extra specs priced on a component, and what the figures rest on. */
export interface Usage {
  byComponent: Record<string, UsageValues>;
  /** Specs the drafts do not carry, priced on the named component (internet data out on the ALB). */
  extraSpecs: Record<string, ComponentSpec[]>;
  /** Assumptions behind every usage figure (the peak and the average load). */
  assumptions: string[];
  /** Assumptions behind one component's figures, shown only when that component is in the design. */
  notes: Record<string, string[]>;
}

/** A figure and where it came from: the goal, or a stated default and the field that overrides it. */
interface Setting {
  value: number;
  source: string;
}

function setting(goal: GoalStatement, field: Field, fallback: number): Setting {
  const given = goal.usage_assumptions?.[field];
  return given === undefined
    ? { value: fallback, source: `default; set usage_assumptions.${field}` }
    : { value: given, source: `from usage_assumptions.${field}` };
}

/** Response size: the goal's response_kb, else its payload_kb, else 10 KiB. */
function responseKb(goal: GoalStatement): Setting {
  if (goal.usage_assumptions?.response_kb !== undefined) return setting(goal, "response_kb", 0);
  const payload = goal.workload.payload_kb;
  if (payload !== undefined) return { value: payload, source: "workload.payload_kb; set usage_assumptions.response_kb" };
  return { value: USAGE_DEFAULTS.payload_kb, source: "default; set usage_assumptions.response_kb or workload.payload_kb" };
}

/** Queue message size: the goal's payload_kb, else 10 KiB. */
function messageKb(goal: GoalStatement): Setting {
  const payload = goal.workload.payload_kb;
  return payload === undefined
    ? { value: USAGE_DEFAULTS.payload_kb, source: "default; set workload.payload_kb" }
    : { value: payload, source: "from workload.payload_kb" };
}

const round2 = (n: number) => Math.round(Number((n * 100).toPrecision(12))) / 100;

/** `1,234,567.8`: grouped by hand so the text does not depend on the host's locale. */
export function num(n: number): string {
  const [whole = "0", frac = "00"] = round2(n).toFixed(2).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = frac.replace(/0+$/, "");
  return trimmed ? `${grouped}.${trimmed}` : grouped;
}

/** Requests (or messages) a month and the average rate, with the assumptions that produced them. */
interface Drivers {
  averageRate: number;
  events: number;
  noun: string;
}

function drivers(d: Design, s: Sized, out: Usage): Drivers {
  const goal = d.goal;
  const worker = d.pattern.def.compute === "worker";
  const field = worker ? "messages_per_second" : "requests_per_second";
  const unit = worker ? "msg/s" : "rps";
  const noun = worker ? "messages" : "requests";
  const ratio = setting(goal, "average_to_peak_ratio", USAGE_DEFAULTS.average_to_peak_ratio);
  const given = goal.workload[field] !== undefined;
  const growth = s.growth > 1 ? ` × ${s.growth} (12-month growth)` : "";
  const averageRate = s.peakRate * ratio.value;
  const events = Math.round(averageRate * SECONDS_PER_MONTH);
  out.assumptions.push(
    given
      ? `peak ${num(s.peakRate)} ${unit} from workload.${field}${growth}`
      : `peak ${num(s.peakRate)} ${unit}: the goal gives no workload.${field}, so the sizing's default is priced too`,
    `average load ${num(ratio.value * 100)} % of the ${num(s.peakRate)} ${unit} peak (${ratio.source}): ${num(averageRate)} ${unit}, ${num(events)} ${noun} a month of ${HOURS_PER_MONTH} h`,
  );
  return { averageRate, events, noun };
}

function put(out: Usage, id: string, values: UsageValues, ...notes: string[]): void {
  out.byComponent[id] = { ...out.byComponent[id], ...values };
  out.notes[id] = [...(out.notes[id] ?? []), ...notes];
}

/** ALB capacity units from processed bytes and new connections; internet data out for a public ALB. */
function albUsage(d: Design, v: Drivers, out: Usage): void {
  const goal = d.goal;
  const response = responseKb(goal);
  const requestKb = goal.workload.payload_kb ?? 0;
  const perConnection = setting(goal, "requests_per_connection", USAGE_DEFAULTS.requests_per_connection);
  const processedGbPerHour = (v.events * (requestKb + response.value)) / KIB_PER_GB / HOURS_PER_MONTH;
  const newConnections = v.averageRate / perConnection.value;
  const lcus = Math.max(processedGbPerHour / LCU.processedGbPerHour, newConnections / LCU.newConnectionsPerSecond);
  const lcuHours = round2(lcus * HOURS_PER_MONTH);
  const requestText = requestKb > 0 ? `${num(requestKb)} KiB requests (workload.payload_kb) + ` : "request bodies not counted (no workload.payload_kb) + ";
  put(
    out,
    "alb",
    { monthly_lcu_hours: lcuHours },
    `ALB: ${requestText}${num(response.value)} KiB responses (${response.source}) = ${num(processedGbPerHour)} GB processed per hour; ` +
      `one new connection per ${num(perConnection.value)} requests (keep-alive; ${perConnection.source}) = ${num(newConnections)}/s; ` +
      `LCU-hours = max(${num(processedGbPerHour)} GB/h ÷ ${LCU.processedGbPerHour}, ${num(newConnections)}/s ÷ ${LCU.newConnectionsPerSecond}) × ${HOURS_PER_MONTH} h = ${num(lcuHours)} (active connections and rule evaluations assumed within them)`,
  );
  if (d.pattern.def.ingress !== "alb-public") return;
  const gb = round2((v.events * response.value) / KIB_PER_GB);
  out.extraSpecs.alb = [...(out.extraSpecs.alb ?? []), { kind: "data-transfer" }];
  put(
    out,
    "alb",
    { monthly_gb: gb },
    `data out to the internet (priced on the alb line): ${num(v.events)} responses × ${num(response.value)} KiB (${response.source}) = ${num(gb)} GB at the first-tier rate (cheaper tiers above 10 TB not applied)`,
  );
}

/** CloudFront requests and data out; S3 GETs for the cache misses. */
function siteUsage(d: Design, v: Drivers, out: Usage): void {
  const response = responseKb(d.goal);
  const hit = setting(d.goal, "cache_hit_ratio", USAGE_DEFAULTS.cache_hit_ratio);
  const gb = round2((v.events * response.value) / KIB_PER_GB);
  const misses = Math.round(v.events * (1 - hit.value));
  put(
    out,
    "cdn",
    { monthly_https_requests: v.events, monthly_data_transfer_gb: gb },
    `CloudFront: ${num(v.events)} HTTPS requests; ${num(v.events)} × ${num(response.value)} KiB (${response.source}) = ${num(gb)} GB out at the North America/Europe rate`,
  );
  put(
    out,
    "site-bucket",
    { monthly_get_requests: misses },
    `S3 GETs: cache misses only, ${num(v.events)} × (1 − ${num(hit.value)} hit ratio; ${hit.source}) = ${num(misses)}; uploads (PUTs) not priced: the object count is unknown`,
  );
}

/** SQS requests on the main queue: send, receive and delete per message, per 64 KiB chunk. */
function queueUsage(d: Design, v: Drivers, out: Usage): void {
  const perMessage = setting(d.goal, "requests_per_message", USAGE_DEFAULTS.requests_per_message);
  const size = messageKb(d.goal);
  const chunks = Math.max(1, Math.ceil(size.value / SQS_CHUNK_KB));
  const requests = Math.round(v.events * perMessage.value * chunks);
  put(
    out,
    "queue",
    { monthly_requests: requests },
    `SQS: ${num(v.events)} messages × ${num(perMessage.value)} requests (send, receive, delete; ${perMessage.source}) × ${chunks} chunk(s) of 64 KiB for ${num(size.value)} KiB messages (${size.source}) = ${num(requests)} requests; the dead-letter queue's few requests are not priced`,
  );
}

/** CloudWatch Logs ingestion per request or message, and the steady-state archive over the retention. */
function logUsage(d: Design, v: Drivers, out: Usage): number {
  const perEvent = setting(d.goal, "log_kb_per_request", USAGE_DEFAULTS.log_kb_per_request);
  const gb = round2((v.events * perEvent.value) / KIB_PER_GB);
  const days = logRetentionDays(d);
  const stored = round2((gb / DAYS_PER_MONTH) * days);
  put(
    out,
    "alarms",
    { monthly_ingested_gb: gb, storage_gb: stored },
    `CloudWatch Logs: ${num(v.events)} ${v.noun} × ${num(perEvent.value)} KiB (${perEvent.source}) = ${num(gb)} GB ingested; ` +
      `${num(stored)} GB stored once ${days} days of retention fill up (uncompressed size: an upper bound)`,
  );
  return gb;
}

/** Aurora bills the data stored: the sizing's storage figure (data after growth); I/O stays unpriced. */
function auroraUsage(s: Sized, out: Usage): void {
  const db = s.database;
  if (!db?.engine.startsWith("aurora-")) return;
  put(
    out,
    "db",
    { storage_gb: db.storageGb },
    `Aurora storage: ${num(db.storageGb)} GB, the sizing's figure for the data after 12-month growth with 30 % headroom, at least 20 GB (workload.data_size_gb, 10 GB by default; an upper bound: Aurora bills what is stored); I/O requests not priced: they depend on the query mix and cache hit rate`,
  );
}

/** Image pulls a month: every task start pulls the image (Fargate keeps no cache); EKS nodes pull once per deploy. */
function imagePulls(d: Design, s: Sized): { pulls: number; why: string } {
  const deploys = setting(d.goal, "deploys_per_month", USAGE_DEFAULTS.deploys_per_month);
  if (d.pattern.platform === "eks" && s.nodes) {
    return { pulls: s.nodes.nodes * deploys.value, why: `${s.nodes.nodes} nodes × ${num(deploys.value)} deploys (${deploys.source})` };
  }
  if (s.pipeline) {
    const runs = scheduledRuns(pipelineSchedule(s.pipeline)).runsPerMonth;
    return { pulls: s.pipeline.tasks * runs, why: `${s.pipeline.tasks} tasks × ${num(runs)} runs` };
  }
  const tasks = s.service?.tasks ?? 0;
  return { pulls: tasks * deploys.value, why: `${tasks} tasks × ${num(deploys.value)} deploys (${deploys.source})` };
}

/** NAT data processed: what private tasks send or fetch through NAT that the plan can count. */
function natUsage(d: Design, s: Sized, v: Drivers | null, logsGb: number, out: Usage): void {
  if (d.pattern.platform === "none" || d.egress !== "nat" || d.natCount === 0) return;
  const image = setting(d.goal, "image_gb", USAGE_DEFAULTS.image_gb);
  const { pulls, why } = imagePulls(d, s);
  const imagesGb = pulls * image.value;
  const parts = [`image pulls ${why} × ${num(image.value)} GB (${image.source}) = ${num(imagesGb)} GB`];
  if (logsGb > 0) parts.push(`log shipping to CloudWatch ${num(logsGb)} GB`);
  let queueGb = 0;
  if (v && d.pattern.def.compute === "worker") {
    const size = messageKb(d.goal);
    queueGb = (v.events * size.value) / KIB_PER_GB;
    parts.push(`SQS message bodies ${num(v.events)} × ${num(size.value)} KiB = ${num(queueGb)} GB`);
  }
  const gb = round2(imagesGb + logsGb + queueGb);
  put(
    out,
    "nat",
    { monthly_data_processed_gb: gb },
    `NAT data processed: ${parts.join(" + ")} = ${num(gb)} GB; not counted: S3 traffic (free through an S3 gateway endpoint) and calls to outside APIs`,
  );
}

/**
 * Monthly usage of a design from the goal's own drivers: the peak rate the sizing uses, an
 * average-to-peak ratio, and per-request sizes, each default named with the field that
 * overrides it. Only what the goal's workload implies is priced; anything else stays unpriced.
 */
export function usageFor(design: Design, sized: Sized): Usage {
  const out: Usage = { byComponent: {}, extraSpecs: {}, assumptions: [], notes: {} };
  const compute = design.pattern.def.compute;
  const ingress = design.pattern.def.ingress;
  const v = sized.peakRate > 0 && compute !== "scheduled" ? drivers(design, sized, out) : null;
  let logsGb = 0;
  if (v) {
    if (ingress === "alb-public" || ingress === "alb-internal") albUsage(design, v, out);
    if (ingress === "cloudfront") siteUsage(design, v, out);
    if (compute === "worker") queueUsage(design, v, out);
    if (compute === "service" || compute === "worker") logsGb = logUsage(design, v, out);
  }
  natUsage(design, sized, v, logsGb, out);
  auroraUsage(sized, out);
  return out;
}
