import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ServerDeps } from "../../deps.js";
import { platformAssistantRoutes, platformMetaRoutes } from "./assistants.js";
import { platformRunRoutes } from "./runs.js";
import { platformThreadRoutes } from "./threads.js";

/**
 * The LangGraph Platform API subset Atlas serves, so `@langchain/langgraph-sdk`, LangGraph Studio
 * and agent-chat-ui work against it: meta, assistants, threads, runs. Behind Atlas's auth (the
 * SDK's `x-api-key` header is accepted), tenant-scoped, on Atlas's own checkpoints and registry.
 */
export const platformRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  await app.register(platformMetaRoutes);
  await app.register(platformAssistantRoutes, { deps });
  await app.register(platformThreadRoutes, { deps });
  await app.register(platformRunRoutes, { deps });
};
