import { randomBytes } from "node:crypto";
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import type { PlanningGraph } from "../graph/build.js";
import type { PlanStateValue, RunStatus } from "../graph/state.js";
import { AtlasError, isAtlasError } from "../lib/errors.js";
import { type Logger, runLogger } from "../lib/log.js";
import { sleep } from "../lib/sleep.js";
import { readingOf } from "../nodes/intake/index.js";
import type { GoalStatement } from "../schemas/goal.js";
import type { RunKey, RunRecord, RunRegistry } from "./registry.js";

/** Statuses from which a new run may start on an existing thread (NEW: made without a run). */
export const RESTARTABLE: RunStatus[] = ["NEW", "DONE", "BLOCKED", "REJECTED", "ROLLED_BACK", "FAILED"];

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
  /** how a goal in plain language was read: fields and where they came from, questions, answers, defaults assumed */
  reading: PlanStateValue["reading"];
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

/** What the run driver reports about its runs; every part is optional. */
export interface RunObserver {
  /** each run logs through a child of this bound to its trace_id, tenant and thread_id */
  log?: Logger;
  /** a run segment stopped (at the interrupt, at an end, or FAILED) after `seconds` */
  runStopped?(run: { tenant: string; status: RunStatus; seconds: number }): void;
  /** LangChain callbacks for one run's nested model calls (token accounting) */
  callbacks?(run: { tenant: string; trace_id: string; thread_id: string }): BaseCallbackHandler[];
}

/** Statuses a run keeps when a step after the approval fails for a reason outside the request. */
const KEPT_ON_FAULT: RunStatus[] = ["APPLYING", "DONE"];

/** A 4xx AtlasError is the request's own mistake, not a fault to retry. */
const isClientError = (error: unknown) => isAtlasError(error) && error.status < 500;

/** A thread is busy while a runner holds it or a queued run waits for one. */
export const isBusy = (run: RunRecord) => run.claimed_by !== null || run.status === "PENDING";

/** The graph config that addresses one thread's checkpoints (kept under its `graph_thread`). */
export const threadConfig = (run: Pick<RunRecord, "graph_thread">) => ({ configurable: { thread_id: run.graph_thread } });

/**
 * The config a run is driven with: its thread's checkpoints, and who and what the run is (the
 * graph's intake reads tenant, plan_id and trace_id from here, not from the input).
 */
export const runConfig = (run: Pick<RunRecord, "graph_thread" | "tenant" | "plan_id" | "trace_id">) => ({
  configurable: { thread_id: run.graph_thread, tenant: run.tenant, plan_id: run.plan_id, trace_id: run.trace_id },
});

/** A raw chunk of the graph's stream, by mode: what the LangGraph Platform API streams. */
export type GraphChunk = { mode: "values" | "updates" | "custom"; data: unknown };

/** How a caller follows one run as it goes: node progress, and (for the Platform API) the graph's raw chunks. */
export interface DriveOptions {
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** the graph's own chunks in these modes (updates are always read: they make the progress events) */
  onChunk?: ((chunk: GraphChunk) => void) | undefined;
  /** called once the run holds its thread and the graph is about to run (every refusal comes before it) */
  onStart?: (() => void) | undefined;
  /** aborted: this worker is dying, stop renewing the claim */
  signal?: AbortSignal | undefined;
}

/** The plan id of a thread's designs: the whole thread id, so two threads never share one (a tenant's thread ids are unique; the GitOps workspace also keys plans by tenant). */
export const planIdOf = (threadId: string) => `plan-${threadId}`;

/** A new W3C-style trace id: 32 hex characters. */
export const newTraceId = () => randomBytes(16).toString("hex");

/**
 * The graph input that starts a new plan version on a thread: the goal alone. Who and what the run
 * is (tenant, plan_id, trace_id) travels in `runConfig`'s `configurable`; the graph's intake node
 * writes those, the status and the resets of a new version (only what differs from the thread's state).
 */
