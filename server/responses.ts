import { z } from "zod";
import { runStatuses } from "../graph/state.js";
import { errorStatus } from "../lib/errors.js";
import { goalReadingSchema } from "../schemas/goal-reading.js";
import { costBudgetSchema, planSpecSchema } from "../schemas/plan.js";
import { approvalDecisionSchema, findingSchema, validationReportSchema } from "../schemas/reports.js";

/**
 * Zod schemas of what more than one route answers, for the OpenAPI description (the routes'
 * own answers are declared beside them). Response schemas document, they never reshape an
 * answer (see schema-compilers.ts); tests parse real responses with them so the description
 * cannot drift from the code unnoticed.
 */

/** The one error shape: `{ error: { code, message, issues?, request_id?, ...details } }`. */
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

/** A planning thread as the plan routes, the stream's `result` event and Slack see it. */
export const runViewSchema = z.object({
  thread_id: z.string(),
  plan_id: z.string(),
  trace_id: z.string(),
  status: z.enum(runStatuses),
  plan: planSpecSchema.nullable(),
  /** how a goal in plain language was read (null for a structured goal) */
  reading: goalReadingSchema.nullable(),
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
    .object({
      commit: z.string(),
      path: z.string(),
      plan_version: z.number().int(),
      approver: z.string(),
      already_applied: z.boolean(),
      /** the branch pushed to the GitOps remote (GITOPS_REMOTE_URL) and its commit */
      pushed: z.object({ remote_branch: z.string(), commit: z.string() }).nullable().optional(),
      /** the pull or merge request opened for it (GITOPS_TOKEN) */
      review: z.object({ url: z.string(), number: z.number().int() }).nullable().optional(),
    })
    .nullable(),
  decision: approvalDecisionSchema.nullable(),
  revisions: z.number().int(),
  tokens_used: z.number().int(),
});

/**
 * One documented answer, as `schema.response[status]` takes it. Typed loosely on purpose: the
 * type provider would otherwise hold each handler's return value to the schema's output type
 * (dates as strings, enums as literals) though the schema only documents the answer; tests
 * parse real answers with these schemas instead.
 */
export interface ResponseDoc {
  description: string;
  content: Record<string, { schema: z.ZodType }>;
}

/** A JSON answer with its meaning. */
export const json = (schema: z.ZodType, description: string): ResponseDoc => ({ description, content: { "application/json": { schema } } });

/** A non-JSON answer (a file, a page, a stream): its media type and meaning. */
export const media = (type: string, description: string, schema: z.ZodType = z.string()): ResponseDoc => ({ description, content: { [type]: { schema } } });

/** The error answers routes share, each with what it means there. */
export const errors = {
  invalid: json(errorResponseSchema, "Invalid input; `issues` name each wrong field"),
  missingThread: json(errorResponseSchema, "No such thread (or it belongs to another tenant)"),
  busy: json(errorResponseSchema, "The thread is not in a state that allows this, or is being run"),
  unauthenticated: json(errorResponseSchema, "Missing, unknown or revoked API key"),
  forbidden: json(errorResponseSchema, 'The key lacks the role this operation needs (or the tenant refuses it, e.g. `reason: "self_approval"`)'),
  retryable: json(
    errorResponseSchema,
    "A fault outside the request (the GitOps workspace could not be written): `status` is what the run kept (APPLYING: approved, apply pending; DONE), `retryable: true`; send the same request again",
  ),
  rateLimited: json(
    errorResponseSchema,
    "Over RATE_LIMIT_PER_MINUTE for this key (or too many failed keys from this address); `retry-after` says when to retry",
  ),
};
