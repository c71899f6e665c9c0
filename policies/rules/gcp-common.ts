import type { TerraformResource } from "../../iac/types.js";
import type { RuleContext } from "../types.js";
import { bool, literals, ofType, references, str, UNKNOWN } from "./helpers/terraform.js";

/** IAM principals that mean "anyone" (allUsers) or "anyone with a Google account" (allAuthenticatedUsers). */
export const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);

/** CIDR ranges that cover the whole internet. */
export const WHOLE_INTERNET = new Set(["0.0.0.0/0", "::/0"]);

/**
 * The literal members of an IAM member or binding resource: `member` (one principal) on
 * `*_iam_member`, `members` (a list) on `*_iam_binding`. Interpolated members are left out;
 * see {@link unresolvedMembers} for those.
 */
export function iamMembers(resource: TerraformResource): string[] {
  return [...literals(resource.attributes.member), ...literals(resource.attributes.members)].filter((member) => member !== "");
}

/** The name of the attribute holding the principals: `member` on `*_iam_member`, `members` on `*_iam_binding`. */
export function memberAttribute(resource: TerraformResource): "member" | "members" {
  return resource.attributes.member !== undefined ? "member" : "members";
}

/** True when a boolean attribute is known not to be true (absent counts as false). */
export function notTrue(value: unknown): boolean {
  const parsed = bool(value);
  return parsed !== true && parsed !== UNKNOWN;
}

/** True when a boolean attribute is explicitly false (absent is left to the provider default). */
export function explicitlyFalse(value: unknown): boolean {
  return bool(value) === false;
}

/** True when an optional attribute is absent, or the null / empty string the plan JSON gives for absent. */
export function absent(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** A string attribute in upper case, `unknown` when interpolated, undefined when absent. */
export function upper(value: unknown): string | typeof UNKNOWN | undefined {
  const text = str(value);
  return text === undefined || text === UNKNOWN ? text : text.toUpperCase();
}

/**
 * The GKE cluster a node pool belongs to, when declared in the same module: `cluster` refers
 * to it (`google_container_cluster.main.id` or `.name`) or holds its literal name.
 */
export function clusterOf(ctx: RuleContext, pool: TerraformResource): TerraformResource | undefined {
  const target = pool.attributes.cluster;
  return ofType(ctx, "google_container_cluster").find(
    (cluster) =>
      cluster.module === pool.module &&
      (references(target, cluster) || (typeof target === "string" && target !== "" && target === str(cluster.attributes.name))),
  );
}

/** True for a GKE Autopilot cluster, where Google manages nodes and their settings. */
export function autopilot(cluster: TerraformResource): boolean {
  return bool(cluster.attributes.enable_autopilot) === true;
}

/**
 * True when the cluster keeps its default node pool, so its own `node_config` describes
 * real nodes (not when `remove_default_node_pool = true`, nor on Autopilot).
 */
export function keepsDefaultPool(cluster: TerraformResource): boolean {
  return !autopilot(cluster) && bool(cluster.attributes.remove_default_node_pool) !== true;
}
