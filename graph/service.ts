import { randomBytes, randomUUID } from "node:crypto";
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { Command } from "@langchain/langgraph";
import { AtlasError } from "../lib/errors.js";
import { type Logger, runLogger } from "../lib/log.js";
import type { GoalStatement } from "../schemas/goal.js";
import type { ApprovalDecision } from "../schemas/reports.js";
import { claimWhenStopped, makeBackgroundRuns } from "./background.js";
import type { PlanningGraph } from "./build.js";
import type { RunRecord, RunRegistry } from "./runs.js";
import type { PlanStateValue, RunStatus } from "./state.js";

/** Statuses from which a new run may start on an existing thread. */
const RESTARTABLE: RunStatus[] = ["DONE", "BLOCKED", "REJECTED", "ROLLED_BACK", "FAILED"];

/** A node finished: what the SSE stream reports. */
export interface ProgressEvent {
  node: string;
  status: RunStatus | undefined;
  plan_version: number | undefined;
}

/** The answer to plan, resume and rollback requests, and to `GET /architect/plan/:id`. */
export interface RunView {
  thread_id: string;
  plan_id: string;
  trace_id: string;
  status: RunStatus;
  plan: PlanStateValue["plan"];
  validation: PlanStateValue["validation"];
  cost: PlanStateValue["plan"] extends infer P ? (P extends { cost: infer C } ? C | null : null) : null;
  artifacts: { path: string; kind: string; sha256: string; bytes: number }[];
  artifacts_digest: string | null;
  interrupt: unknown | null;
  blocked: PlanStateValue["blocked"];
  applied: PlanStateValue["applied"];
  decision: PlanStateValue["decision"];
  revisions: number;
  tokens_used: number;
}

const newTraceId = () => randomBytes(16).toString("hex");

/** What the plan service reports about its runs; every part is optional. */
export interface RunObserver {
  /** each run logs through a child of this bound to its trace_id, tenant and thread_id */
  log?: Logger;
  /** a run segment stopped (at the interrupt, at an end, or FAILED) after `seconds` */
  runStopped?(run: { tenant: string; status: RunStatus; seconds: number }): void;
  /** LangChain callbacks for one run's nested model calls (token accounting) */
  callbacks?(run: { tenant: string; trace_id: string; thread_id: string }): BaseCallbackHandler[];
}

/**
 * Runs the planning graph for HTTP and CLI callers: starts, resumes and rolls back threads,
 * with the run registry's claims guaranteeing one runner per thread and one resume per interrupt.
 */
