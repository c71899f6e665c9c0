import { z } from "zod";

export const EVENT_SCHEMA_VERSION = 1;

export const eventTypes = [
  "plan.pending",
  "plan.revised",
  "build.done",
  "validate.result",
  // a goal in plain language left a deciding fact unstated: the run waits for the answers
  "clarify.requested",
  "approval.requested",
  "approval.decided",
  "apply.request",
  "apply.done",
  "rollback.done",
  "design.blocked",
  "design.rejected",
  "budget.warning",
  // a message failed 3 deliveries and went to the dead-letter stream (seed 004)
  "escalate",
  // a background run a worker could not start (the thread is no longer restartable) or that failed
  "run.dropped",
  "run.failed",
  // a run whose runner stopped renewing its claim (the process died) was continued or released
  "run.recovered",
  // hand-off events under the infrastructure-engineer specification's own names (seed 002), each
  // with a strict data schema: schemas/handoff-events.ts
  "InfrastructureGenerated",
  "HelmChartReady",
  "ManifestPublished",
  "InfraValidationFailed",
] as const;

/** A lifecycle event, as published on the event bus and kept in the run history. */
export const lifecycleEventSchema = z
  .object({
    schema_ver: z.literal(EVENT_SCHEMA_VERSION),
    type: z.enum(eventTypes),
    trace_id: z.string(),
    thread_id: z.string(),
    tenant: z.string(),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
export type EventType = (typeof eventTypes)[number];

export const controlTypes = ["heartbeat", "flush_cache", "set_budget"] as const;

const controlBase = {
  schema_ver: z.literal(EVENT_SCHEMA_VERSION),
  /** who sent it: a replica id, `redis-cli`, an operator's name */
  from: z.string().min(1).max(200),
  at: z.string(),
};

/**
 * A control message on the control channel (seed 004), read by every replica:
 * `heartbeat` (a replica is alive), `flush_cache` (drop cached settings such as token budgets),
 * `set_budget` (change token budgets at run time; `tenant` "*" or absent means every tenant).
 */
export const controlMessageSchema = z
  .discriminatedUnion("type", [
    z.object({ ...controlBase, type: z.literal("heartbeat"), data: z.record(z.string(), z.unknown()).optional() }).strict(),
    z.object({ ...controlBase, type: z.literal("flush_cache"), cache: z.string().min(1).optional() }).strict(),
    z
      .object({
        ...controlBase,
        type: z.literal("set_budget"),
        tenant: z.string().min(1).max(64).default("*"),
        per_run: z.coerce.number().int().positive().optional(),
        daily: z.coerce.number().int().positive().optional(),
      })
      .strict(),
  ])
  .superRefine((message, ctx) => {
    if (message.type === "set_budget" && message.per_run === undefined && message.daily === undefined) {
      ctx.addIssue({ code: "custom", path: ["per_run"], message: "set_budget needs per_run, daily or both" });
    }
  });

export type ControlMessage = z.infer<typeof controlMessageSchema>;
export type ControlType = (typeof controlTypes)[number];
