import type { z } from "zod";
import { publishedSchemas } from "../../schemas/index.js";
import { paramsSchema, planBodySchema, rollbackBodySchema } from "../routes/plan.js";
import { adviceBodySchema, searchBodySchema } from "../routes/bodies.js";
import { validateBodySchema } from "../routes/validate.js";
import {
  adviceResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  readyResponseSchema,
  runArtifactsSchema,
  runEventsSchema,
  runHistorySchema,
  runViewSchema,
  schemaListSchema,
  searchResponseSchema,
  slackCommandFormSchema,
  slackReplySchema,
  validateResponseSchema,
} from "./responses.js";

/** A response body: a zod schema, or a media type whose body is not JSON. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** default application/json */
  contentType?: string;
}

/** How one route is described in the OpenAPI document. */
export interface OperationDoc {
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  body?: z.ZodType;
  /** default application/json */
  bodyContentType?: string;
  responses: Record<string, ResponseDoc>;
}

/** Named schemas, emitted once under components.schemas and referenced from operations. */
export const componentSchemas: Record<string, z.ZodType> = {
  GoalStatement: publishedSchemas["goal-statement"],
  PlanSpec: publishedSchemas["plan-spec"],
  ValidationReport: publishedSchemas["validation-report"],
  ApprovalDecision: publishedSchemas["approval-decision"],
  BuildArtifacts: publishedSchemas["build-artifacts"],
  LifecycleEvent: publishedSchemas["lifecycle-event"],
  Error: errorResponseSchema,
  RunView: runViewSchema,
  PlanRequest: planBodySchema,
  RollbackRequest: rollbackBodySchema,
  SearchRequest: searchBodySchema,
  SearchResponse: searchResponseSchema,
  AdviceRequest: adviceBodySchema,
  AdviceResponse: adviceResponseSchema,
  ValidateRequest: validateBodySchema,
  ValidateResponse: validateResponseSchema,
  SlackCommand: slackCommandFormSchema,
  SlackReply: slackReplySchema,
};

const ok = (schema: z.ZodType, description = "OK"): Record<string, ResponseDoc> => ({ "200": { description, schema } });
const bad = { "400": { description: "Invalid input; `issues` name each wrong field", schema: errorResponseSchema } };
const missing = { "404": { description: "No such thread (or it belongs to another tenant)", schema: errorResponseSchema } };
const busy = { "409": { description: "The thread is not in a state that allows this, or is being run", schema: errorResponseSchema } };

