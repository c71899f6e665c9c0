import type { TerraformResource } from "../../iac/types.js";
import type { ComponentSpec } from "../component-spec.js";
import { isExpression, Unpriceable } from "./attributes.js";

/**
 * Usage figures Terraform has no argument for travel as tags the builder writes, so the
 * validator can price the HCL on its own with the same assumptions as the plan:
 *
 * - `atlas_expected_run_minutes` on an `aws_ecs_task_definition`: minutes one scheduled run
 *   of the task lasts. Without it a scheduled task is priced at `DEFAULT_RUN_MINUTES`, and
 *   the cost line says so.
 * - `atlas_expected_storage_gb` on an `aws_s3_bucket`: GB the bucket is expected to hold.
 *   Without it storage stays usage-based (no figure, no cost), as before.
 *
 * A tag that is present but not a positive number is an error (`Unpriceable`), never a guess.
 */
export const RUN_MINUTES_TAG = "atlas_expected_run_minutes";
export const STORAGE_GB_TAG = "atlas_expected_storage_gb";

/** Minutes per run assumed for a scheduled task whose definition has no run-minutes tag. */
export const DEFAULT_RUN_MINUTES = 60;

/**
 * The number a usage tag holds; undefined when the resource has no such tag, `unknown` when
 * its tags are an expression (`merge(local.tags, ...)`) only known at plan time.
 * @throws Unpriceable for a tag that is there but not a positive number
 */
export function usageTag(resource: TerraformResource, key: string): number | "unknown" | undefined {
  const tags = resource.attributes.tags;
  if (isExpression(tags)) return "unknown";
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return undefined;
  const value: unknown = (tags as Record<string, unknown>)[key];
  if (value === undefined || value === null) return undefined;
  if (isExpression(value)) return "unknown";
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number === "number" && Number.isFinite(number) && number > 0) return number;
  throw new Unpriceable(`tag ${key} should be a positive number, found ${JSON.stringify(value)}`);
}

/** `aws_s3_bucket`: storage from its expected-storage tag when it has one, else usage-based; requests are usage-based. */
export function mapS3Bucket(resource: TerraformResource): ComponentSpec[] {
  const storageGb = usageTag(resource, STORAGE_GB_TAG);
  return [typeof storageGb === "number" ? { kind: "s3", storageGb } : { kind: "s3" }];
}
