import { randomUUID } from "node:crypto";
import { Command } from "@langchain/langgraph";
import { withContents } from "../graph/artifact-contents.js";
import type { ArtifactStore } from "../graph/artifact-store.js";
import type { PlanStateValue, RunStatus } from "../graph/state.js";
import { AtlasError } from "../lib/errors.js";
import { validationError } from "../lib/validation.js";
import { readClarifyAnswer } from "../nodes/clarify/answer.js";
import { type GoalStatement, reviseGoal } from "../schemas/goal.js";
import type { ApprovalDecision } from "../schemas/reports.js";
import {
  conflict,
  type DriveOptions,
  goalNameOf,
  isBusy,
  newTraceId,
  type ProgressEvent,
  planIdOf,
  planSource,
  RESTARTABLE,
  type RunDriver,
  type RunView,
  startInput,
  threadConfig,
} from "./driver.js";
import type { RunRecord } from "./registry.js";

export type { ProgressEvent, RunView } from "./driver.js";

/** A progress callback, or the full follow options (the Platform API also takes the graph's chunks). */
const follow = (onProgress: ((event: ProgressEvent) => void) | DriveOptions | undefined): DriveOptions =>
  typeof onProgress === "function" ? { onProgress } : (onProgress ?? {});

/**
 * Runs the planning graph for HTTP and CLI callers, in the caller's request: starts, resumes
 * and rolls back threads, with the run registry's claims guaranteeing one runner per thread and
 * one resume per interrupt. Background runs are `background.ts`; both go through the driver.
 * Artifact contents are read from `artifactStore` (the state names them by digest).
 */
