import { z } from "zod";
import { type DatabaseEngine, databaseEngines } from "../../../schemas/plan.js";

/**
 * The typed contract a goal's free-text constraints are read into (issue 9, "Constraints as a
 * typed contract"). The deterministic reader (`read.ts`) and, with a model configured, the
 * model's structured output both produce these shapes, so the two readings can be compared
 * wish by wish. `text` is the constraint sentence a wish came from; `hard` says whether the
 * design must honour it (block otherwise) or should honour it when it can.
 */

/** AWS resource ids as AWS issues them: a prefix and 8 or 17 lower-case hex digits. */
export const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** A region name (`eu-west-1`, `us-gov-west-1`) or a prefix ending in `-*` (`eu-*`, `us-gov-*`). */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)*(?:-\d|-\*)$/;
/** An EC2 instance family such as `t3`, `t3a`, `m7g`, `r6gd`, `c7gn`, `hpc7g`. */
export const FAMILY_PATTERN = /^[a-z]{1,4}\d[a-z0-9-]*$/;

/** The engines a database-engine wish names (the PlanSpec's own list). */
export type DbEngine = DatabaseEngine;

const common = { text: z.string(), hard: z.boolean() };
const engine = z.enum(databaseEngines);

export const securityControls = ["waf", "cloudtrail-data-events", "access-logs", "customer-managed-kms", "private-only"] as const;

export const constraintWishSchema = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("kubernetes"), value: z.enum(["required", "forbidden"]) }).strict(),
  z.object({ ...common, kind: z.literal("cpu-architecture"), value: z.enum(["arm64", "x86_64"]) }).strict(),
  z.object({ ...common, kind: z.literal("nat"), value: z.enum(["none", "single", "per-az"]) }).strict(),
  z.object({ ...common, kind: z.literal("vpc-endpoints"), value: z.enum(["preferred", "forbidden"]) }).strict(),
  z
    .object({
      ...common,
      kind: z.literal("existing-network"),
      vpc_id: z.string().regex(VPC_ID).nullable(),
      subnet_ids: z.array(z.string().regex(SUBNET_ID)),
    })
    .strict(),
  /** allowed engines, most preferred first */
  z.object({ ...common, kind: z.literal("database-engine"), allow: z.array(engine).min(1) }).strict(),
  z
    .object({
      ...common,
      kind: z.literal("availability-zones"),
      min: z.number().int().min(1).max(6).nullable(),
      max: z.number().int().min(1).max(6).nullable(),
    })
    .strict(),
  z.object({ ...common, kind: z.literal("serverless"), value: z.enum(["preferred", "forbidden"]) }).strict(),
  z.object({ ...common, kind: z.literal("capacity"), value: z.enum(["spot-allowed", "spot-forbidden"]) }).strict(),
  z
    .object({
      ...common,
      kind: z.literal("instance-families"),
      allow: z.array(z.string().regex(FAMILY_PATTERN)),
      forbid: z.array(z.string().regex(FAMILY_PATTERN)),
    })
    .strict(),
  z
    .object({
      ...common,
      kind: z.literal("region"),
      allow: z.array(z.string().regex(REGION_PATTERN)),
      forbid: z.array(z.string().regex(REGION_PATTERN)),
    })
    .strict(),
  z.object({ ...common, kind: z.literal("security-control"), control: z.enum(securityControls) }).strict(),
  /** `hard`: the budget is a cap; `over_percent`: how far a soft budget may be exceeded, when the goal says */
  z.object({ ...common, kind: z.literal("budget"), over_percent: z.number().min(0).max(1000).nullable() }).strict(),
]);

export type ConstraintWish = z.infer<typeof constraintWishSchema>;
export type WishKind = ConstraintWish["kind"];

/** The reading of one constraint text: its wishes, or none when it was not understood. */
export const constraintReadingSchema = z.object({ text: z.string(), wishes: z.array(constraintWishSchema) }).strict();
export type ConstraintReading = z.infer<typeof constraintReadingSchema>;
