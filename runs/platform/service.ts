import { randomUUID } from "node:crypto";
import type { StateSnapshot } from "@langchain/langgraph";
import type pg from "pg";
import type { EventBus } from "../../bus/events.js";
import { runEndEvent } from "../../bus/outbox.js";
import { PlanState, type PlanStateValue, type RunStatus } from "../../graph/state.js";
import { AtlasError, isAtlasError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { validationError } from "../../lib/validation.js";
import type { LifecycleEvent } from "../../schemas/events.js";
import { toApprovalDecision } from "../../schemas/human-response.js";
import type { AuditLog } from "../../tenants/audit.js";
import type { Actor, Principal } from "../../tenants/keys.js";
import { hasRole } from "../../tenants/roles.js";
import type { BackgroundRuns } from "../background.js";
import { decideAudited } from "../decisions.js";
import { conflict, type GraphChunk, isBusy, newTraceId, planIdOf, type RunDriver, type RunView, threadConfig } from "../driver.js";
import { platformThreadStatus, type RunRecord, type ThreadFilter } from "../registry.js";
import type { PlanService } from "../service.js";
import { FINAL_RUN_STATUSES, type PlatformRunRecord, type PlatformRunRegistry, type PlatformRunStatus } from "./registry.js";
import { interruptsOf, planFromInput, platformValues } from "./values.js";

/** The one graph Atlas serves, and its assistant: read-only, one per graph, as `langgraph.json` names it. */
export const GRAPH_ID = "planner";
/** The planner's assistant id: fixed, so clients may keep it (the graph id is accepted as well). */
export const ASSISTANT_ID = "6f1c3a2e-0b7d-5e2a-9c41-a7135e0d8b52";

/** Stream modes Atlas streams; `messages-tuple` and `messages` carry each node's summary message whole (no tokens). */
export const STREAM_MODES = ["values", "updates", "custom", "messages", "messages-tuple"] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

/** One server-sent event of a Platform stream. */
export interface PlatformEvent {
  event: "metadata" | "values" | "updates" | "custom" | "messages" | "messages/complete" | "error" | "end";
  data: unknown;
}

/** A run request as the routes hand it over (shapes checked by the route's schema). */
export interface PlatformRunRequest {
  assistant_id: string;
  input?: unknown;
  command?: { resume?: unknown } | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  stream_mode: StreamMode[];
  multitask_strategy: "reject" | "enqueue";
  if_not_exists: "create" | "reject";
}

/** The caller of a Platform request: its key, as the audit log records it. */
export interface PlatformCaller {
  principal: Principal;
  actor: Actor;
}

export interface PlatformParts {
  driver: RunDriver;
  planner: PlanService;
  background: BackgroundRuns;
  platformRuns: PlatformRunRegistry;
  events: EventBus;
  pool: pg.Pool;
  audit: AuditLog;
  log: Logger;
}

/** What a thread's registry status means for the run that stopped there. */
function endOf(status: RunStatus): PlatformRunStatus {
  if (status === "WAIT_FOR_APPROVE" || status === "WAIT_FOR_ANSWER") return "interrupted";
  return status === "FAILED" || status === "APPLYING" ? "error" : "success";
}

const notFound = (what: string) => new AtlasError("NOT_FOUND", what);

/**
 * The LangGraph Platform API's threads and runs, on Atlas's own parts: a thread is a row of the
 * run registry (so claims, tenants and the busy-thread rules are the ones Atlas's API keeps), its
 * state is the graph's checkpoints, a run is a row of atlas_platform_runs. Starts queued for a
 * background worker run on any replica, and their status is read from the registry; everything
 * else runs in the replica that took the request and records its end itself.
 */
export function makePlatformApi(parts: PlatformParts) {
  const { driver, planner, background, platformRuns, events, pool, audit, log } = parts;
  const { graph, runs } = driver;

  async function requireThread(tenant: string, threadId: string): Promise<RunRecord> {
    const run = await runs.get(threadId, tenant);
    if (!run) throw notFound(`No thread ${threadId}`);
    return run;
  }

  function requireAssistant(assistantId: string): void {
    if (assistantId !== ASSISTANT_ID && assistantId !== GRAPH_ID)
      throw notFound(`No assistant ${assistantId}: this server has one, "${GRAPH_ID}" (${ASSISTANT_ID})`);
  }

  const checkpointOf = (run: RunRecord, config: StateSnapshot["config"] | undefined) =>
    config?.configurable?.checkpoint_id
      ? {
          thread_id: run.thread_id,
          checkpoint_ns: String(config.configurable.checkpoint_ns ?? ""),
          checkpoint_id: String(config.configurable.checkpoint_id),
          checkpoint_map: null,
        }
      : null;

  /** A checkpoint snapshot as a Platform ThreadState. */
  function threadState(run: RunRecord, snapshot: StateSnapshot) {
    return {
      values: platformValues(snapshot.values),
      next: snapshot.next,
      checkpoint: checkpointOf(run, snapshot.config) ?? { thread_id: run.thread_id, checkpoint_ns: "", checkpoint_id: null, checkpoint_map: null },
      metadata: snapshot.metadata ?? {},
      created_at: snapshot.createdAt ?? null,
      parent_checkpoint: checkpointOf(run, snapshot.parentConfig),
      tasks: snapshot.tasks.map((task) => ({
        id: task.id,
        name: task.name,
        error: task.error ? String((task.error as Error).message ?? task.error) : null,
        interrupts: (task.interrupts ?? []).map((item) => ({ id: item.id, value: item.value })),
        checkpoint: null,
        state: null,
      })),
    };
  }

  /** A registry row as a Platform Thread; `withValues` reads its latest checkpoint. */
  async function threadOf(run: RunRecord, withValues = true) {
    const snapshot = withValues ? await graph.getState(threadConfig(run)) : null;
    return {
      thread_id: run.thread_id,
      created_at: new Date(run.created_at).toISOString(),
      updated_at: new Date(run.updated_at).toISOString(),
      state_updated_at: new Date(run.updated_at).toISOString(),
      metadata: { graph_id: GRAPH_ID, assistant_id: ASSISTANT_ID, ...run.metadata },
      status: platformThreadStatus(run),
      values: snapshot ? platformValues(snapshot.values) : {},
      interrupts: snapshot ? interruptsOf(snapshot) : {},
      // Atlas's own view of the thread, for clients that know it
      atlas: { status: run.status, plan_id: run.plan_id, trace_id: run.trace_id, plan_version: run.plan_version },
    };
  }

  /**
   * A run's status now. A queued start is read from the registry (a worker on any replica runs it):
   * its trace being run or queued is running/pending, stopped there is its end. A run this or
   * another replica runs in process records its own end; if that replica died (its claim went stale
   * and the thread is no longer busy), the thread's status is its end. An end found is written back.
   */
  async function refresh(row: PlatformRunRecord): Promise<PlatformRunRecord> {
    if (FINAL_RUN_STATUSES.includes(row.status)) return row;
    const thread = await runs.get(row.thread_id, row.tenant);
    if (!thread) return { ...row, status: "error", error: { error: "ThreadDeleted", message: "the thread was deleted" } };
    let status: PlatformRunStatus = row.status;
    let error: PlatformRunRecord["error"] = null;
    if (row.queued && thread.trace_id === row.trace_id) {
      if (isBusy(thread)) status = thread.claimed_by ? "running" : "pending";
      else status = endOf(thread.status);
    } else if (row.queued) {
      // not (or no longer) the thread's run: queued behind another, or refused by the worker
      const ended = await runEndEvent(pool, row);
      if (ended) {
        status = "error";
        error = { error: ended.type === "run.dropped" ? "RunDropped" : "RunFailed", message: String(ended.data.reason ?? ended.data.error ?? ended.type) };
      }
    } else if (!isBusy(thread) && Date.now() - new Date(row.updated_at).getTime() > (runs.staleClaimSeconds + 5) * 1000) {
      status = endOf(thread.status);
    }
    if (status === "error" && !error && thread.status === "FAILED")
      error = { error: "RunFailed", message: `the run failed; see GET /architect/plan/${row.thread_id}/events` };
    if (status === row.status) return row;
    if (FINAL_RUN_STATUSES.includes(status)) await platformRuns.mark(row.run_id, status, error);
    return { ...row, status, error };
  }

  /** Waits, woken by the thread's events (from any replica) and a slow poll, until `row` has ended. */
  async function untilEnded(row: PlatformRunRecord, signal?: AbortSignal, onEvent?: (event: LifecycleEvent) => void): Promise<PlatformRunRecord> {
    let wake: (() => void) | null = null;
    const unsubscribe = events.subscribe((event) => {
      if (event.tenant !== row.tenant || event.thread_id !== row.thread_id) return;
      onEvent?.(event);
      wake?.();
    });
    try {
      await events.ready().catch(() => {});
      for (;;) {
        const current = await refresh((await platformRuns.get(row.tenant, row.thread_id, row.run_id)) ?? row);
        if (FINAL_RUN_STATUSES.includes(current.status) || signal?.aborted) return current;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          signal?.addEventListener("abort", () => wake?.(), { once: true });
        });
        wake = null;
      }
    } finally {
      unsubscribe();
    }
  }

  /** What `wait` and `join` answer: the thread's values, with `__interrupt__` while it waits, or `__error__`. */
  async function finalValues(row: PlatformRunRecord) {
    const thread = await requireThread(row.tenant, row.thread_id);
    const snapshot = await graph.getState(threadConfig(thread));
    const values = platformValues(snapshot.values);
    const interrupts = Object.values(interruptsOf(snapshot)).flat();
    if (interrupts.length > 0) values.__interrupt__ = interrupts;
    if (row.status === "error") values.__error__ = row.error ?? { error: "RunFailed", message: "the run failed" };
    return values;
  }

  /**
   * Runs `work` in this replica for `row`: resolves once the run holds its thread (or rejects with
   * the refusal: 409, 403, 400 — the row is removed then, so no run that never ran is listed); the
   * returned `done` settles when the run stops, with the row's end recorded.
   */
  async function launch(row: PlatformRunRecord, work: (onStart: () => void) => Promise<RunView>, follow?: (chunk: GraphChunk) => void) {
    // the thread's lifecycle events, as the graph's `custom` chunks, while this replica runs it
    const unsubscribe = follow
      ? events.subscribe((event) => {
          if (event.tenant === row.tenant && event.thread_id === row.thread_id) follow({ mode: "custom", data: event });
        })
      : () => {};
    let started: () => void = () => {};
    const begun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = work(() => started());
    void running.then(unsubscribe, unsubscribe);
    const first = await Promise.race([begun.then(() => "started" as const), running.then(() => "done" as const)]).catch(async (error: unknown) => {
      await platformRuns.remove(row.run_id);
      throw error;
    });
    if (first === "started") await platformRuns.mark(row.run_id, "running").catch(() => false);
    const done = running.then(
      async (view) => {
        const status = endOf(view.status);
        await platformRuns.mark(row.run_id, status);
        return { ...row, status };
      },
      async (error: unknown) => {
        const detail = { error: isAtlasError(error) ? error.code : "RunFailed", message: (error as Error).message?.slice(0, 1_000) ?? "run failed" };
        await platformRuns.mark(row.run_id, "error", detail).catch(() => false);
        log.warn({ err: error, run_id: row.run_id, thread_id: row.thread_id }, "platform run failed");
        return { ...row, status: "error" as const, error: detail };
      },
    );
    return { done };
  }

  return {
    requireAssistant,

    /** The planning graph's nodes and edges, as Studio draws them. */
    async drawableGraph() {
      return (await graph.getGraphAsync()).toJSON();
    },

    async createThread(
      tenant: string,
      request: { thread_id?: string | undefined; metadata?: Record<string, unknown> | undefined; if_exists: "raise" | "do_nothing" },
    ) {
      const threadId = request.thread_id ?? randomUUID();
      const { created, thread } = await runs.createThread({
        thread_id: threadId,
        tenant,
        plan_id: planIdOf(threadId),
        trace_id: newTraceId(),
        metadata: request.metadata ?? {},
      });
      if (!created && request.if_exists === "raise") throw new AtlasError("CONFLICT", `Thread ${threadId} exists`, { details: { status: thread.status } });
      return threadOf(thread);
    },

    async getThread(tenant: string, threadId: string) {
      return threadOf(await requireThread(tenant, threadId));
    },

    async searchThreads(
      tenant: string,
      filter: ThreadFilter,
      page: { limit: number; offset: number; sortBy: "thread_id" | "status" | "created_at" | "updated_at"; sortOrder: "asc" | "desc" },
    ) {
      const rows = await runs.searchThreads(tenant, filter, page);
      return Promise.all(rows.map((row) => threadOf(row)));
    },

    countThreads: (tenant: string, filter: ThreadFilter) => runs.countThreads(tenant, filter),

    async patchThread(tenant: string, threadId: string, metadata: Record<string, unknown>) {
      const run = await runs.patchMetadata(threadId, tenant, metadata);
      if (!run) throw notFound(`No thread ${threadId}`);
      return threadOf(run);
    },

    /** Deletes a thread that is not being run: its registry row, its Platform runs and its checkpoints (GitOps commits and the audit log stay). */
    async deleteThread(tenant: string, threadId: string) {
      const existing = await requireThread(tenant, threadId);
      const deleted = await runs.deleteIdle(threadId, tenant);
      if (!deleted) throw conflict(existing, "delete");
      const saver = graph.checkpointer;
      if (saver && typeof saver === "object") await saver.deleteThread(deleted.graph_thread);
    },

    async state(tenant: string, threadId: string, checkpointId?: string) {
      const run = await requireThread(tenant, threadId);
      const config = { configurable: { thread_id: run.graph_thread, ...(checkpointId ? { checkpoint_id: checkpointId } : {}) } };
      const snapshot = await graph.getState(config);
      if (checkpointId && !snapshot.config?.configurable?.checkpoint_id) throw notFound(`No checkpoint ${checkpointId} in thread ${threadId}`);
      return threadState(run, snapshot);
    },

    async history(tenant: string, threadId: string, options: { limit: number; before?: string | undefined; metadata?: Record<string, unknown> | undefined }) {
      const run = await requireThread(tenant, threadId);
      const states = [];
      const listing = graph.getStateHistory(threadConfig(run), {
        limit: options.limit,
        ...(options.before ? { before: { configurable: { thread_id: run.graph_thread, checkpoint_id: options.before } } } : {}),
        ...(options.metadata ? { filter: options.metadata } : {}),
      });
      for await (const snapshot of listing) states.push(threadState(run, snapshot));
      return states;
    },

    /**
     * Writes state values as if `asNode` had (admin only, checked by the route): under the thread's
     * claim, so no run can be in between, and only while the thread is not running.
     */
    async updateState(tenant: string, threadId: string, update: { values: Record<string, unknown>; as_node?: string | undefined }, owner: string) {
      const channels = new Set(Object.keys(PlanState.spec));
      const nodes = new Set(Object.keys(graph.nodes).filter((name) => !name.startsWith("__")));
      const issues = [
        ...Object.keys(update.values)
          .filter((key) => !channels.has(key))
          .map((key) => ({ path: `values.${key}`, message: "not a field of the plan's state" })),
        ...(update.as_node !== undefined && !nodes.has(update.as_node) ? [{ path: "as_node", message: `not a node: one of ${[...nodes].join(", ")}` }] : []),
      ];
      if (issues.length)
        throw new AtlasError("VALIDATION_FAILED", `Invalid request: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`, { issues });
      const existing = await requireThread(tenant, threadId);
      if (isBusy(existing)) throw conflict(existing, "update the state of");
      const claimed = await runs.claim(threadId, tenant, [existing.status], owner);
      if (!claimed) throw conflict(existing, "update the state of");
      try {
        const config = await graph.updateState(threadConfig(claimed), update.values, update.as_node);
        return { checkpoint: checkpointOf(claimed, config) };
      } finally {
        const view = await driver.view(claimed);
        await runs.release(claimed, owner, {
          status: existing.status === "NEW" && !view.plan ? "NEW" : view.status,
          plan_version: view.plan?.version ?? 0,
          tokens_used: view.tokens_used,
        });
      }
    },

    /**
     * Creates a run. A start (`input.goal`) runs here, unless it is a background run or queued
     * behind a busy thread (`multitask_strategy: "enqueue"`): then a worker on any replica runs it.
     * A resume (`command.resume`) is checked before it reaches the graph (an invalid decision is a
     * 400 and the interrupt keeps waiting), with the approver's key, self-approval and audit as in
     * Atlas's own API. `follow` gets the graph's chunks of a run this replica runs.
     * @returns the run row, and `done`, which settles when the run has ended (a queued run is
     * followed only once `done` is called; `signal` stops following it).
     */
    async createRun(
      caller: PlatformCaller,
      threadId: string | null,
      request: PlatformRunRequest,
      how: "background" | "stream" | "wait",
      follow?: (chunk: GraphChunk) => void,
    ): Promise<{ run: PlatformRunRecord; done: (signal?: AbortSignal) => Promise<PlatformRunRecord> }> {
      requireAssistant(request.assistant_id);
      const tenant = caller.principal.tenant;
      const hasInput = request.input !== undefined && request.input !== null;
      const resume = request.command?.resume;
      if (hasInput && resume !== undefined) {
        throw new AtlasError("VALIDATION_FAILED", "Invalid request: send input (a new plan) or command.resume (the approval's answer), not both", {
          issues: [{ path: "command", message: "not together with input" }],
        });
      }
      if (!hasInput && resume === undefined) {
        throw new AtlasError(
          "VALIDATION_FAILED",
          'Invalid request: input.goal: Required (send { "input": { "goal": ... } } or { "command": { "resume": ... } })',
          {
            issues: [{ path: "input.goal", message: "Required" }],
          },
        );
      }
      const base = {
        run_id: randomUUID(),
        tenant,
        assistant_id: ASSISTANT_ID,
        multitask_strategy: request.multitask_strategy,
        metadata: request.metadata ?? {},
        kwargs: { stream_mode: request.stream_mode, ...(hasInput ? { input: request.input } : { command: request.command }) },
        created_by: caller.principal.keyId,
      };

      if (resume !== undefined) {
        if (threadId === null) {
          throw new AtlasError("VALIDATION_FAILED", "Invalid request: command.resume needs a thread: POST /threads/{thread_id}/runs", {
            issues: [{ path: "command.resume", message: "a stateless run has no interrupt to resume" }],
          });
        }
        const thread = await requireThread(tenant, threadId);
        if (thread.status === "WAIT_FOR_ANSWER") {
          // the clarify questions of a plan described in plain language: checked by the service under the claim
          const row = await platformRuns.insert({ ...base, thread_id: threadId, kind: "resume", queued: false, status: "pending", trace_id: thread.trace_id });
          const { done } = await launch(
            row,
            (onStart) => planner.answer(threadId, tenant, resume, { onStart, onChunk: follow }, caller.principal.name, "command.resume"),
            follow,
          );
          return { run: (await platformRuns.get(tenant, threadId, row.run_id)) ?? row, done: () => done };
        }
        if (!hasRole(caller.principal.roles, "approver")) {
          throw new AtlasError(
            "FORBIDDEN",
            `Answering the approval (command.resume) needs the approver role; key "${caller.principal.name}" has ${caller.principal.roles.join(", ")}`,
          );
        }
        const parsed = toApprovalDecision(resume, caller.principal.name);
        if (!parsed.ok) throw validationError(parsed.error, "command.resume");
        const row = await platformRuns.insert({ ...base, thread_id: threadId, kind: "resume", queued: false, status: "pending", trace_id: thread.trace_id });
        const { done } = await launch(
          row,
          (onStart) =>
            decideAudited(
              { planner, audit, log },
              { principal: caller.principal, actor: caller.actor, thread_id: threadId, decision: parsed.decision, follow: { onStart, onChunk: follow } },
            ),
          follow,
        );
        return { run: (await platformRuns.get(tenant, threadId, row.run_id)) ?? row, done: () => done };
      }

      const source = planFromInput(request.input);
      const id = threadId ?? randomUUID();
      let thread = await runs.get(id, tenant);
      if (!thread) {
        if (threadId !== null && request.if_not_exists !== "create") throw notFound(`No thread ${threadId} (send if_not_exists: "create" to make it)`);
        thread = (await runs.createThread({ thread_id: id, tenant, plan_id: planIdOf(id), trace_id: newTraceId(), metadata: {} })).thread;
      }
      const traceId = newTraceId();
      const start = { ...source, thread_id: id, tenant, created_by: caller.principal.keyId, trace_id: traceId };
      if (how === "background" || (request.multitask_strategy === "enqueue" && isBusy(thread))) {
        await background.submit(start, request.multitask_strategy === "enqueue" ? "queue" : "reject");
        const row = await platformRuns.insert({ ...base, thread_id: id, kind: "start", queued: true, status: "pending", trace_id: traceId });
        return { run: row, done: (signal?: AbortSignal) => untilEnded(row, signal) };
      }
      const row = await platformRuns.insert({ ...base, thread_id: id, kind: "start", queued: false, status: "pending", trace_id: traceId });
      const { done } = await launch(row, (onStart) => planner.start(start, { onStart, onChunk: follow }), follow);
      return { run: (await platformRuns.get(tenant, id, row.run_id)) ?? row, done: () => done };
    },

    async getRun(tenant: string, threadId: string | null, runId: string) {
      const row = await platformRuns.get(tenant, threadId, runId);
      if (!row) throw notFound(`No run ${runId}${threadId ? ` in thread ${threadId}` : ""}`);
      return refresh(row);
    },

    async listRuns(tenant: string, threadId: string, page: { limit: number; offset: number; status?: PlatformRunStatus | undefined }) {
      await requireThread(tenant, threadId);
      return Promise.all((await platformRuns.list(tenant, threadId, page)).map(refresh));
    },

    /** Waits for a run to end (it may run on any replica) and answers its thread's values. */
    async join(tenant: string, threadId: string, runId: string, signal?: AbortSignal) {
      const row = await this.getRun(tenant, threadId, runId);
      return finalValues(await untilEnded(row, signal));
    },

    finalValues,

    /**
     * Follows a run to its end from any replica, through the event tail: each lifecycle event of the
     * thread as `custom`, then the thread's values, then `end`.
     */
    async joinStream(tenant: string, threadId: string | null, runId: string, send: (event: PlatformEvent) => void, signal?: AbortSignal) {
      const row = await this.getRun(tenant, threadId, runId);
      send({ event: "metadata", data: { run_id: row.run_id, thread_id: row.thread_id, attempt: 1 } });
      const ended = await untilEnded(row, signal, (event) => send({ event: "custom", data: event }));
      if (signal?.aborted) return;
      const values = await finalValues(ended);
      if (ended.status === "error") send({ event: "error", data: ended.error ?? { error: "RunFailed", message: "the run failed" } });
      else send({ event: "values", data: values });
      send({ event: "end", data: null });
    },

    /**
     * Cancels a run that has not started: a background start still waiting for a worker. A run
     * being run is not stopped mid-node (409): a plan stops at the approval gate, where it can be rejected.
     */
    async cancel(tenant: string, threadId: string, runId: string) {
      const row = await this.getRun(tenant, threadId, runId);
      if (FINAL_RUN_STATUSES.includes(row.status)) return row;
      const thread = await requireThread(tenant, threadId);
      const waiting = row.queued && row.status === "pending" && thread.trace_id === row.trace_id && thread.status === "PENDING" && !thread.claimed_by;
      if (!waiting) {
        throw new AtlasError(
          "CONFLICT",
          `Run ${runId} is ${row.status === "running" ? "being run" : "queued behind the thread's current run"}: Atlas does not stop a run mid-node. It stops at the approval gate; reject the plan there.`,
          { details: { status: row.status } },
        );
      }
      // back to what the thread was before this run was queued: its last checkpoint's status, or NEW
      const previous = (await graph.getState(threadConfig(thread))).values as Partial<PlanStateValue>;
      const back: RunStatus = previous.status && previous.status !== "PENDING" ? previous.status : "NEW";
      if (!(await background.abandon({ thread_id: threadId, tenant, trace_id: row.trace_id }, back))) {
        throw new AtlasError("CONFLICT", `Run ${runId} was taken by a worker just now; it cannot be cancelled any more`, { details: { status: "running" } });
      }
      await platformRuns.mark(row.run_id, "interrupted", { error: "Cancelled", message: "cancelled before a worker started it" });
      return { ...row, status: "interrupted" as const };
    },
  };
}

export type PlatformApi = ReturnType<typeof makePlatformApi>;
