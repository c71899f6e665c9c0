import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, type Messages, messagesStateReducer } from "@langchain/langgraph";
import type { LifecycleEvent } from "../schemas/events.js";
import type { GoalStatement } from "../schemas/goal.js";
import type { GoalReading } from "../schemas/goal-reading.js";
import type { PlanSpec } from "../schemas/plan.js";
import type { ApprovalDecision, ArtifactFile, BuildArtifacts, Finding, ValidationReport } from "../schemas/reports.js";

/**
 * The run state machine, as the seeds name it; NEW: a thread made (Platform API `POST /threads`)
 * whose first run has not started; WAIT_FOR_ANSWER: a goal in plain language that left a deciding
 * fact unstated waits at the clarify interrupt.
 */
export const runStatuses = [
  "NEW",
  "PENDING",
  "IN_PROGRESS",
  "VALIDATING",
  "WAIT_FOR_ANSWER",
  "WAIT_FOR_APPROVE",
  "APPLYING",
  "DONE",
  "BLOCKED",
  "REJECTED",
  "ROLLED_BACK",
  "FAILED",
] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Validator FAILs the architect may answer before the design is BLOCKED. */
export const MAX_REVISIONS = 2;

/** Why a design cannot be built as asked: the DesignBlocked rationale. */
export interface DesignBlocked {
  stage: "architect" | "validator";
  reason: string;
  arithmetic: string[];
  findings: Finding[];
}

export interface AppliedChange {
  commit: string;
  path: string;
  plan_version: number;
  approver: string;
  /** true when this apply found its commit already made and did nothing */
  already_applied: boolean;
  /** the branch pushed to the GitOps remote and its commit; null or absent without GITOPS_REMOTE_URL */
  pushed?: { remote_branch: string; commit: string } | null;
  /** the pull or merge request opened for that branch; null or absent without a review host */
  review?: { url: string; number: number } | null;
}

/**
 * A built file as the state carries it: path, kind, SHA-256 and size. Its content is in the
 * artifact store under its SHA-256 (see artifact-store.ts); checkpoints written before the store
 * existed still carry `content` here, and readers take it from there.
 */
export type ArtifactRef = Omit<ArtifactFile, "content"> & { content?: string };

/** The builder's output as the state carries it: the files by digest, and the digest of the set. */
export type ArtifactManifest = Omit<BuildArtifacts, "files"> & { files: ArtifactRef[] };

const replace = <T>(fallback: () => T) => Annotation<T>({ reducer: (_old, value) => value, default: fallback });

/** The goal the run plans. One definition shared by the state and the input: a channel is one channel. */
const goal = Annotation<GoalStatement>;

/**
 * The conversation agent-chat-ui shows: a human's goal (as JSON), then one short AI message per
 * node saying what it did (see graph/summaries.ts). Messages with an id replace, others append.
 */
const messages = Annotation<BaseMessage[], Messages>({ reducer: messagesStateReducer, default: () => [] });

/**
 * What a caller passes to start a run: the goal, or a human message whose text is the goal as
 * JSON (agent-chat-ui). Everything else (tenant, plan and trace ids, the status and the resets of
 * a new version) the intake node writes, from the run's `configurable` or its fallbacks: so
 * LangGraph Studio's input form shows these two fields, and an input key outside them is dropped.
 */
export const PlanInput = Annotation.Root({ goal, messages });

/** State carried through the planning graph and checkpointed after every node. */
export const PlanState = Annotation.Root({
  goal,
  messages,
  /** how a goal written in plain language was read (null for a structured goal) */
  reading: replace<GoalReading | null>(() => null),
  tenant: replace<string>(() => "default"),
  plan_id: Annotation<string>,
  trace_id: Annotation<string>,
  status: replace<RunStatus>(() => "PENDING"),
  plan: replace<PlanSpec | null>(() => null),
  /** what the builder made, by digest: contents stay out of the checkpoints */
  artifacts: replace<ArtifactManifest | null>(() => null),
  validation: replace<ValidationReport | null>(() => null),
  /** validator-driven revisions so far */
  revisions: replace<number>(() => 0),
  /** findings the architect must answer in its next version */
  open_findings: replace<Finding[]>(() => []),
  revision_comments: replace<string[]>(() => []),
  decision: replace<ApprovalDecision | null>(() => null),
  blocked: replace<DesignBlocked | null>(() => null),
  applied: replace<AppliedChange | null>(() => null),
  last_approved_plan: replace<PlanSpec | null>(() => null),
  /** a rollback asked for; `requested_at` (ISO 8601) is when, the start of the rollback SLA */
  rollback_requested: replace<{ by: string; reason: string; requested_at?: string } | null>(() => null),
  tokens_used: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  events: Annotation<LifecycleEvent[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

export type PlanStateValue = typeof PlanState.State;
export type PlanInputValue = typeof PlanInput.Update;
export type PlanStateUpdate = typeof PlanState.Update;