export function startInput(source: PlanSource) {
  if (source.goal) return { goal: source.goal, messages: [new HumanMessage(JSON.stringify({ goal: source.goal }))] };
  return { messages: [new HumanMessage(source.prompt)] };
}

/**
 * What a run plans: a structured goal, or a description in plain language that the graph's intake
 * reads (asking, at the clarify interrupt, for a deciding fact it does not state). A goal also
 * travels as the run's human message, so the thread's conversation says what each run was asked.
 */
export type PlanSource = { goal: GoalStatement; prompt?: undefined } | { prompt: string; goal?: undefined };

/** The name a run is listed under: the goal's, or the one read from the description. */
export const goalNameOf = (source: PlanSource): string => (source.goal ? source.goal.name : readingOf(source.prompt).name);

/** A PlanSource from what a request or a queued job carries (exactly one of the two is set). */
export const planSource = (from: { goal?: GoalStatement | undefined; prompt?: string | undefined }): PlanSource =>
  from.goal ? { goal: from.goal } : { prompt: from.prompt ?? "" };

/** The 409 for an action a thread's state does not allow, saying whether it is busy. */
export function conflict(run: RunRecord, action: string): AtlasError {
  const state = run.claimed_by !== null ? "being run right now" : run.status === "PENDING" ? "queued for a worker" : run.status;
  return new AtlasError("CONFLICT", `Cannot ${action} thread ${run.thread_id}: it is ${state}`, {
    details: { status: run.status, busy: isBusy(run) },
  });
}

/**
 * The one run driver, shared by the synchronous API (`service.ts`) and the background workers
 * (`background.ts`): reads a thread's view, runs the graph under this replica's claim (renewed
 * while it runs) and records in the registry where the run stopped.
 */
