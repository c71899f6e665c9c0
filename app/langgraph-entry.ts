import { buildPlanningGraph } from "../graph/build.js";
import { loadConfig } from "../lib/config.js";
import { createLogger } from "../lib/log.js";
import { buildDeps } from "./deps.js";
import { seedRunbooks } from "./seed.js";

/**
 * Entry for `langgraphjs dev` (see langgraph.json): the planning graph on dependencies built
 * from the environment, as `pnpm start` builds them.
 *
 * The runbooks are seeded as at Atlas's own start-up (app/seed.ts), so the plans made under the
 * dev server cite them. `ATLAS_SEED_DOCS=off` skips it; your own runbooks go into the dev server's
 * store with `ATLAS_DATA_DIR=.atlas/langgraph pnpm ingest <folder>` (its data folder, langgraph.json).
 *
 * The graph is compiled without Atlas's Postgres checkpointer: the dev server brings its own
 * in-memory one (saved to `.langgraph_api/` between restarts). The approval gate is an
 * interrupt, so runs need a thread (`POST /threads/{id}/runs/wait`); a stateless `POST /runs/wait`
 * has no checkpointer and fails at the gate.
 */
const config = loadConfig();
const deps = await buildDeps(config, createLogger(config.LOG_LEVEL));
await seedRunbooks(deps);
export const planner = buildPlanningGraph(deps);
