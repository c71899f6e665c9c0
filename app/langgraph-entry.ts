import { buildPlanningGraph } from "../graph/build.js";
import { loadConfig } from "../lib/config.js";
import { createLogger } from "../lib/log.js";
import { buildDeps } from "./deps.js";

/**
 * Entry for `langgraphjs dev` (see langgraph.json): the planning graph on dependencies built
 * from the environment. The LangGraph server brings its own checkpointer.
 */
const config = loadConfig();
const deps = await buildDeps(config, createLogger(config.LOG_LEVEL));
export const planner = buildPlanningGraph(deps);
