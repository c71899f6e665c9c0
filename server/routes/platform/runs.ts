import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { isAtlasError } from "../../../lib/errors.js";
import type { GraphChunk } from "../../../runs/driver.js";
import type { PlatformRunRecord } from "../../../runs/platform/registry.js";
import type { PlatformEvent, PlatformRunRequest, StreamMode } from "../../../runs/platform/service.js";
import { platformEvents } from "../../../runs/platform/values.js";
import type { ServerDeps } from "../../deps.js";
import { actorOf, principalOf, tenantOf } from "../../plugins/auth.js";
import { errors, json, media, type ResponseDoc } from "../../responses.js";
import { openEventStream } from "../event-stream.js";
import {
  cancelQuery,
  joinQuery,
  joinStreamQuery,
  type RunCreateBody,
  runCreateSchema,
  runListQuery,
  runParams,
  runSchema,
  statelessRunParams,
  threadParams,
} from "./schemas.js";

/** A run row as the Platform API answers it. */
const runJson = (row: PlatformRunRecord) => ({
  run_id: row.run_id,
  thread_id: row.thread_id,
  assistant_id: row.assistant_id,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
  status: row.status,
  metadata: row.metadata,
  multitask_strategy: row.multitask_strategy,
  kwargs: row.kwargs,
  error: row.error,
});

const modesOf = (mode: StreamMode | StreamMode[] | undefined): StreamMode[] => (mode === undefined ? ["values"] : [mode].flat());

const runRequest = (body: RunCreateBody): PlatformRunRequest => ({
  assistant_id: body.assistant_id,
  input: body.input,
  command: body.command,
  metadata: body.metadata,
  stream_mode: modesOf(body.stream_mode),
  multitask_strategy: body.multitask_strategy ?? "reject",
  if_not_exists: body.if_not_exists ?? "reject",
});

/**
 * A Platform stream over server-sent events: `content-location` names the run, each event is
 * `event: <mode>` with JSON data. Writes after the client left are dropped (the run goes on:
 * Atlas's runs continue on disconnect, as its own API's do).
 */
