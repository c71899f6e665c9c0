import type { FastifyInstance } from "fastify";
import type { Deps } from "../../lib/deps.js";
import { makeAdvisor } from "../../rag/advice/index.js";
import { tenantOf } from "../plugins/auth.js";
import { parseInput } from "../validation.js";
import { adviceBodySchema } from "./schemas.js";

/** `POST /architect/advice`: an answer grounded in the runbooks, with citations. */
export async function adviceRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const advise = makeAdvisor(deps);
  app.post("/architect/advice", async (request) => advise(parseInput(adviceBodySchema, request.body), { tenant: tenantOf(request) }));
}
