import type { PlanSpec } from "../../schemas/plan.js";

/**
 * What the workload is, which decides the objects it gets:
 * - `scheduled`: runs on `compute.schedule`: a CronJob, nothing serving;
 * - `public-web`: a public entry (Front Door, HTTPS load balancer): Service and public Ingress;
 * - `internal-web`: an internal entry, or an internal-service pattern: Service and internal Ingress;
 * - `worker`: no entry at all (a queue worker): a Deployment without Service or Ingress.
 */
export type WorkloadRole = "scheduled" | "public-web" | "internal-web" | "worker";

/** The role of the plan's workload (see {@link WorkloadRole}). */
export function workloadRole(plan: PlanSpec): WorkloadRole {
  if (plan.compute.schedule !== null) return "scheduled";
  const { ingress } = plan.network;
  if (ingress.type !== "none" && ingress.public) return "public-web";
  if (ingress.type !== "none" || plan.pattern.includes("internal-service")) return "internal-web";
  return "worker";
}

/** True when the workload takes requests: it gets a Service, an Ingress and probes-backed load balancing. */
export function serves(role: WorkloadRole): boolean {
  return role === "public-web" || role === "internal-web";
}
