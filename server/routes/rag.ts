import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { errors, json } from "../responses.js";

/** Which runbooks a retrieval looks in; also taken by `POST /architect/advice`. */
export const filtersSchema = z
  .object({
    collection: z.string().min(1).max(200).optional(),
    source_prefix: z.string().min(1).max(500).optional(),
  })
  .strict();

export const searchBodySchema = z
  .object({
    query: z.string().trim().min(1, "must not be empty").max(4000),
    top_k: z.number().int().min(1).max(100).optional(),
    threshold: z.number().min(0).max(1).optional(),
    collapse_by_file: z.boolean().optional(),
    filters: filtersSchema.optional(),
  })
  .strict();

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

/** `POST /rag/search`: ranked runbook chunks for a query, best first. */
export const ragRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.post(
    "/rag/search",
    {
      schema: {
        tags: ["retrieval"],
        summary: "Ranked runbook chunks for a query, best first",
        body: searchBodySchema,
        response: { 200: json(searchResponseSchema, "OK"), 400: errors.invalid },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const body = request.body;
      const started = performance.now();
      const hits = await deps.search(body.query, body);
      return {
        query: body.query,
        took_ms: Number((performance.now() - started).toFixed(2)),
        mode: deps.embedder ? "hybrid" : "lexical",
        results: hits.map(({ content: _content, ...hit }) => hit),
      };
    },
  );
};
