import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../deps.js";
import { parseInput } from "../../lib/validation.js";
import { searchBodySchema } from "./bodies.js";

/** `POST /rag/search`: ranked runbook chunks for a query, best first. */
export async function ragRoutes(app: FastifyInstance, { deps }: { deps: ServerDeps }): Promise<void> {
  app.post("/rag/search", async (request) => {
    const body = parseInput(searchBodySchema, request.body);
    const started = performance.now();
    const hits = await deps.search(body.query, body);
    return {
      query: body.query,
      took_ms: Number((performance.now() - started).toFixed(2)),
      mode: deps.embedder ? "hybrid" : "lexical",
      results: hits.map(({ content: _content, ...hit }) => hit),
    };
  });
}