function openPlatformStream(reply: FastifyReply, location: string) {
  openEventStream(reply, { "content-location": location, "x-accel-buffering": "no" });
  const open = () => !reply.raw.destroyed && !reply.raw.writableEnded;
  return {
    send(event: PlatformEvent) {
      if (open()) reply.raw.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    end() {
      if (open()) reply.raw.end();
    },
  };
}

const locationOf = (row: PlatformRunRecord, stateless: boolean) => (stateless ? `/runs/${row.run_id}` : `/threads/${row.thread_id}/runs/${row.run_id}`);

const errorData = (error: unknown) =>
  isAtlasError(error) && error.status < 500 ? { error: error.code, message: error.message } : { error: "INTERNAL", message: "Internal server error" };

const runAnswer: ResponseDoc = { description: "The run", content: { "application/json": { schema: runSchema } } };
const streamAnswer = media(
  "text/event-stream",
  "`metadata` (run_id), then the graph's chunks in the stream modes asked (`values`, `updates`, `custom`; `messages` events for `messages-tuple`, `messages/complete` for `messages`: each node's summary message), `error` if it failed, `end`",
);
const waitAnswer = json(
  z.record(z.string(), z.unknown()),
  "The thread's values when the run ended: `__interrupt__` while it waits for approval, `__error__` if it failed",
);

/**
 * The Platform API's runs. A start (`input.goal`) or a resume (`command.resume`) of a thread; in
 * the background (a worker on any replica, or this replica for a resume), streamed, or waited for.
 * Joining and following a run work from any replica: the run's row is in Postgres and its events
 * come through the event tail.
 */
export const platformRunRoutes: FastifyPluginAsyncZod<{ deps: ServerDeps }> = async (app, { deps }) => {
  const platform = deps.platform;
  const tags = ["langgraph-platform"];
  const caller = (request: FastifyRequest) => ({ principal: principalOf(request), actor: actorOf(request) });
  const errorsOfCreate = { 400: errors.invalid, 403: errors.forbidden, 404: errors.missingThread, 409: errors.busy, 503: errors.retryable };

  /** Streams a run: this replica's graph chunks as they come, or (a run a worker took) its events through the tail. */
  async function stream(request: FastifyRequest, reply: FastifyReply, threadId: string | null, body: RunCreateBody) {
    const asked = runRequest(body);
    const modes = new Set<string>(asked.stream_mode);
    // chunks that come before the stream is open wait here (the graph starts before createRun returns)
    const early: PlatformEvent[] = [];
    let sink: ((event: PlatformEvent) => void) | null = null;
    const follow = (chunk: GraphChunk) => {
      for (const event of platformEvents(chunk, modes)) {
        if (sink) sink(event);
        else early.push(event);
      }
    };
    const { run, done } = await platform.createRun(caller(request), threadId, asked, "stream", follow);
    const out = openPlatformStream(reply, locationOf(run, threadId === null));
    if (run.queued) {
      // a worker on some replica runs it: follow its events
      const gone = new AbortController();
      reply.raw.on("close", () => gone.abort());
      try {
        await platform.joinStream(run.tenant, run.thread_id, run.run_id, (event) => out.send(event), gone.signal);
      } catch (error) {
        request.log.error({ err: error, run_id: run.run_id }, "platform stream failed");
        out.send({ event: "error", data: errorData(error) });
      }
      out.end();
      return reply;
    }
    out.send({ event: "metadata", data: { run_id: run.run_id, thread_id: run.thread_id, attempt: 1 } });
    for (const event of early) out.send(event);
    sink = (event) => out.send(event);
    const ended = await done();
    if (ended.status === "error") out.send({ event: "error", data: ended.error ?? { error: "RunFailed", message: "the run failed" } });
    out.send({ event: "end", data: null });
    out.end();
    return reply;
  }

  /** Runs to the end (or the approval gate) and answers the thread's values. */
  async function wait(request: FastifyRequest, reply: FastifyReply, threadId: string | null, body: RunCreateBody) {
    const { run, done } = await platform.createRun(caller(request), threadId, runRequest(body), "wait");
    reply.header("content-location", locationOf(run, threadId === null));
    const gone = new AbortController();
    request.raw.on("close", () => gone.abort());
    return platform.finalValues(await done(gone.signal));
  }

  const created = { body: runCreateSchema, tags };
  const threadRun = { params: threadParams, ...created };

  app.post(
    "/threads/:thread_id/runs",
    {
      schema: {
        ...threadRun,
        summary: "Create a background run: a new plan (input.goal) or the approval's answer (command.resume)",
        description:
          "A start is queued for a worker on any replica; a resume runs on this replica. `multitask_strategy: enqueue` queues a start behind a busy thread (else 409). Resuming needs the approver role; approving your own plan is refused unless the tenant allows it.",
        response: { 200: runAnswer, ...errorsOfCreate },
      },
      config: { role: "planner" },
    },
    async (request, reply) => {
      const { run, done } = await platform.createRun(caller(request), request.params.thread_id, runRequest(request.body), "background");
      // a resume runs here and records its own end; a queued start needs nobody to follow it
      if (!run.queued) done().catch((error: unknown) => request.log.error({ err: error, run_id: run.run_id }, "background platform run failed"));
      reply.header("content-location", locationOf(run, false));
      return runJson(run);
    },
  );

  app.post(
    "/threads/:thread_id/runs/stream",
    { schema: { ...threadRun, summary: "Create a run and stream it (SSE)", response: { 200: streamAnswer, ...errorsOfCreate } }, config: { role: "planner" } },
    async (request, reply) => stream(request, reply, request.params.thread_id, request.body),
  );

  app.post(
    "/threads/:thread_id/runs/wait",
    {
      schema: { ...threadRun, summary: "Create a run and wait for it to stop", response: { 200: waitAnswer, ...errorsOfCreate } },
      config: { role: "planner" },
    },
    async (request, reply) => wait(request, reply, request.params.thread_id, request.body),
  );

  app.post(
    "/runs/stream",
    {
      schema: {
        ...created,
        summary: "Stream a run on a new thread (kept: a plan waits at the approval gate)",
        description:
          "`content-location` names the new thread; resume it there. Atlas keeps the thread whatever `on_completion` says: a plan waiting for approval would be lost otherwise.",
        response: { 200: streamAnswer, ...errorsOfCreate },
      },
      config: { role: "planner" },
    },
    async (request, reply) => stream(request, reply, null, request.body),
  );

  app.post(
    "/runs/wait",
    {
      schema: {
        ...created,
        summary: "Run on a new thread and wait for it to stop (the thread is kept)",
        response: { 200: waitAnswer, ...errorsOfCreate },
      },
      config: { role: "planner" },
    },
    async (request, reply) => wait(request, reply, null, request.body),
  );

  app.get(
    "/threads/:thread_id/runs",
    {
      schema: {
        params: threadParams,
        tags,
        summary: "The thread's runs, newest first",
        querystring: runListQuery,
        response: { 200: json(z.array(runSchema), "OK"), 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const { limit, offset, status } = request.query;
      return (await platform.listRuns(tenantOf(request), request.params.thread_id, { limit, offset, status })).map(runJson);
    },
  );

  app.get(
    "/threads/:thread_id/runs/:run_id",
    { schema: { params: runParams, tags, summary: "A run", response: { 200: runAnswer, 404: errors.missingThread } }, config: { role: "viewer" } },
    async (request) => runJson(await platform.getRun(tenantOf(request), request.params.thread_id, request.params.run_id)),
  );

  app.get(
    "/threads/:thread_id/runs/:run_id/join",
    {
      schema: {
        params: runParams,
        tags,
        summary: "Wait for a run to end (from any replica) and answer the thread's values",
        querystring: joinQuery,
        response: { 200: waitAnswer, 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request) => {
      const gone = new AbortController();
      request.raw.on("close", () => gone.abort());
      return platform.join(tenantOf(request), request.params.thread_id, request.params.run_id, gone.signal);
    },
  );

  /** Follows a run from any replica: its lifecycle events as `custom`, then the values and `end`. */
  async function joinStream(request: FastifyRequest, reply: FastifyReply, threadId: string | null, runId: string) {
    const tenant = tenantOf(request);
    const row = await platform.getRun(tenant, threadId, runId); // 404 before the stream opens
    const out = openPlatformStream(reply, locationOf(row, threadId === null));
    const gone = new AbortController();
    reply.raw.on("close", () => gone.abort());
    try {
      await platform.joinStream(tenant, threadId, runId, (event) => out.send(event), gone.signal);
    } catch (error) {
      request.log.error({ err: error, run_id: runId }, "platform join stream failed");
      out.send({ event: "error", data: errorData(error) });
    }
    out.end();
    return reply;
  }

  app.get(
    "/threads/:thread_id/runs/:run_id/stream",
    {
      schema: {
        params: runParams,
        tags,
        summary: "Follow a run to its end (SSE, from any replica)",
        querystring: joinStreamQuery,
        response: { 200: streamAnswer, 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request, reply) => joinStream(request, reply, request.params.thread_id, request.params.run_id),
  );

  app.get(
    "/runs/:run_id/stream",
    {
      schema: {
        params: statelessRunParams,
        tags,
        summary: "Follow a run to its end (SSE), by run id alone",
        querystring: joinStreamQuery,
        response: { 200: streamAnswer, 404: errors.missingThread },
      },
      config: { role: "viewer" },
    },
    async (request, reply) => joinStream(request, reply, null, request.params.run_id),
  );

  app.post(
    "/threads/:thread_id/runs/:run_id/cancel",
    {
      schema: {
        params: runParams,
        tags,
        summary: "Cancel a background run a worker has not started",
        description: "A run being run is not stopped mid-node (409): a plan stops at the approval gate, where it can be rejected.",
        querystring: cancelQuery,
        response: { 200: runAnswer, 404: errors.missingThread, 409: errors.busy },
      },
      config: { role: "planner" },
    },
    async (request) => runJson(await platform.cancel(tenantOf(request), request.params.thread_id, request.params.run_id)),
  );
};