/** Every route Atlas serves, by `METHOD /fastify/path`. Routes missing here are still listed, as undescribed. */
export const operations: Record<string, OperationDoc> = {
  "GET /healthz": { tag: "health", summary: "The process answers", responses: ok(healthResponseSchema) },
  "GET /readyz": {
    tag: "health",
    summary: "The database answers and is migrated",
    responses: { ...ok(readyResponseSchema, "Ready"), "503": { description: "Not ready; `checks` say why", schema: readyResponseSchema } },
  },
  "POST /rag/search": {
    tag: "retrieval",
    summary: "Ranked runbook chunks for a query, best first",
    body: searchBodySchema,
    responses: { ...ok(searchResponseSchema), ...bad },
  },
  "POST /architect/advice": {
    tag: "retrieval",
    summary: "An answer grounded in the runbooks, with citations",
    body: adviceBodySchema,
    responses: { ...ok(adviceResponseSchema), ...bad },
  },
  "POST /architect/plan": {
    tag: "planning",
    summary: "Design, build and validate a goal; runs to the approval interrupt or BLOCKED",
    description: "With `Accept: text/event-stream` node progress is streamed as `progress` events and the result as the final `result` event.",
    body: planBodySchema,
    responses: { ...ok(runViewSchema), ...bad, ...busy },
  },
  "GET /architect/plan/:thread_id": {
    tag: "planning",
    summary: "A thread's current state",
    params: paramsSchema,
    responses: { ...ok(runViewSchema), ...bad, ...missing },
  },
  "GET /architect/plan/:thread_id/history": {
    tag: "planning",
    summary: "Checkpoint history, newest first",
    params: paramsSchema,
    responses: { ...ok(runHistorySchema), ...missing },
  },
  "GET /architect/plan/:thread_id/events": {
    tag: "planning",
    summary: "The thread's lifecycle events",
    params: paramsSchema,
    responses: { ...ok(runEventsSchema), ...missing },
  },
  "GET /architect/plan/:thread_id/artifacts": {
    tag: "planning",
    summary: "Artifacts of the latest build",
    params: paramsSchema,
    responses: { ...ok(runArtifactsSchema), ...missing },
  },
  "GET /architect/plan/:thread_id/artifacts/*": {
    tag: "planning",
    summary: "One artifact's content (ETag: its sha256)",
    responses: {
      "200": { description: "The file: JSON for .json, text otherwise", contentType: "text/plain" },
      ...missing,
    },
  },
  "POST /architect/plan/:thread_id/resume": {
    tag: "planning",
    summary: "Answer the approval: approve, reject or revise",
    params: paramsSchema,
    body: publishedSchemas["approval-decision"],
    responses: { ...ok(runViewSchema), ...bad, ...missing, ...busy },
  },
  "POST /architect/plan/:thread_id/rollback": {
    tag: "planning",
    summary: "Revert the applied commit of a DONE plan",
    params: paramsSchema,
    body: rollbackBodySchema,
    responses: { ...ok(runViewSchema), ...bad, ...missing, ...busy },
  },
  "POST /architect/validate": {
    tag: "validation",
    summary: "The validator and a cost estimate on uploaded Terraform / Kubernetes files",
    body: validateBodySchema,
    responses: { ...ok(validateResponseSchema), ...bad },
  },
  "GET /schemas": { tag: "schemas", summary: "The published JSON Schemas", responses: ok(schemaListSchema) },
  "GET /schemas/:name": {
    tag: "schemas",
    summary: "One published JSON Schema (draft 2020-12)",
    responses: { "200": { description: "The schema", contentType: "application/schema+json" }, ...bad },
  },
  "GET /architect/plan/:thread_id/stream": {
    tag: "planning",
    summary: "The thread's lifecycle events as server-sent events, from whichever replica runs it",
    description: "First `status`, then each lifecycle event under its type, and `result` (a RunView) when the run stops; then the stream ends.",
    params: paramsSchema,
    responses: { "200": { description: "Server-sent events", contentType: "text/event-stream" }, ...missing },
  },
  "POST /admin/keys": {
    tag: "admin",
    summary: "Create an API key in the caller's tenant (admin); the key is in the answer, once",
    description: "Body: `{ name, roles }` with roles from viewer, planner, approver, admin.",
    responses: { "201": { description: "The key record and `key`" }, ...bad },
  },
  "GET /admin/keys": { tag: "admin", summary: "The caller's tenant's keys, never the keys themselves (admin)", responses: { "200": { description: "`{ keys }`" } } },
  "DELETE /admin/keys/:ref": {
    tag: "admin",
    summary: "Revoke a key by id or display prefix (admin)",
    responses: { "200": { description: "The revoked key record" }, ...missing },
  },
  "GET /admin/budget": {
    tag: "admin",
    summary: "The caller's tenant's token budgets and the tokens it used today (admin)",
    responses: { "200": { description: "`{ tenant, limits: { per_run, daily }, used_today }`" } },
  },
  "PUT /admin/budget": {
    tag: "admin",
    summary: "Change the caller's tenant's token budgets at run time (admin), on every replica",
    description: "Body: `{ per_run?, daily? }`, positive integers, at least one; an absent field keeps its value. Audited as `budget.set`.",
    responses: { "200": { description: "`{ tenant, limits, used_today }` after the change" }, ...bad },
  },
  "GET /audit": {
    tag: "admin",
    summary: "The caller's tenant's audit log, newest first (admin)",
    description: "Query: `limit` (1..1000, 100), `before` (an entry id, to page back), `action`, `target` (a thread id).",
    responses: { "200": { description: "`{ entries }`" }, ...bad },
  },
  "GET /metrics": {
    tag: "operations",
    summary: "Prometheus metrics (public unless METRICS_PUBLIC=false)",
    responses: { "200": { description: "Prometheus text exposition format", contentType: "text/plain" } },
  },
  "GET /openapi.json": {
    tag: "operations",
    summary: "This document",
    responses: { "200": { description: "OpenAPI 3.1" } },
  },
  "GET /docs": {
    tag: "operations",
    summary: "This document as a page (no external scripts)",
    responses: { "200": { description: "HTML", contentType: "text/html" } },
  },
  "POST /slack/commands": {
    tag: "slack",
    summary: "/approve, /reject, /rollback from Slack",
    description:
      "Authenticated by Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp; older than five minutes is refused), not by an API key. The Slack user must be in SLACK_APPROVERS.",
    body: slackCommandFormSchema,
    bodyContentType: "application/x-www-form-urlencoded",
    responses: {
      ...ok(slackReplySchema, "What Slack shows (ephemeral to the caller, or in the channel)"),
      "401": { description: "Missing, forged or stale signature", schema: errorResponseSchema },
    },
  },
};
