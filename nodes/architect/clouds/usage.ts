import type { GoalStatement } from "../../../schemas/goal.js";
import { KIB_PER_GB, num, SECONDS_PER_MONTH, USAGE_DEFAULTS } from "../usage.js";
import type { CloudDesign, CloudSized } from "./design.js";

/** Monthly traffic figures usage prices rest on, with the assumptions behind them. */
export interface Traffic {
  /** requests a month (web and internal services; static-site requests to the edge) */
  requests: number;
  /** messages a month (workers) */
  messages: number;
  /** GB a month sent to clients */
  outboundGb: number;
  /** GB of application logs a month */
  logGb: number;
  /** average message size, KiB */
  messageKb: number;
  /** share of static-site requests served from the edge cache */
  cacheHitRatio: number;
  /** image GB pulled a month (deploys × replicas × image size) */
  imagePullGb: number;
  assumptions: string[];
}

type Field = keyof NonNullable<GoalStatement["usage_assumptions"]>;

function figure(goal: GoalStatement, field: Field, fallback: number): { value: number; source: string } {
  const given = goal.usage_assumptions?.[field];
  return given === undefined
    ? { value: fallback, source: `default; set usage_assumptions.${field}` }
    : { value: given, source: `from usage_assumptions.${field}` };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/**
 * The month's traffic at the average load: the same defaults and fields as the AWS planner's
 * usage (nodes/architect/usage.ts), so a goal's usage_assumptions mean the same on every cloud.
 */
export function trafficFor(d: CloudDesign, s: CloudSized): Traffic {
  const goal = d.goal;
  const avg = figure(goal, "average_to_peak_ratio", USAGE_DEFAULTS.average_to_peak_ratio);
  const payload = goal.workload.payload_kb;
  const response =
    goal.usage_assumptions?.response_kb !== undefined
      ? figure(goal, "response_kb", 0)
      : payload !== undefined
        ? { value: payload, source: "workload.payload_kb; set usage_assumptions.response_kb" }
        : { value: USAGE_DEFAULTS.payload_kb, source: "default; set usage_assumptions.response_kb or workload.payload_kb" };
  const logKb = figure(goal, "log_kb_per_request", USAGE_DEFAULTS.log_kb_per_request);
  const hit = figure(goal, "cache_hit_ratio", USAGE_DEFAULTS.cache_hit_ratio);
  const image = figure(goal, "image_gb", USAGE_DEFAULTS.image_gb);
  const deploys = figure(goal, "deploys_per_month", USAGE_DEFAULTS.deploys_per_month);
  const worker = goal.workload.type === "worker";
  const perMonth = Math.round(s.peak * avg.value * SECONDS_PER_MONTH);
  const requests = worker || goal.workload.type === "data-pipeline" ? 0 : perMonth;
  const messages = worker ? perMonth : 0;
  const messageKb = payload ?? USAGE_DEFAULTS.payload_kb;
  const outboundGb = round((requests * response.value) / KIB_PER_GB);
  const logGb = round(((requests + messages) * logKb.value) / KIB_PER_GB);
  const replicas = s.service?.tasks ?? 0;
  const imagePullGb = round(deploys.value * replicas * image.value);
  const assumptions = [
    `peak ${num(s.peak)}/s after 12 months' growth; average load ${avg.value} of the peak (${avg.source})`,
    ...(requests > 0 ? [`${num(requests)} requests a month, ${response.value} KiB each to clients (${response.source})`] : []),
    ...(messages > 0 ? [`${num(messages)} messages a month of ${messageKb} KiB`] : []),
    ...(requests + messages > 0 ? [`${logKb.value} KiB of logs per request or message (${logKb.source})`] : []),
    ...(goal.workload.type === "static-site" ? [`${hit.value} of requests served from the edge cache (${hit.source})`] : []),
    ...(replicas > 0 ? [`${deploys.value} deploys a month (${deploys.source}), ${image.value} GB image (${image.source})`] : []),
  ];
  return { requests, messages, outboundGb, logGb, messageKb, cacheHitRatio: hit.value, imagePullGb, assumptions };
}