export function makePlanService(
  graph: PlanningGraph,
  runs: RunRegistry,
  owner = `pid-${process.pid}-${randomUUID().slice(0, 8)}`,
  observer: RunObserver = {},
) {
  const configOf = (threadId: string) => ({ configurable: { thread_id: threadId } });

  async function view(run: Pick<RunRecord, "thread_id" | "plan_id" | "trace_id">): Promise<RunView> {
    const snapshot = await graph.getState(configOf(run.thread_id));
    const state = snapshot.values as Partial<PlanStateValue>;
    const interrupts = snapshot.tasks.flatMap((task) => task.interrupts ?? []);
    return {
      thread_id: run.thread_id,
      plan_id: state.plan_id ?? run.plan_id,
      trace_id: state.trace_id ?? run.trace_id,
      status: state.status ?? "PENDING",
      plan: state.plan ?? null,
      validation: state.validation ?? null,
      cost: state.plan?.cost ?? null,
      artifacts: (state.artifacts?.files ?? []).map(({ path, kind, sha256, bytes }) => ({ path, kind, sha256, bytes })),
      artifacts_digest: state.artifacts?.digest ?? null,
      interrupt: interrupts[0]?.value ?? null,
      blocked: state.blocked ?? null,
      applied: state.applied ?? null,
      decision: state.decision ?? null,
      revisions: state.revisions ?? 0,
      tokens_used: state.tokens_used ?? 0,
    };
  }

  /** Runs the graph under this process's claim and records where it stopped. */
  async function drive(run: RunRecord, input: unknown, onProgress?: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<RunView> {
    // Renew the claim while running, so a short STALE_CLAIM_SECONDS only frees the threads of
    // runners that died (or, for a worker, were killed: `signal`).
    const renewal = setInterval(() => {
      if (!signal?.aborted) runs.renew(run.thread_id, owner).catch(() => {});
    }, Math.max(250, (runs.staleClaimSeconds * 1000) / 3));
    renewal.unref();
    const log = observer.log ? runLogger(observer.log, run) : undefined;
    const started = performance.now();
    const stopped = (status: RunStatus) => {
      const seconds = (performance.now() - started) / 1000;
      observer.runStopped?.({ tenant: run.tenant, status, seconds });
      return seconds;
    };
    log?.info({ from: run.status }, "run started");
    try {
      const callbacks = observer.callbacks?.(run) ?? [];
      const stream = await graph.stream(input as never, { ...configOf(run.thread_id), streamMode: "updates", callbacks });
      for await (const chunk of stream) {
        for (const [node, update] of Object.entries(chunk as Record<string, Partial<PlanStateValue> | undefined>)) {
          if (node === "__interrupt__") continue;
          log?.debug({ node, status: update?.status, plan_version: update?.plan?.version }, "node finished");
          onProgress?.({ node, status: update?.status, plan_version: update?.plan?.version });
        }
      }
    } catch (error) {
      const current = await view(run).catch(() => null);
      await runs.release(run.thread_id, owner, { status: "FAILED", plan_version: current?.plan?.version ?? 0, tokens_used: current?.tokens_used ?? 0 });
      const seconds = stopped("FAILED");
      log?.error({ err: error, seconds }, "run failed");
      throw error;
    } finally {
      clearInterval(renewal);
    }
    const result = await view(run);
    await runs.release(run.thread_id, owner, { status: result.status, plan_version: result.plan?.version ?? 0, tokens_used: result.tokens_used });
    const seconds = stopped(result.status);
    log?.info({ status: result.status, plan_version: result.plan?.version ?? null, tokens_used: result.tokens_used, seconds }, "run stopped");
    return result;
  }

  async function requireRun(threadId: string, tenant: string): Promise<RunRecord> {
    const run = await runs.get(threadId, tenant);
    if (!run) throw new AtlasError("NOT_FOUND", `No plan thread ${threadId}`);
    return run;
  }

  function conflict(run: RunRecord, action: string): AtlasError {
    const busy = run.claimed_by !== null || run.status === "PENDING";
    const state = run.claimed_by !== null ? "being run right now" : run.status === "PENDING" ? "queued for a worker" : run.status;
    return new AtlasError("CONFLICT", `Cannot ${action} thread ${run.thread_id}: it is ${state}`, {
      details: { status: run.status, busy },
    });
  }

  /** The graph input that starts a new plan version on a thread. */
  function startInput(goal: GoalStatement, tenant: string, planId: string, traceId: string) {
    return {
      goal,
      tenant,
      plan_id: planId,
      trace_id: traceId,
      status: "IN_PROGRESS",
      revisions: 0,
      open_findings: [],
      revision_comments: [],
      decision: null,
      blocked: null,
      applied: null,
      validation: null,
      artifacts: null,
      rollback_requested: null,
    };
  }

  return {
    // background runs: submit (queue) and execute (worker), see background.ts
    ...makeBackgroundRuns({ graph, runs, owner, restartable: RESTARTABLE, newTraceId, startInput, view, drive, conflict }),

    /** Starts a design (or a new version on an existing thread) and runs it to the interrupt or an end. */
    async start(
      request: { goal: GoalStatement; thread_id?: string | undefined; tenant: string; /** the API key starting the run */ created_by?: string | null | undefined },
      onProgress?: (event: ProgressEvent) => void,
    ): Promise<RunView> {
      const threadId = request.thread_id ?? randomUUID();
      const traceId = newTraceId();
      let run: RunRecord | null;
      const created = await runs.create(
        { thread_id: threadId, tenant: request.tenant, plan_id: `plan-${threadId.slice(0, 8)}`, trace_id: traceId, goal_name: request.goal.name, created_by: request.created_by },
        owner,
      );
      if (created) run = await runs.get(threadId, request.tenant);
      else {
        const existing = await runs.get(threadId, request.tenant);
        if (!existing) throw new AtlasError("NOT_FOUND", `No plan thread ${threadId}`);
        run = await runs.claim(threadId, request.tenant, RESTARTABLE, owner, traceId);
        if (!run) throw conflict(existing, "start a new plan on");
        await runs.setCreatedBy(threadId, owner, request.created_by ?? null);
      }
      if (!run) throw new AtlasError("INTERNAL", "run registry lost a row it just wrote");
      return drive({ ...run, trace_id: traceId }, startInput(request.goal, request.tenant, run.plan_id, traceId), onProgress);
    },

    async get(threadId: string, tenant: string): Promise<RunView> {
      const run = await requireRun(threadId, tenant);
      const current = await view(run);
      // The registry knows what the checkpoint cannot: a new run queued on an existing thread
      // (the checkpoint still shows the previous one), and a run that failed (the graph threw,
      // or its job was dead-lettered, perhaps before any checkpoint).
      if (run.status === "PENDING" && current.trace_id !== run.trace_id) return { ...current, status: "PENDING", trace_id: run.trace_id };
      if (run.status === "FAILED") return { ...current, status: "FAILED" };
      return current;
    },

    /**
     * Answers the approval interrupt; exactly one caller wins for a given interrupt. With an
     * `approver.key_id`, approving a run that key started is refused unless `allow_self_approval`.
     */
    async resume(
      threadId: string,
      tenant: string,
      decision: ApprovalDecision,
      onProgress?: (event: ProgressEvent) => void,
      approver: { key_id: string | null; name: string; allow_self_approval: boolean } | null = null,
    ): Promise<RunView> {
      const existing = await requireRun(threadId, tenant);
      if (decision.decision === "approve" && approver?.key_id && existing.created_by === approver.key_id && existing.status === "WAIT_FOR_APPROVE" && !approver.allow_self_approval) {
        throw new AtlasError(
          "FORBIDDEN",
          `Approving your own plan is not allowed: key "${approver.name}" started thread ${threadId}. Ask another approver ` +
            `(tenant ${tenant} does not allow self-approval; an admin can change that with: pnpm keys tenant ${tenant} --self-approval on).`,
          { details: { reason: "self_approval" } },
        );
      }
      const run = await claimWhenStopped({ graph, runs, owner }, threadId, tenant, ["WAIT_FOR_APPROVE"]);
      if (!run) throw conflict(existing, "resume");
      return drive(run, new Command({ resume: decision }), onProgress);
    },

    /** Reverts the applied commit of a DONE plan. */
    async rollback(threadId: string, tenant: string, request: { by: string; reason: string }): Promise<RunView> {
      const existing = await requireRun(threadId, tenant);
      const run = await runs.claim(threadId, tenant, ["DONE"], owner);
      if (!run) throw conflict(existing, "roll back");
      try {
        await graph.updateState(configOf(threadId), { rollback_requested: request }, "apply");
      } catch (error) {
        await runs.release(threadId, owner, { status: existing.status, plan_version: existing.plan_version, tokens_used: existing.tokens_used });
        throw error;
      }
      return drive(run, null);
    },

    /** Checkpoint history, newest first: what each step did. */
    async history(threadId: string, tenant: string) {
      await requireRun(threadId, tenant);
      const steps = [];
      for await (const snapshot of graph.getStateHistory(configOf(threadId))) {
        const state = snapshot.values as Partial<PlanStateValue>;
        steps.push({
          checkpoint_id: snapshot.config.configurable?.checkpoint_id,
          created_at: snapshot.createdAt,
          step: snapshot.metadata?.step,
          source: snapshot.metadata?.source,
          next: snapshot.next,
          status: state.status,
          plan_version: state.plan?.version ?? null,
        });
      }
      return steps;
    },

    /** One artifact's content from the thread's latest build. */
    async artifact(threadId: string, tenant: string, path: string) {
      await requireRun(threadId, tenant);
      const snapshot = await graph.getState(configOf(threadId));
      const file = (snapshot.values as Partial<PlanStateValue>).artifacts?.files.find((f) => f.path === path);
      if (!file) throw new AtlasError("NOT_FOUND", `No artifact ${path} in thread ${threadId}`);
      return file;
    },

    async events(threadId: string, tenant: string) {
      await requireRun(threadId, tenant);
      const snapshot = await graph.getState(configOf(threadId));
      return (snapshot.values as Partial<PlanStateValue>).events ?? [];
    },
  };
}

export type PlanService = ReturnType<typeof makePlanService>;
