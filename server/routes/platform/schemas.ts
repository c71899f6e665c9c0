import { z } from "zod";
import { jsonProblem } from "../../../lib/validation.js";
import { platformRunStatuses } from "../../../runs/platform/registry.js";
import { STREAM_MODES } from "../../../runs/platform/service.js";
import { threadIdSchema } from "../plan.js";

/**
 * Request and answer shapes of the LangGraph Platform API subset Atlas serves, written from the
 * `@langchain/langgraph-sdk` client's requests. A field the SDK may send that Atlas cannot honour
 * is refused by name (400) rather than ignored: a client must not believe it was applied.
 */

/** A field Atlas does not support: absent or null only, otherwise a 400 saying why. */
const unsupported = (why: string) => z.null({ error: `not supported by Atlas: ${why}` }).optional();

/**
 * Free-form JSON a client sends (metadata, input, the resume value, state values): bounded as
 * Atlas bounds every free-form field (lib/validation.ts JSON_LIMITS: depth and size), so a
 * 10,000-deep or 5 MB value is a 400 naming it, not a failure deep in a query or a checkpoint.
 */
const bounded = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const metadataSchema = bounded(z.record(z.string(), z.unknown()));
const streamModeSchema = z.enum(STREAM_MODES, {
  error: `Atlas streams ${STREAM_MODES.join(", ")} (messages-tuple and messages: one whole summary message per node, no tokens)`,
});

export const runCreateSchema = z
  .object({
    assistant_id: z.string().min(1).max(128),
    /** a new plan: `{ goal: GoalStatement }`, `{ prompt }` (plain language), or agent-chat-ui's messages carrying either */
    input: bounded(z.unknown()).optional(),
    /** the approval's answer: Atlas's decision, or agent-chat-ui's HumanResponse */
    command: z
      .object({
        resume: bounded(z.unknown()).optional(),
        goto: unsupported("the graph decides where a plan goes next"),
        update: unsupported("state updates are POST /threads/{thread_id}/state, for admins"),
      })
      .strict()
      .nullable()
      .optional(),
    config: bounded(
      z
        .object({
          tags: z.array(z.string()).optional(),
          recursion_limit: z.number().int().optional(),
          configurable: z.record(z.string(), z.unknown()).optional(),
        })
        .loose(),
    ).optional(),
    context: bounded(z.unknown()).optional(),
    metadata: metadataSchema.optional(),
    stream_mode: z.union([streamModeSchema, z.array(streamModeSchema)]).optional(),
    stream_subgraphs: z.boolean().optional(),
    stream_resumable: z.boolean().optional(),
    feedback_keys: z.array(z.string()).optional(),
    multitask_strategy: z
      .enum(["reject", "enqueue"], {
        error: "reject (409 while the thread is busy) or enqueue (run after the current run); Atlas does not interrupt or roll back a run mid-node",
      })
      .optional(),
    if_not_exists: z.enum(["create", "reject"]).optional(),
    on_completion: z.enum(["delete", "keep"]).optional(),
    on_disconnect: z.enum(["cancel", "continue"]).optional(),
    durability: z.string().optional(),
    checkpoint_during: z.boolean().optional(),
    interrupt_before: unsupported("the plan stops at its approval gate only"),
    interrupt_after: unsupported("the plan stops at its approval gate only"),
    webhook: unsupported("follow the run with its stream, join, or GET /architect/plan/{thread_id}/stream"),
    after_seconds: unsupported("runs start when they are created"),
    checkpoint: unsupported("runs continue from the thread's latest checkpoint"),
    checkpoint_id: unsupported("runs continue from the thread's latest checkpoint"),
    langsmith_tracer: unsupported("no LangSmith tracing"),
  })
  .strict();
export type RunCreateBody = z.infer<typeof runCreateSchema>;

export const threadParams = z.object({ thread_id: threadIdSchema }).strict();
export const runParams = z.object({ thread_id: threadIdSchema, run_id: z.string().min(1).max(128) }).strict();
export const statelessRunParams = z.object({ run_id: z.string().min(1).max(128) }).strict();
export const assistantParams = z.object({ assistant_id: z.string().min(1).max(128) }).strict();

const threadStatusSchema = z.enum(["idle", "busy", "interrupted", "error"]);
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);

export const threadCreateSchema = z
  .object({
    thread_id: threadIdSchema.optional(),
    metadata: metadataSchema.optional(),
    if_exists: z.enum(["raise", "do_nothing"]).optional(),
    supersteps: unsupported("a thread starts empty; start it with a run"),
    ttl: unsupported("threads are kept until deleted"),
  })
  .strict();