export function makeRunDriver(parts: { graph: PlanningGraph; runs: RunRegistry; owner: string; observer?: RunObserver }) {
  const { graph, runs, owner } = parts;
  const observer = parts.observer ?? {};

  async function view(run: Pick<RunRecord, "thread_id" | "graph_thread" | "plan_id" | "trace_id">): Promise<RunView> {
    const snapshot = await graph.getState(threadConfig(run));
    const state = snapshot.values as Partial<PlanStateValue>;
    const interrupts = snapshot.tasks.flatMap((task) => task.interrupts ?? []);
    return {
      thread_id: run.thread_id,
      plan_id: state.plan_id ?? run.plan_id,
      trace_id: state.trace_id ?? run.trace_id,
      status: state.status ?? "PENDING",
      plan: state.plan ?? null,
      reading: state.reading ?? null,
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

  /** Releases the caller's claim, recording the status `result` shows. */
  const release = (run: RunKey, result: Pick<RunView, "status" | "plan" | "tokens_used">) =>
    runs.release(run, owner, {
      status: result.status,
      plan_version: result.plan?.version ?? 0,
      tokens_used: result.tokens_used,
      cost: { monthly_usd: result.plan?.cost.monthly_total_usd ?? null, budget_usd: result.plan?.cost.budget_usd ?? null },
    });

  return {
    graph,
    runs,
    owner,
    view,

    /** Records where a run already stopped (its runner died after the last checkpoint) and releases it. */
    async settle(run: RunRecord): Promise<RunView> {
      const result = await view(run);
      await release(run, result);
      return result;
    },

    /** Runs the graph under this replica's claim and records where it stopped. */
    async drive(run: RunRecord, input: unknown, options: DriveOptions = {}): Promise<RunView> {
      const { onProgress, onChunk, signal } = options;
      options.onStart?.();
      // Renew the claim while running, so a short STALE_CLAIM_SECONDS only frees the threads of
      // runners that died (or, for a worker, were killed: `signal`).
      const renewal = setInterval(
        () => {
          if (!signal?.aborted) runs.renew(run, owner).catch(() => {});
        },
        Math.max(250, (runs.staleClaimSeconds * 1000) / 3),
      );
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
        const streamMode: GraphChunk["mode"][] = onChunk ? ["updates", "values", "custom"] : ["updates"];
        const stream = await graph.stream(input as never, { ...runConfig(run), streamMode, callbacks });
        for await (const [mode, chunk] of stream as AsyncIterable<[GraphChunk["mode"], unknown]>) {
          onChunk?.({ mode, data: chunk });
          if (mode !== "updates") continue;
          for (const [node, update] of Object.entries(chunk as Record<string, Partial<PlanStateValue> | undefined>)) {
            if (node === "__interrupt__") continue;
            log?.debug({ node, status: update?.status, plan_version: update?.plan?.version }, "node finished");
            onProgress?.({ node, status: update?.status, plan_version: update?.plan?.version });
          }
        }
      } catch (error) {
        const current = await view(run).catch(() => null);
        // After the approval, a fault outside the plan (the GitOps workspace, the disk) must not use
        // the approval up: the run keeps its status (APPLYING: approved, apply pending; DONE: a
        // rollback pending) and the caller retries. Before it, a failed run is FAILED (restartable).
        const keep = current && KEPT_ON_FAULT.includes(current.status) && !isClientError(error) ? current.status : null;
        await runs.release(run, owner, {
          status: keep ?? "FAILED",
          plan_version: current?.plan?.version ?? 0,
          tokens_used: current?.tokens_used ?? 0,
        });
        const seconds = stopped(keep ?? "FAILED");
        log?.error({ err: error, seconds, kept: keep }, keep ? "run step failed; the run keeps its status for a retry" : "run failed");
        if (keep) {
          throw new AtlasError(
            "UNAVAILABLE",
            keep === "APPLYING"
              ? `Thread ${run.thread_id} is approved, but its apply could not be written (${(error as Error).message}). The approval is kept: retry with POST /architect/plan/${run.thread_id}/resume {"decision":"approve"}.`
              : `The rollback of thread ${run.thread_id} could not be written (${(error as Error).message}); the plan is still applied. Retry the rollback.`,
            { cause: error, details: { status: keep, retryable: true } },
          );
        }
        throw error;
      } finally {
        clearInterval(renewal);
      }
      const result = await view(run);
      await release(run, result);
      const seconds = stopped(result.status);
      log?.info({ status: result.status, plan_version: result.plan?.version ?? null, tokens_used: result.tokens_used, seconds }, "run stopped");
      return result;
    },

    /**
     * `runs.claim`, but when another runner still holds the thread while its checkpoint already
     * shows one of `from` (it stopped there and is about to release: a background run seen at
     * WAIT_FOR_APPROVE a moment before its worker let go), waits for it to let go. The wait is on
     * that condition, not a fixed time: a loaded machine may take seconds to release, and a runner
     * that died before releasing loses its claim once it goes stale, which ends the wait too.
     */
    async claimWhenStopped(threadId: string, tenant: string, from: RunStatus[]): Promise<RunRecord | null> {
      const deadline = Date.now() + (runs.staleClaimSeconds + 1) * 1000;
      for (;;) {
        const run = await runs.claim(threadId, tenant, from, owner);
        if (run || Date.now() > deadline) return run;
        const current = await runs.get(threadId, tenant);
        // let go between the two reads: one more claim decides (it fails only if the status moved on)
        if (!current?.claimed_by) return runs.claim(threadId, tenant, from, owner);
        const state = (await graph.getState(threadConfig(current))).values as Partial<PlanStateValue>;
        if (!state.status || !from.includes(state.status)) return null;
        await sleep(100);
      }
    },

    /** The thread's registry record, or 404. */
    async require(threadId: string, tenant: string): Promise<RunRecord> {
      const run = await runs.get(threadId, tenant);
      if (!run) throw new AtlasError("NOT_FOUND", `No plan thread ${threadId}`);
      return run;
    },
  };
}

export type RunDriver = ReturnType<typeof makeRunDriver>;
