import type pg from "pg";

/** A Platform run's status, as the LangGraph Platform API names it. */
export const platformRunStatuses = ["pending", "running", "success", "error", "interrupted", "timeout"] as const;
export type PlatformRunStatus = (typeof platformRunStatuses)[number];

/** Statuses a Platform run ends in. */
export const FINAL_RUN_STATUSES: PlatformRunStatus[] = ["success", "error", "interrupted", "timeout"];

/** One Platform run: a start (a new plan version from a goal) or a resume (the approval's answer). */
export interface PlatformRunRecord {
  run_id: string;
  tenant: string;
  thread_id: string;
  assistant_id: string;
  kind: "start" | "resume";
  /** run by a background worker on any replica: its status is read from the thread's registry row */
  queued: boolean;
  status: PlatformRunStatus;
  trace_id: string;
  multitask_strategy: string | null;
  metadata: Record<string, unknown>;
  kwargs: Record<string, unknown>;
  error: { error: string; message: string } | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  "run_id, tenant, thread_id, assistant_id, kind, queued, status, trace_id, multitask_strategy, metadata, kwargs, error, created_by, created_at, updated_at";

/** The Platform API's runs in Postgres (atlas_platform_runs), beside the thread registry (atlas_runs). */
export function makePlatformRunRegistry(pool: pg.Pool) {
  return {
    async insert(run: Omit<PlatformRunRecord, "created_at" | "updated_at" | "error">): Promise<PlatformRunRecord> {
      const { rows } = await pool.query<PlatformRunRecord>(
        `insert into atlas_platform_runs (run_id, tenant, thread_id, assistant_id, kind, queued, status, trace_id, multitask_strategy, metadata, kwargs, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ${COLUMNS}`,
        [
          run.run_id,
          run.tenant,
          run.thread_id,
          run.assistant_id,
          run.kind,
          run.queued,
          run.status,
          run.trace_id,
          run.multitask_strategy,
          JSON.stringify(run.metadata),
          JSON.stringify(run.kwargs),
          run.created_by,
        ],
      );
      const inserted = rows[0];
      if (!inserted) throw new Error(`platform run ${run.run_id} was not inserted`);
      return inserted;
    },

    async get(tenant: string, threadId: string | null, runId: string): Promise<PlatformRunRecord | null> {
      const { rows } = await pool.query<PlatformRunRecord>(
        `select ${COLUMNS} from atlas_platform_runs where tenant = $1 and run_id = $2 and ($3::text is null or thread_id = $3)`,
        [tenant, runId, threadId],
      );
      return rows[0] ?? null;
    },

    /** A thread's runs, newest first. */
    async list(tenant: string, threadId: string, page: { limit: number; offset: number; status?: PlatformRunStatus | undefined }) {
      const { rows } = await pool.query<PlatformRunRecord>(
        `select ${COLUMNS} from atlas_platform_runs where tenant = $1 and thread_id = $2 and ($3::text is null or status = $3)
         order by created_at desc, run_id limit $4 offset $5`,
        [tenant, threadId, page.status ?? null, page.limit, page.offset],
      );
      return rows;
    },

    /** The thread's runs not yet ended, oldest first. */
    async open(tenant: string, threadId: string): Promise<PlatformRunRecord[]> {
      const { rows } = await pool.query<PlatformRunRecord>(
        `select ${COLUMNS} from atlas_platform_runs where tenant = $1 and thread_id = $2 and status in ('pending', 'running') order by created_at, run_id`,
        [tenant, threadId],
      );
      return rows;
    },

    /** Moves a run that has not ended to `status`; false when it had ended already (someone else recorded the end). */
    async mark(runId: string, status: PlatformRunStatus, error: { error: string; message: string } | null = null): Promise<boolean> {
      const { rowCount } = await pool.query(
        `update atlas_platform_runs set status = $2, error = $3, updated_at = now() where run_id = $1 and status in ('pending', 'running')`,
        [runId, status, error === null ? null : JSON.stringify(error)],
      );
      return rowCount === 1;
    },

    /** Removes a run that never started (its thread refused it): no half-written run stays behind. */
    async remove(runId: string): Promise<void> {
      await pool.query("delete from atlas_platform_runs where run_id = $1", [runId]);
    },
  };
}

export type PlatformRunRegistry = ReturnType<typeof makePlatformRunRegistry>;
