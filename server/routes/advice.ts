import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { makeAdvisor } from "../../rag/advice/index.js";
import type { ServerDeps } from "../deps.js";
import { tenantOf } from "../plugins/auth.js";
import { errors, json } from "../responses.js";
import { filtersSchema } from "./rag.js";

export const adviceBodySchema = z
  .object({
    question: z.string().trim().min(1, "must not be empty").max(4000),
    top_k: z.number().int().min(1).max(50).optional(),
    filters: filtersSchema.optional(),
  })
  .strict();

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

/** `POST /architect/advice`: an answer grounded in the runbooks, with citations. */
export const adviceRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const advise = makeAdvisor({ ...deps, llm: deps.models[0]?.model ?? null });
  app.post(
    "/architect/advice",
    {
      schema: {
        tags: ["retrieval"],
        summary: "An answer grounded in the runbooks, with citations",
        description: "`mode` is `extractive` without a model; `grounded: false` when the runbooks do not cover the question.",
        body: adviceBodySchema,
        response: { 200: json(adviceResponseSchema, "OK"), 400: errors.invalid },
      },
      config: { role: "viewer" },
    },
    async (request) => advise(request.body, { tenant: tenantOf(request) }),
  );
};
