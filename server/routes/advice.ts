import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../deps.js";
import { makeAdvisor } from "../../rag/advice/index.js";
import { tenantOf } from "../plugins/auth.js";
import { parseInput } from "../../lib/validation.js";
import { adviceBodySchema } from "./bodies.js";

/** `POST /architect/advice`: an answer grounded in the runbooks, with citations. */
export async function adviceRoutes(app: FastifyInstance, { deps }: { deps: ServerDeps }): Promise<void> {
  const advise = makeAdvisor({ ...deps, llm: deps.models[0]?.model ?? null });
  app.post("/architect/advice", async (request) => advise(parseInput(adviceBodySchema, request.body), { tenant: tenantOf(request) }));
}
