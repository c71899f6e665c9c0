import { z } from "zod";
import { controlMessageSchema, lifecycleEventSchema } from "./events.js";
import { goalStatementSchema } from "./goal.js";
import { helmChartReadySchema, infrastructureGeneratedSchema, infraValidationFailedSchema, manifestPublishedSchema } from "./handoff-events.js";
import { planSpecSchema } from "./plan.js";
import { approvalDecisionSchema, buildArtifactsSchema, validationReportSchema } from "./reports.js";

export * from "./events.js";
export * from "./goal.js";
export * from "./handoff-events.js";
export * from "./plan.js";
export * from "./reports.js";

/** Every published schema by the name used in `GET /schemas/:name` and `schemas/<name>.json`. */
export const publishedSchemas = {
  "goal-statement": goalStatementSchema,
  "plan-spec": planSpecSchema,
  "validation-report": validationReportSchema,
  "approval-decision": approvalDecisionSchema,
  "build-artifacts": buildArtifactsSchema,
  "lifecycle-event": lifecycleEventSchema,
  "control-message": controlMessageSchema,
  // the data of the specification's hand-off events (a lifecycle event's `data` under these types)
  "infrastructure-generated": infrastructureGeneratedSchema,
  "helm-chart-ready": helmChartReadySchema,
  "infra-validation-failed": infraValidationFailedSchema,
  "manifest-published": manifestPublishedSchema,
} as const;

export type SchemaName = keyof typeof publishedSchemas;

/** JSON Schema (draft 2020-12) of a published schema, describing accepted input. */
export function jsonSchemaOf(name: SchemaName): Record<string, unknown> {
  return z.toJSONSchema(publishedSchemas[name], { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