export function makePlanService(driver: RunDriver, artifactStore: ArtifactStore) {
  const { graph, runs, owner } = driver;

  return {
    /** Starts a design (or a new version on an existing thread) and runs it to the interrupt or an end. */
    async start(
      request: {
        goal?: GoalStatement | undefined;
        /** instead of a goal: a description in plain language (the graph may stop to ask what it leaves out) */
        prompt?: string | undefined;
        thread_id?: string | undefined;
        tenant: string /** the API key starting the run */;
        created_by?: string | null | undefined;
        /** the new run's trace id, when the caller records it first (the Platform API's run row); new otherwise */
        trace_id?: string | undefined;
      },
      onProgress?: ((event: ProgressEvent) => void) | DriveOptions,
    ): Promise<RunView> {
      const threadId = request.thread_id ?? randomUUID();
      const traceId = request.trace_id ?? newTraceId();
      const source = planSource(request);
      let run: RunRecord | null;
      const created = await runs.create(
        {
          thread_id: threadId,
          tenant: request.tenant,
          plan_id: planIdOf(threadId),
          trace_id: traceId,
          goal_name: goalNameOf(source),
          created_by: request.created_by,
        },
        owner,
      );
      if (created) run = await runs.get(threadId, request.tenant);
      else {
        const existing = await driver.require(threadId, request.tenant);
        run = await runs.claim(threadId, request.tenant, RESTARTABLE, owner, traceId);
        if (!run) throw conflict(existing, "start a new plan on");
        await runs.setCreatedBy(run, owner, request.created_by ?? null);
      }
      if (!run) throw new AtlasError("INTERNAL", "run registry lost a row it just wrote");
      return driver.drive({ ...run, trace_id: traceId }, startInput(source), follow(onProgress));
    },

    async get(threadId: string, tenant: string): Promise<RunView> {
      const run = await driver.require(threadId, tenant);
      const current = await driver.view(run);
      // The registry knows what the checkpoint cannot: a new run queued on an existing thread
      // (the checkpoint still shows the previous one), and a run that failed (the graph threw,
      // or its job was dead-lettered, perhaps before any checkpoint).
      if (run.status === "PENDING" && current.trace_id !== run.trace_id) return { ...current, status: "PENDING", trace_id: run.trace_id };
      if (run.status === "FAILED" || run.status === "NEW") return { ...current, status: run.status };
      return current;
    },

    /**
     * Answers the approval interrupt; exactly one caller wins for a given interrupt. With an
     * `approver.key_id`, approving a run that key started is refused unless `allow_self_approval`.
     * With `expected.plan_version`, the decision is refused (409, `reason: "plan_version"`, the
     * thread still waiting) unless that is the version waiting when the claim is won.
     */
    async resume(
      threadId: string,
      tenant: string,
      decision: ApprovalDecision,
      onProgress?: ((event: ProgressEvent) => void) | DriveOptions,
      approver: { key_id: string | null; name: string; allow_self_approval: boolean } | null = null,
      expected: { plan_version?: number | undefined } = {},
    ): Promise<RunView> {
      const existing = await driver.require(threadId, tenant);
      if (
        decision.decision === "approve" &&
        approver?.key_id &&
        existing.created_by === approver.key_id &&
        existing.status === "WAIT_FOR_APPROVE" &&
        !approver.allow_self_approval
      ) {
        throw new AtlasError(
          "FORBIDDEN",
          `Approving your own plan is not allowed: key "${approver.name}" started thread ${threadId}. Ask another approver ` +
            `(tenant ${tenant} does not allow self-approval; an admin can change that with: pnpm keys tenant ${tenant} --self-approval on).`,
          { details: { reason: "self_approval" } },
        );
      }
      // An approved run whose apply failed (the workspace was unavailable) waits APPLYING: approving
      // it again runs the pending apply from its checkpoint; it cannot be rejected or revised any more.
      if (existing.status === "APPLYING" && existing.claimed_by === null) {
        if (decision.decision !== "approve") throw conflict(existing, decision.decision);
        const retry = await runs.claim(threadId, tenant, ["APPLYING"], owner);
        if (!retry) throw conflict(existing, "resume");
        return driver.drive(retry, null, follow(onProgress));
      }
      const run = await driver.claimWhenStopped(threadId, tenant, ["WAIT_FOR_APPROVE"]);
      if (!run) throw conflict(existing, "resume");
      // Checked under the claim, so no revise can land between the check and the resume. The
      // registry's plan_version is the waiting version: recorded with WAIT_FOR_APPROVE at release.
      if (expected.plan_version !== undefined && run.plan_version !== expected.plan_version) {
        await runs.release(run, owner, { status: run.status, plan_version: run.plan_version, tokens_used: run.tokens_used });
        throw new AtlasError("CONFLICT", `Cannot ${decision.decision} plan v${expected.plan_version} of thread ${threadId}: v${run.plan_version} waits now`, {
          details: { reason: "plan_version", plan_version: run.plan_version },
        });
      }
      // Validated against the goal the claimed run waits with, before the graph sees it: a revise
      // whose changes do not make a valid goal is a 400, and the plan stays waiting.
      if (decision.changes) {
        const state = (await graph.getState(threadConfig(run))).values as Partial<PlanStateValue>;
        const revised = state.goal ? reviseGoal(state.goal, decision.changes) : null;
        if (!revised?.ok) {
          await runs.release(run, owner, { status: run.status, plan_version: run.plan_version, tokens_used: run.tokens_used });
          if (revised) throw validationError(revised.error);
          throw new AtlasError("INTERNAL", `thread ${threadId} waits for approval without a goal`);
        }
      }
      return driver.drive(run, new Command({ resume: decision }), follow(onProgress));
    },

    /**
     * Answers the clarify interrupt of a plan described in plain language: values for the questions
     * asked (or the defaults), checked against the reading the run waits with before the graph sees
     * them (a wrong answer is a 400 and the questions keep waiting). `by` records who answered.
     */
    async answer(
      threadId: string,
      tenant: string,
      answer: unknown,
      onProgress?: ((event: ProgressEvent) => void) | DriveOptions,
      by?: string,
      /** where in the request the answer is, for the 400's field paths (the Platform API: "command.resume") */
      where?: string,
    ): Promise<RunView> {
      const existing = await driver.require(threadId, tenant);
      const run = await driver.claimWhenStopped(threadId, tenant, ["WAIT_FOR_ANSWER"]);
      if (!run) throw conflict(existing, "answer the questions of");
      const state = (await graph.getState(threadConfig(run))).values as Partial<PlanStateValue>;
      const read = state.reading ? readClarifyAnswer(answer, state.reading) : null;
      if (!read?.ok) {
        await runs.release(run, owner, { status: run.status, plan_version: run.plan_version, tokens_used: run.tokens_used });
        if (read) throw validationError(read.error, where);
        throw new AtlasError("INTERNAL", `thread ${threadId} waits for answers without a reading of its prompt`);
      }
      const atlasForm = answer !== null && typeof answer === "object" && !Array.isArray(answer) && !("type" in answer);
      const value = atlasForm && by ? { ...(answer as Record<string, unknown>), by } : answer;
      return driver.drive(run, new Command({ resume: value }), follow(onProgress));
    },

    /** Reverts the applied commit of a DONE plan; `requested_at` (ISO 8601) starts the rollback SLA. */
    async rollback(threadId: string, tenant: string, request: { by: string; reason: string; requested_at?: string }): Promise<RunView> {
      const existing = await driver.require(threadId, tenant);
      const run = await runs.claim(threadId, tenant, ["DONE"], owner);
      if (!run) throw conflict(existing, "roll back");
      try {
        await graph.updateState(threadConfig(run), { rollback_requested: request }, "apply");
      } catch (error) {
        await runs.release(run, owner, { status: existing.status, plan_version: existing.plan_version, tokens_used: existing.tokens_used });
        throw error;
      }
      return driver.drive(run, null);
    },

    /** A tenant's runs, waiting approvals first, with who started each (the key's name). */
    async list(
      tenant: string,
      options: { status?: RunStatus | undefined; limit: number; offset: number },
      names: (ids: string[]) => Promise<Map<string, string>>,
    ) {
      const rows = await runs.listRuns(tenant, options);
      const byId = await names([...new Set(rows.flatMap((row) => (row.created_by ? [row.created_by] : [])))]);
      return rows.map((row) => ({
        thread_id: row.thread_id,
        plan_id: row.plan_id,
        goal_name: row.goal_name,
        status: row.status,
        plan_version: row.plan_version,
        busy: isBusy(row),
        created_by: row.created_by,
        // a key's name; a run started from the CLI records its operator ("cli:<user>") instead of a key id
        created_by_name: row.created_by ? (byId.get(row.created_by) ?? (row.created_by.startsWith("cli:") ? row.created_by : null)) : null,
        tokens_used: row.tokens_used,
        monthly_usd: row.monthly_usd,
        budget_usd: row.budget_usd,
        created_at: new Date(row.created_at).toISOString(),
        updated_at: new Date(row.updated_at).toISOString(),
      }));
    },

    /** Checkpoint history, newest first: what each step did. */
    async history(threadId: string, tenant: string) {
      const run = await driver.require(threadId, tenant);
      const steps = [];
      for await (const snapshot of graph.getStateHistory(threadConfig(run))) {
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
      const run = await driver.require(threadId, tenant);
      const snapshot = await graph.getState(threadConfig(run));
      const file = (snapshot.values as Partial<PlanStateValue>).artifacts?.files.find((f) => f.path === path);
      if (!file) throw new AtlasError("NOT_FOUND", `No artifact ${path} in thread ${threadId}`);
      const [read] = await withContents(artifactStore, [file]);
      if (!read) throw new AtlasError("INTERNAL", `artifact ${path} of thread ${threadId} could not be read`);
      return read;
    },

    /**
     * Every artifact of the thread's latest build with its content, read from the store at once
     * (one query, not one per file): what the archive download packs.
     * @throws AtlasError `NOT_FOUND` when the thread has no build yet
     */
    async artifactBundle(threadId: string, tenant: string, version?: number) {
      const run = await driver.require(threadId, tenant);
      const snapshot = await graph.getState(threadConfig(run));
      let manifest = (snapshot.values as Partial<PlanStateValue>).artifacts;
      if (version !== undefined && manifest?.plan_version !== version) {
        // an earlier version: the newest checkpoint that carries that version's build
        manifest = undefined;
        for await (const past of graph.getStateHistory(threadConfig(run))) {
          const built = (past.values as Partial<PlanStateValue>).artifacts;
          if (built?.plan_version === version && built.files.length) {
            manifest = built;
            break;
          }
        }
        if (!manifest) throw new AtlasError("NOT_FOUND", `Thread ${threadId} has no build of plan version ${version}`);
      }
      if (!manifest?.files.length) throw new AtlasError("NOT_FOUND", `Thread ${threadId} has no artifacts: nothing was built yet`);
      return {
        plan_id: manifest.plan_id,
        plan_version: manifest.plan_version,
        digest: manifest.digest,
        signature: manifest.signature,
        files: await withContents(artifactStore, manifest.files),
      };
    },

    async events(threadId: string, tenant: string) {
      const run = await driver.require(threadId, tenant);
      const snapshot = await graph.getState(threadConfig(run));
      return (snapshot.values as Partial<PlanStateValue>).events ?? [];
    },
  };
}

export type PlanService = ReturnType<typeof makePlanService>;
