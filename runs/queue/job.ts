import { z } from "zod";
import { goalStatementSchema } from "../../schemas/goal.js";

/**
 * A background run waiting for a worker. `start`: the run registered as PENDING by `submit`
 * (trace_id identifies it); `follow`: a run queued behind a busy thread (`if_busy: "queue"`),
 * started once the thread is free.
 */
export const runJobSchema = z
  .object({
    kind: z.enum(["start", "follow"]),
    thread_id: z.string().min(1),
    tenant: z.string().min(1),
    trace_id: z.string().min(1),
    /** what the run plans: a goal, or (instead) a description in plain language */
    goal: goalStatementSchema.optional(),
    prompt: z.string().min(1).max(4000).optional(),
    /** the API key that asked for the run (self-approval checks) */
    created_by: z.string().nullable().default(null),
    submitted_at: z.string(),
    /** times a worker found the thread busy and put the job back */
    attempt: z.number().int().min(0).default(0),
    /** not to be started before this time (a job put back waits a little) */
    not_before: z.string().optional(),
  })
  .refine((job) => (job.goal === undefined) !== (job.prompt === undefined), { message: "a job plans a goal or a prompt", path: ["goal"] });

export type RunJob = z.infer<typeof runJobSchema>;

/** What a worker did with a job: finished with it, or found its thread busy (try again later). */
export type JobOutcome = "done" | "defer";

export interface JobContext {
  /** aborted when the worker is killed (simulated crash): stop renewing the run's claim */
  killed: AbortSignal;
}

export interface QueueStats {
  /** jobs nobody has picked up yet */
  depth: number;
  /** jobs a worker holds and has not acknowledged */
  pending: number;
}

export interface QueueConsumer {
  /** Stops taking jobs and waits for the one in hand. */
  stop(): Promise<void>;
  /** Stops at once, acknowledging nothing (as if the process died). */
  kill(): void;
}

/** The background-run queue: Redis Streams with REDIS_URL, in process otherwise. */
export interface RunQueue {
  enqueue(job: RunJob): Promise<void>;
  consume(options: {
    consumer: string;
    handler(job: RunJob, context: JobContext): Promise<JobOutcome>;
    /** a job that failed its deliveries went to the dead-letter stream (`job` null: it did not parse) */
    onDead?(job: RunJob | null, reason: string, entry: { id: string; deliveries: number }): Promise<void> | void;
  }): QueueConsumer;
  stats(): Promise<QueueStats>;
}

/** How long a job found busy waits before it is tried again: 250 ms doubling to 2 s. */
export function deferDelayMs(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 2_000);
}

/** The job put back after its thread was found busy. */
export function deferred(job: RunJob, now: Date): RunJob {
  return { ...job, attempt: job.attempt + 1, not_before: new Date(now.getTime() + deferDelayMs(job.attempt)).toISOString() };
}
