import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ServerDeps } from "../../deps.js";
import { tenantOf } from "../../plugins/auth.js";
import { errors, json } from "../../responses.js";
import {
  checkpointBodySchema,
  historySchema,
  stateUpdateSchema,
  threadCountSchema,
  threadCreateSchema,
  threadParams,
  threadPatchSchema,
  threadSchema,
  threadSearchSchema,
  threadStateSchema,
} from "./schemas.js";

/**
 * The Platform API's threads: a thread is a row of Atlas's run registry (tenant-scoped: another
 * tenant's thread is a 404), its state and history the graph's checkpoints. State updates are for
 * admins; reading is for viewers, making and changing threads for planners.
 */
export const platformThreadRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const platform = deps.platform;
  const tags = ["langgraph-platform"];
  const one = { params: threadParams, tags };

  app.post(
    "/threads",
    {
      schema: {
        tags,
        summary: "Create a thread (NEW until its first run)",
        body: threadCreateSchema,
        response: { 200: json(threadSchema, "The thread (the existing one with if_exists: do_nothing)"), 400: errors.invalid, 409: errors.busy },
      },
      config: { role: "planner" },
    },
    async (request) =>
      platform.createThread(tenantOf(request), {
        thread_id: request.body.thread_id,
        metadata: request.body.metadata,
        if_exists: request.body.if_exists ?? "raise",
      }),
  );

  app.post(
    "/threads/search",
    {
      schema: {
        tags,
        summary: "Search the tenant's threads",
        body: threadSearchSchema,
        response: { 200: json(z.array(threadSchema), "OK"), 400: errors.invalid },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const { metadata, status, ids, limit, offset, sort_by, sort_order } = request.body;
      return platform.searchThreads(
        tenantOf(request),
        { metadata, status, ids },
        { limit, offset, sortBy: sort_by ?? "created_at", sortOrder: sort_order ?? "desc" },
      );
    },
  );

  app.post(
    "/threads/count",
    {
      schema: { tags, summary: "Count the tenant's threads", body: threadCountSchema, response: { 200: json(z.number().int(), "OK"), 400: errors.invalid } },
      config: { role: "viewer" },
    },
    async (request) => platform.countThreads(tenantOf(request), { metadata: request.body.metadata, status: request.body.status }),
  );

  app.get(
    "/threads/:thread_id",
    {
      schema: { ...one, summary: "A thread: status, metadata, values, interrupts", response: { 200: json(threadSchema, "OK"), 404: errors.missingThread } },
      config: { role: "viewer" },
    },
    async (request) => platform.getThread(tenantOf(request), request.params.thread_id),
  );

  app.patch(
    "/threads/:thread_id",
    {
      schema: {
        ...one,
        summary: "Merge metadata into a thread",
        body: threadPatchSchema,
        response: { 200: json(threadSchema, "OK"), 400: errors.invalid, 404: errors.missingThread },
      },
      config: { role: "planner" },
    },
    async (request) => platform.patchThread(tenantOf(request), request.params.thread_id, request.body.metadata),
  );

  app.delete(
    "/threads/:thread_id",
    {
      schema: {
        ...one,
        summary: "Delete a thread that is not being run, with its checkpoints and runs",
        description: "GitOps commits and the audit log are kept. Admin only: the checkpoints are the plan's history.",
        response: { 204: json(z.null(), "Deleted: no content"), 404: errors.missingThread, 409: errors.busy },
      },
      config: { role: "admin" },
    },
    async (request, reply) => {
      await platform.deleteThread(tenantOf(request), request.params.thread_id);
      return reply.status(204).send();
    },
  );

  app.get(
    "/threads/:thread_id/state",
    {
      schema: {
        ...one,
        summary: "The thread's latest state (checkpoint)",
        querystring: z.object({ subgraphs: z.enum(["true", "false"]).optional() }).strict(),
        response: { 200: json(threadStateSchema, "OK"), 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => platform.state(tenantOf(request), request.params.thread_id),
  );

  app.get(
    "/threads/:thread_id/state/:checkpoint_id",
    {
      schema: {
        tags,
        summary: "The thread's state at one checkpoint",
        params: threadParams.extend({ checkpoint_id: z.string().min(1).max(128) }).strict(),
        querystring: z.object({ subgraphs: z.enum(["true", "false"]).optional() }).strict(),
        response: { 200: json(threadStateSchema, "OK"), 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => platform.state(tenantOf(request), request.params.thread_id, request.params.checkpoint_id),
  );

  app.post(
    "/threads/:thread_id/state/checkpoint",
    {
      schema: {
        ...one,
        summary: "The thread's state at one checkpoint",
        body: checkpointBodySchema,
        response: { 200: json(threadStateSchema, "OK"), 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => platform.state(tenantOf(request), request.params.thread_id, request.body.checkpoint.checkpoint_id),
  );

  app.post(
    "/threads/:thread_id/state",
    {
      schema: {
        ...one,
        summary: "Write state values as a node would (admin only)",
        description: "Only while the thread is not being run; under its claim, so no run can start in between.",
        body: stateUpdateSchema,
        response: {
          200: json(z.object({ checkpoint: z.unknown() }), "The checkpoint written"),
          400: errors.invalid,
          404: errors.missingThread,
          409: errors.busy,
        },
      },
      config: { role: "admin" },
    },
    async (request) => platform.updateState(tenantOf(request), request.params.thread_id, request.body, deps.replica),
  );

  app.post(
    "/threads/:thread_id/history",
    {
      schema: {
        ...one,
        summary: "The thread's checkpoints, newest first",
        body: historySchema,
        response: { 200: json(z.array(threadStateSchema), "OK"), 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const { limit, before, metadata } = request.body;
      const beforeId = typeof before === "string" ? before : before?.configurable.checkpoint_id;
      return platform.history(tenantOf(request), request.params.thread_id, { limit, before: beforeId, metadata });
    },
  );
};
