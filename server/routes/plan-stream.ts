import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { withinTimeBox } from "../../bus/redis/time-box.js";
import { sleep } from "../../lib/sleep.js";
import type { EventType } from "../../schemas/events.js";
import type { ServerDeps } from "../deps.js";
import { tenantOf } from "../plugins/auth.js";
import { errors, media } from "../responses.js";
import { eventStreams } from "./event-stream.js";
import { paramsSchema, threadIdSchema } from "./plan.js";

/** Events after which a run has stopped (at the approval gate or an end). */
const STOP_EVENTS = new Set<EventType>(["approval.requested", "design.blocked", "design.rejected", "apply.done", "rollback.done", "run.dropped", "run.failed"]);

/** `GET /architect/plans/stream`'s query: one thread's events, or every event of the caller's tenant. */
const followQuerySchema = z.object({ thread_id: threadIdSchema.optional() }).strict();

/**
 * `GET /architect/plan/:thread_id/stream`: a thread's lifecycle events as server-sent events,
 * from whichever replica runs it (the event bus follows the Redis stream). First `status`,
 * then each event under its type (`plan.pending`, `validate.result`, ...), and when the run
 * stops, `result` with the run as `GET /architect/plan/:thread_id` answers; then it ends.
 *
 * `GET /architect/plans/stream`: every event of the caller's tenant (or one thread's), live, until
 * the client leaves; what the console follows.
 */
export const planStreamRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const schema = {
    tags: ["planning"],
    summary: "The thread's lifecycle events as server-sent events, from whichever replica runs it",
    description: "First `status`, then each lifecycle event under its type, and `result` (a RunView) when the run stops; then the stream ends.",
    params: paramsSchema,
    response: { 200: media("text/event-stream", "Server-sent events"), 400: errors.invalid, 404: errors.missingThread },
  };
  const streams = eventStreams(app, deps.log, "plan streams");
  app.get("/architect/plan/:thread_id/stream", { schema, config: { role: "viewer" } }, async (request, reply) => {
    const { thread_id } = request.params;
    const tenant = tenantOf(request);
    await deps.planner.get(thread_id, tenant); // 404 before the stream opens
    let finishing = false;
    let unsubscribe = () => {};
    const stream = streams.open(reply, () => unsubscribe());
    const finish = async () => {
      if (finishing) return;
      finishing = true;
      try {
        // a stop event is published inside the node: wait (bounded) until the runner recorded where it stopped
        for (let i = 0; i < 100 && stream.open && (await deps.background.busy(thread_id, tenant)); i++) await sleep(100);
        stream.send("result", await deps.planner.get(thread_id, tenant));
      } catch (error) {
        request.log.error({ err: error, thread_id }, "plan stream failed");
        stream.send("error", { code: "INTERNAL", message: "Internal server error" });
      }
      stream.end();
    };
    unsubscribe = deps.events.subscribe((event) => {
      if (event.thread_id !== thread_id || event.tenant !== tenant) return;
      stream.send(event.type, event);
      if (STOP_EVENTS.has(event.type)) void finish();
    });
    try {
      // a Redis that does not answer must not hold the stream: go on, and events come when it does
      await withinTimeBox(deps.events.ready(), deps.config.REDIS_REQUEST_TIMEOUT_MS, "follow the event stream").catch(() => {});
      const current = await deps.planner.get(thread_id, tenant);
      stream.send("status", { thread_id, trace_id: current.trace_id, status: current.status });
      if (!(await deps.background.busy(thread_id, tenant))) await finish();
    } catch (error) {
      request.log.error({ err: error, thread_id }, "plan stream failed");
      stream.send("error", { code: "INTERNAL", message: "Internal server error" });
      stream.end();
    }
    return reply;
  });

  app.get(
    "/architect/plans/stream",
    {
      schema: {
        tags: ["planning"],
        summary: "The tenant's lifecycle events, live, as server-sent events (one thread's with ?thread_id=)",
        description:
          "Every lifecycle event of the caller's tenant from now on, from every replica, under its type, until the client disconnects. " +
          "First `ready` (events published from then on are delivered); no replay: a client that reconnects reads the state again " +
          "(`GET /architect/plans`, `GET /architect/plan/{thread_id}`). What the console's runs list and run page follow.",
        querystring: followQuerySchema,
        response: { 200: media("text/event-stream", "Server-sent events"), 400: errors.invalid },
      },
      config: { role: "viewer" },
    },
    async (request, reply) => {
      const { thread_id } = request.query;
      const tenant = tenantOf(request);
      let unsubscribe = () => {};
      const stream = streams.open(reply, () => unsubscribe());
      unsubscribe = deps.events.subscribe((event) => {
        if (event.tenant !== tenant || (thread_id && event.thread_id !== thread_id)) return;
        stream.send(event.type, event);
      });
      await withinTimeBox(deps.events.ready(), deps.config.REDIS_REQUEST_TIMEOUT_MS, "follow the event stream").catch(() => {});
      stream.send("ready", { tenant, ...(thread_id ? { thread_id } : {}) });
      return reply;
    },
  );
};