export const threadSearchSchema = z
  .object({
    metadata: metadataSchema.optional(),
    ids: z.array(threadIdSchema).max(1_000).optional(),
    status: threadStatusSchema.optional(),
    limit: limit(100, 10),
    offset,
    sort_by: z.enum(["thread_id", "status", "created_at", "updated_at"]).optional(),
    sort_order: z.enum(["asc", "desc"]).optional(),
    select: z.array(z.string()).optional(),
    values: unsupported("filter on metadata or status"),
    extract: unsupported("read the thread's values"),
  })
  .strict();

export const threadCountSchema = z
  .object({ metadata: metadataSchema.optional(), status: threadStatusSchema.optional(), values: unsupported("filter on metadata or status") })
  .strict();

export const threadPatchSchema = z.object({ metadata: metadataSchema }).strict();

export const historySchema = z
  .object({
    limit: limit(1_000, 10),
    before: z.union([z.string(), z.object({ configurable: z.object({ checkpoint_id: z.string() }).loose() })]).optional(),
    metadata: metadataSchema.optional(),
    checkpoint: z.object({ checkpoint_id: z.string().optional() }).loose().optional(),
  })
  .strict();

export const checkpointBodySchema = z
  .object({ checkpoint: z.object({ checkpoint_id: z.string().min(1) }).loose(), subgraphs: z.boolean().optional() })
  .strict();

export const stateUpdateSchema = z
  .object({
    values: bounded(z.record(z.string(), z.unknown())),
    as_node: z.string().optional(),
    checkpoint: unsupported("updates apply to the latest checkpoint"),
    checkpoint_id: unsupported("updates apply to the latest checkpoint"),
  })
  .strict();

export const assistantSearchSchema = z
  .object({
    graph_id: z.string().optional(),
    name: z.string().optional(),
    metadata: metadataSchema.optional(),
    limit: limit(1_000, 10),
    offset,
    sort_by: z.string().optional(),
    sort_order: z.enum(["asc", "desc"]).optional(),
    select: z.array(z.string()).optional(),
  })
  .strict();

export const assistantCountSchema = z.object({ graph_id: z.string().optional(), name: z.string().optional(), metadata: metadataSchema.optional() }).strict();

export const runListQuery = z
  .object({ limit: limit(1_000, 10), offset, status: z.enum(platformRunStatuses).optional(), select: z.unknown().optional() })
  .strict();
export const cancelQuery = z
  .object({
    wait: z.enum(["0", "1", "true", "false"]).optional(),
    action: z.enum(["interrupt"], { error: "interrupt only: Atlas does not roll a run back mid-node" }).optional(),
  })
  .strict();
export const joinQuery = z.object({ cancel_on_disconnect: z.enum(["0", "1", "true", "false"]).optional() }).strict();
export const joinStreamQuery = joinQuery.extend({ stream_mode: z.union([streamModeSchema, z.array(streamModeSchema)]).optional() }).strict();

// Answers (documentation; tests parse real answers with them)

export const assistantSchema = z.object({
  assistant_id: z.string(),
  graph_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  context: z.record(z.string(), z.unknown()),
  metadata: metadataSchema,
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const threadSchema = z.object({
  thread_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  state_updated_at: z.string(),
  metadata: metadataSchema,
  status: threadStatusSchema,
  values: z.record(z.string(), z.unknown()),
  interrupts: z.record(z.string(), z.array(z.object({ id: z.string().optional(), value: z.unknown() }))),
  atlas: z.object({ status: z.string(), plan_id: z.string(), trace_id: z.string(), plan_version: z.number().int() }),
});

const checkpointSchema = z.object({
  thread_id: z.string(),
  checkpoint_ns: z.string(),
  checkpoint_id: z.string().nullable(),
  checkpoint_map: z.null(),
});

export const threadStateSchema = z.object({
  values: z.record(z.string(), z.unknown()),
  next: z.array(z.string()),
  checkpoint: checkpointSchema,
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string().nullable(),
  parent_checkpoint: checkpointSchema.nullable(),
  tasks: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      error: z.string().nullable(),
      interrupts: z.array(z.object({ id: z.string().optional(), value: z.unknown() })),
      checkpoint: z.null(),
      state: z.null(),
    }),
  ),
});

export const runSchema = z.object({
  run_id: z.string(),
  thread_id: z.string(),
  assistant_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  status: z.enum(platformRunStatuses),
  metadata: metadataSchema,
  multitask_strategy: z.string().nullable(),
  kwargs: z.record(z.string(), z.unknown()),
  error: z.object({ error: z.string(), message: z.string() }).nullable(),
});
