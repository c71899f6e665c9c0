import { z } from "zod";
import { publishedSchemas } from "../../schemas/index.js";
import { errorResponseSchema, runViewSchema } from "../responses.js";
import { auditEntrySchema, budgetSchema, keyRecordSchema } from "../routes/admin.js";
import { adviceBodySchema, adviceResponseSchema } from "../routes/advice.js";
import { planBodySchema, queuedRunSchema, resumeBodySchema, rollbackBodySchema } from "../routes/plan.js";
import { searchBodySchema, searchResponseSchema } from "../routes/rag.js";
import { slackCommandFormSchema, slackReplySchema } from "../routes/slack.js";
import { validateBodySchema, validateResponseSchema } from "../routes/validate.js";

/** Metadata the zod type provider reads from a registry: the component's name. */
export type ComponentMeta = { id: string };

/**
 * The schemas the OpenAPI document names under `components.schemas` and refers to with `$ref`
 * wherever a route uses them (GoalStatement inside PlanRequest, ApprovalDecision as the resume
 * body, ...). The published schemas are named as `GET /schemas` lists them; the rest are the
 * request and response shapes clients build against.
 */
const NAMED: Record<string, z.ZodType> = {
  GoalStatement: publishedSchemas["goal-statement"],
  PlanSpec: publishedSchemas["plan-spec"],
  ValidationReport: publishedSchemas["validation-report"],
  ApprovalDecision: publishedSchemas["approval-decision"],
  BuildArtifacts: publishedSchemas["build-artifacts"],
  LifecycleEvent: publishedSchemas["lifecycle-event"],
  Error: errorResponseSchema,
  RunView: runViewSchema,
  PlanRequest: planBodySchema,
  QueuedRun: queuedRunSchema,
  RollbackRequest: rollbackBodySchema,
  ResumeRequest: resumeBodySchema,
  SearchRequest: searchBodySchema,
  SearchResponse: searchResponseSchema,
  AdviceRequest: adviceBodySchema,
  AdviceResponse: adviceResponseSchema,
  ValidateRequest: validateBodySchema,
  ValidateResponse: validateResponseSchema,
  SlackCommand: slackCommandFormSchema,
  SlackReply: slackReplySchema,
  ApiKey: keyRecordSchema,
  TokenBudget: budgetSchema,
  AuditEntry: auditEntrySchema,
};

/** Every component name, as the registry gives it to the zod type provider. */
export const COMPONENT_NAMES = Object.keys(NAMED);

/** Names of the published schemas: kept in the document even where no operation uses them. */
export const PUBLISHED_COMPONENTS = ["GoalStatement", "PlanSpec", "ValidationReport", "ApprovalDecision", "BuildArtifacts", "LifecycleEvent"];

/**
 * A new registry of the named schemas, one per server: its own registry rather than zod's global
 * one, so naming a schema here cannot change what `z.toJSONSchema` gives `GET /schemas/:name`.
 */
export function componentRegistry(): z.core.$ZodRegistry<ComponentMeta> {
  const registry = z.registry<ComponentMeta>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  return registry;
}
