import type { PlanSpec } from "../../schemas/plan.js";

type Citation = PlanSpec["citations"][number];

/** Runbook topics risks and trade-offs point at, matched against a citation's path and headings. */
export const TOPICS = {
  sizing: /sizing|rps|hpa|autoscal|capacity/i,
  nat: /nat[-\s]gateway|\bnat\b/i,
  database: /rds|multi-az|pitr|failover|backup/i,
  connections: /connection/i,
  slo: /slo|burn|alert/i,
  cost: /cost|budget|rightsiz|savings/i,
  security: /iam|least-privilege|security|encrypt|kms/i,
  storage: /s3|bucket/i,
  kubernetes: /eks|kubernetes|pod|node/i,
  latency: /latency|p95/i,
} as const;

/**
 * ` (see databases/rds-multi-az-failover-and-pitr.md › Design guidance)` for the first citation
 * on `topic`, or "" when the retrieval step found none. Citations are never invented here.
 */
export function see(citations: readonly Citation[], topic: keyof typeof TOPICS): string {
  const pattern = TOPICS[topic];
  const hit = citations.find((c) => pattern.test(c.source) || c.heading_path.some((h) => pattern.test(h)));
  if (!hit) return "";
  const source = hit.source.replace(/^(?:\.\/)?docs\//, "");
  const heading = hit.heading_path.length > 1 ? ` › ${hit.heading_path.slice(1).join(" › ")}` : "";
  return ` (see ${source}${heading})`;
}
