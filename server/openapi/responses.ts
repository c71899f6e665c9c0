import { z } from "zod";
import { runStatuses } from "../../graph/state.js";
import { errorStatus } from "../../lib/errors.js";
import { approvalDecisionSchema, findingSchema, validationReportSchema } from "../../schemas/reports.js";
import { costBudgetSchema, planSpecSchema } from "../../schemas/plan.js";

/**
 * Zod schemas of what the routes answer, for the OpenAPI description. Tests parse real
 * responses with them, so the description cannot drift from the code unnoticed.
 */

export const errorResponseSchema = z.object({
  error: z
    .object({
      code: z.enum(Object.keys(errorStatus) as [keyof typeof errorStatus, ...(keyof typeof errorStatus)[]]),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      request_id: z.string().optional(),
    })
    .catchall(z.unknown()),
});

const artifactSummarySchema = z.object({ path: z.string(), kind: z.string(), sha256: z.string(), bytes: z.number().int() });

export const runViewSchema = z.object({
  thread_id: z.string(),
  plan_id: z.string(),
  trace_id: z.string(),
  status: z.enum(runStatuses),
  plan: planSpecSchema.nullable(),
  validation: validationReportSchema.nullable(),
  cost: costBudgetSchema.nullable(),
  artifacts: z.array(artifactSummarySchema),
  artifacts_digest: z.string().nullable(),
  /** the approval interrupt's payload while WAIT_FOR_APPROVE */
  interrupt: z.unknown(),
  blocked: z
    .object({ stage: z.enum(["architect", "validator"]), reason: z.string(), arithmetic: z.array(z.string()), findings: z.array(findingSchema) })
    .nullable(),
  applied: z
    .object({ commit: z.string(), path: z.string(), plan_version: z.number().int(), approver: z.string(), already_applied: z.boolean() })
    .nullable(),
  decision: approvalDecisionSchema.nullable(),
  revisions: z.number().int(),
  tokens_used: z.number().int(),
});

export const runHistorySchema = z.object({
  thread_id: z.string(),
  history: z.array(
    z.object({
      checkpoint_id: z.string().optional(),
      created_at: z.string().optional(),
      step: z.number().int().optional(),
      source: z.string().optional(),
      next: z.array(z.string()),
      status: z.enum(runStatuses).optional(),
      plan_version: z.number().int().nullable(),
    }),
  ),
});

export const runEventsSchema = z.object({ thread_id: z.string(), events: z.array(z.record(z.string(), z.unknown())) });

export const runArtifactsSchema = z.object({ thread_id: z.string(), digest: z.string().nullable(), files: z.array(artifactSummarySchema) });

export const searchResponseSchema = z.object({
  query: z.string(),
  took_ms: z.number(),
  mode: z.enum(["lexical", "hybrid"]),
  results: z.array(
    z.object({
      chunk_id: z.string(),
      collection: z.string(),
      source: z.string(),
      title: z.string().nullable(),
      heading_path: z.array(z.string()),
      line_start: z.number().int(),
      line_end: z.number().int(),
      score: z.number(),
      relevance: z.number(),
      lexical_score: z.number().nullable(),
      dense_score: z.number().nullable(),
      snippet: z.string(),
    }),
  ),
});

export const adviceResponseSchema = z.object({
  answer: z.string(),
  citations: z.array(
    z.object({
      id: z.number().int(),
      collection: z.string(),
      source: z.string(),
      title: z.string().nullable(),
      heading_path: z.array(z.string()),
      line_start: z.number().int(),
      line_end: z.number().int(),
      snippet: z.string(),
    }),
  ),
  mode: z.enum(["extractive", "model"]),
  grounded: z.boolean(),
  fallback_reason: z.string().optional(),
  tokens_used: z.number().int().optional(),
});

export const validateResponseSchema = z.object({
  status: z.enum(["PASS", "FAIL"]),
  summary: z.record(z.string(), z.number().int()),
  findings: z.array(findingSchema),
  skipped: z.array(z.unknown()),
  resources: z.number().int(),
  kubernetes_objects: z.number().int(),
  /** Infracost-like estimate; null for a region without prices */
  cost: z.record(z.string(), z.unknown()).nullable(),
});

export const healthResponseSchema = z.object({ status: z.literal("ok") });

export const readyResponseSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

export const schemaListSchema = z.object({ schemas: z.array(z.object({ name: z.string(), href: z.string() })) });

/** The form Slack posts for a slash command (the fields Atlas reads; Slack sends more). */
export const slackCommandFormSchema = z
  .object({
    command: z.string().describe("/approve, /reject or /rollback (or /atlas <verb>)"),
    text: z.string().describe("<thread_id> [reason]"),
    user_id: z.string().describe("Slack user id, looked up in SLACK_APPROVERS"),
    response_url: z.string().optional().describe("where a slow command's result is posted"),
  })
  .catchall(z.string());

export const slackReplySchema = z.object({ response_type: z.enum(["ephemeral", "in_channel"]), text: z.string() });
