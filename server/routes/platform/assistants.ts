import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { runStatuses } from "../../../graph/state.js";
import { ASSISTANT_ID, GRAPH_ID } from "../../../runs/platform/service.js";
import { goalStatementSchema, promptSchema } from "../../../schemas/goal.js";
import { planSpecSchema } from "../../../schemas/plan.js";
import { validationReportSchema } from "../../../schemas/reports.js";
import type { ServerDeps } from "../../deps.js";
import { errors, json } from "../../responses.js";
import { assistantCountSchema, assistantParams, assistantSchema, assistantSearchSchema } from "./schemas.js";

/** Up at start-up: the assistant is the graph, so it is as old as this process. */
const started = new Date().toISOString();

/** The planner's one assistant, read-only. */
const assistant = {
  assistant_id: ASSISTANT_ID,
  graph_id: GRAPH_ID,
  name: GRAPH_ID,
  description:
    "Atlas's planning graph: architect → builder → validator → approval (human) → apply. Input: { goal: GoalStatement }, or { prompt } for a goal in plain language.",
  config: {},
  context: {},
  metadata: { created_by: "system" },
  version: 1,
  created_at: started,
  updated_at: started,
};

/**
 * The graph's input: one of a structured goal, a goal in plain language (`prompt`), or chat messages
 * whose last human message is either (agent-chat-ui's input). Written as one object with optional
 * fields, as Studio draws a form from it; a run with none, or a goal and a prompt, is a 400.
 */
const inputSchema = z.object({
  goal: goalStatementSchema.optional().describe("a structured goal (GoalStatement)"),
  prompt: promptSchema
    .optional()
    .describe("the goal in plain language; what it leaves out (budget, availability, environment, workload) is asked at the clarify interrupt"),
  messages: z.array(z.unknown()).optional().describe("chat messages: the last human one carries the goal as JSON or in plain language"),
});
/** The main fields of the graph's state, as the thread's values carry them. */
const stateSchema = z
  .object({
    goal: goalStatementSchema,
    status: z.enum(runStatuses),
    plan: planSpecSchema.nullable(),
    validation: validationReportSchema.nullable(),
    messages: z.array(z.unknown()),
  })
  .loose();
const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const matches = (query: { graph_id?: string | undefined; name?: string | undefined; metadata?: Record<string, unknown> | undefined }) =>
  (query.graph_id === undefined || query.graph_id === GRAPH_ID) &&
  (query.name === undefined || query.name === assistant.name) &&
  Object.entries(query.metadata ?? {}).every(([key, value]) => (assistant.metadata as Record<string, unknown>)[key] === value);

/** The Platform API's assistants: one per graph (Atlas serves one), read-only. */
export const platformAssistantRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const tags = ["langgraph-platform"];
  const one = { params: assistantParams, tags };
  const read = { role: "viewer" as const };

  app.post(
    "/assistants/search",
    {
      schema: {
        tags,
        summary: "Search assistants (one per graph)",
        body: assistantSearchSchema,
        response: { 200: json(z.array(assistantSchema), "OK"), 400: errors.invalid },
      },
      config: read,
    },
    async (request, reply) => {
      const found = matches(request.body) ? [assistant] : [];
      const page = found.slice(request.body.offset, request.body.offset + request.body.limit);
      reply.header("x-pagination-total", String(found.length));
      return page;
    },
  );

  app.post(
    "/assistants/count",
    {
      schema: { tags, summary: "Count assistants", body: assistantCountSchema, response: { 200: json(z.number().int(), "OK"), 400: errors.invalid } },
      config: read,
    },
    async (request) => (matches(request.body) ? 1 : 0),
  );

  const requireAssistant = (id: string) => deps.platform.requireAssistant(id);

  app.get(
    "/assistants/:assistant_id",
    {
      schema: { ...one, summary: "An assistant (its id, or the graph id)", response: { 200: json(assistantSchema, "OK"), 404: errors.missingThread } },
      config: read,
    },
    async (request) => {
      requireAssistant(request.params.assistant_id);
      return assistant;
    },
  );

  app.get(
    "/assistants/:assistant_id/graph",
    {
      schema: {
        ...one,
        summary: "The assistant's graph: nodes and edges",
        querystring: z.object({ xray: z.union([z.coerce.number().int(), z.enum(["true", "false"])]).optional() }).strict(),
        response: { 200: json(z.object({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) }), "OK"), 404: errors.missingThread },
      },
      config: read,
    },
    async (request) => {
      requireAssistant(request.params.assistant_id);
      return deps.platform.drawableGraph();
    },
  );

  app.get(
    "/assistants/:assistant_id/schemas",
    {
      schema: {
        ...one,
        summary: "The assistant's input, output and state schemas (JSON Schema)",
        response: { 200: json(z.record(z.string(), z.unknown()), "OK"), 404: errors.missingThread },
      },
      config: read,
    },
    async (request) => {
      requireAssistant(request.params.assistant_id);
      return {
        graph_id: GRAPH_ID,
        input_schema: toJson(inputSchema),
        output_schema: toJson(stateSchema),
        state_schema: toJson(stateSchema),
        config_schema: { type: "object", properties: {}, additionalProperties: false },
        context_schema: null,
      };
    },
  );

  app.get(
    "/assistants/:assistant_id/subgraphs",
    {
      schema: {
        ...one,
        summary: "The assistant's subgraphs (the planner has none)",
        querystring: z.object({ recurse: z.enum(["true", "false"]).optional() }).strict(),
        response: { 200: json(z.record(z.string(), z.unknown()), "OK"), 404: errors.missingThread },
      },
      config: read,
    },
    async (request) => {
      requireAssistant(request.params.assistant_id);
      return {};
    },
  );
};

/** `GET /ok` and `GET /info`: what the SDK and Studio ask a server first. */
export const platformMetaRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["langgraph-platform"];
  app.get(
    "/ok",
    {
      schema: { tags, summary: "The server answers (LangGraph Platform health check)", response: { 200: json(z.object({ ok: z.literal(true) }), "OK") } },
      config: { public: true },
    },
    async () => ({ ok: true as const }),
  );
  app.get(
    "/info",
    {
      schema: {
        tags,
        summary: "What this server is and which Platform features it has",
        response: { 200: json(z.object({ version: z.string(), flags: z.record(z.string(), z.boolean()), metadata: z.record(z.string(), z.unknown()) }), "OK") },
      },
      config: { public: true },
    },
    async () => ({
      version: "atlas",
      flags: { assistants: true, crons: false, langsmith: false, langsmith_tracing_replicas: false },
      metadata: { server: "atlas", graphs: [GRAPH_ID] },
    }),
  );
};
