import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { withinTimeBox } from "../../bus/redis/time-box.js";
import { sleep } from "../../lib/sleep.js";
import type { EventType } from "../../schemas/events.js";
import type { ServerDeps } from "../deps.js";
import { tenantOf } from "../plugins/auth.js";
import { errors, media } from "../responses.js";
import { openEventStream } from "./event-stream.js";
import { paramsSchema } from "./plan.js";

/** Events after which a run has stopped (at the approval gate or an end). */
const STOP_EVENTS = new Set<EventType>(["approval.requested", "design.blocked", "design.rejected", "apply.done", "rollback.done", "run.dropped", "run.failed"]);
const PING_MS = 15_000;

/**
 * `GET /architect/plan/:thread_id/stream`: a thread's lifecycle events as server-sent events,
 * from whichever replica runs it (the event bus follows the Redis stream). First `status`,
 * then each event under its type (`plan.pending`, `validate.result`, ...), and when the run
 * stops, `result` with the run as `GET /architect/plan/:thread_id` answers; then it ends.
 */
export const planStreamRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const schema = {
    tags: ["planning"],
    summary: "The thread's lifecycle events as server-sent events, from whichever replica runs it",
    description: "First `status`, then each lifecycle event under its type, and `result` (a RunView) when the run stops; then the stream ends.",
    params: paramsSchema,
    response: { 200: media("text/event-stream", "Server-sent events"), 400: errors.invalid, 404: errors.missingThread },
  };
  // A stream may outlast any shutdown grace: when the server closes, each ends at once (a
  // comment says why; a client such as EventSource reconnects, to another replica).
  const streams = new Set<(last?: string) => void>();
  app.addHook("preClose", async () => {
    if (streams.size > 0) deps.log.info({ streams: streams.size }, "server closing: plan streams ended");
    for (const end of streams) end(": server shutting down, reconnect\n\n");
  });
  app.get("/architect/plan/:thread_id/stream", { schema, config: { role: "viewer" } }, async (request, reply) => {
    const { thread_id } = request.params;
    const tenant = tenantOf(request);
    await deps.planner.get(thread_id, tenant); // 404 before the stream opens
    openEventStream(reply, { "x-accel-buffering": "no" });
    let open = true;
    let finishing = false;
    const send = (event: string, data: unknown) => {
      if (open) reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const ping = setInterval(() => open && reply.raw.write(": ping\n\n"), PING_MS);
    const end = (last?: string) => {
      if (!open) return;
      open = false;
      streams.delete(end);
      clearInterval(ping);
      unsubscribe();
      reply.raw.end(last);
    };
    streams.add(end);
    const finish = async () => {
      if (finishing) return;
      finishing = true;
      try {
        // a stop event is published inside the node: wait (bounded) until the runner recorded where it stopped
        for (let i = 0; i < 100 && open && (await deps.background.busy(thread_id, tenant)); i++) await sleep(100);
        send("result", await deps.planner.get(thread_id, tenant));
      } catch (error) {
        request.log.error({ err: error, thread_id }, "plan stream failed");
        send("error", { code: "INTERNAL", message: "Internal server error" });
      }
      end();
    };
    const unsubscribe = deps.events.subscribe((event) => {
      if (event.thread_id !== thread_id || event.tenant !== tenant) return;
      send(event.type, event);
      if (STOP_EVENTS.has(event.type)) void finish();
    });
    reply.raw.on("close", end);
    try {
      // a Redis that does not answer must not hold the stream: go on, and events come when it does
      await withinTimeBox(deps.events.ready(), deps.config.REDIS_REQUEST_TIMEOUT_MS, "follow the event stream").catch(() => {});
      const current = await deps.planner.get(thread_id, tenant);
      send("status", { thread_id, trace_id: current.trace_id, status: current.status });
      if (!(await deps.background.busy(thread_id, tenant))) await finish();
    } catch (error) {
      request.log.error({ err: error, thread_id }, "plan stream failed");
      send("error", { code: "INTERNAL", message: "Internal server error" });
      end();
    }
    return reply;
  });
};
