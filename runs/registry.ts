import type pg from "pg";
import type { RunStatus } from "../graph/state.js";

/** A planning run as the registry keeps it (the graph's checkpoint holds the full state). */
export interface RunRecord {
  /** the thread's id, the tenant's own: two tenants may use the same one */
  thread_id: string;
  tenant: string;
  /** where the graph keeps this thread's checkpoints: `<tenant>/<thread_id>` (a bare thread id for threads from before) */
  graph_thread: string;
  plan_id: string;
  trace_id: string;
  goal_name: string;
  status: RunStatus;
  plan_version: number;
  claimed_by: string | null;
  /** the API key that started the current run (null for CLI runs and runs from before auth) */
  created_by: string | null;
  tokens_used: number;
  /** the latest plan's monthly cost and its goal's budget, as recorded when the run last stopped (null: no plan yet) */
  monthly_usd: number | null;
  budget_usd: number | null;
  /** the client's own metadata (the Platform API's thread metadata); {} unless set */
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** A thread's status as the LangGraph Platform API names it. */
export type PlatformThreadStatus = "idle" | "busy" | "interrupted" | "error";

/**
 * The Platform status of an atlas_runs row, in SQL: being run or queued is `busy`, waiting at the
 * approval gate or for clarify answers `interrupted`, FAILED (or approved with its apply not written: APPLYING unclaimed)
 * `error`, anything else (NEW, DONE, BLOCKED, REJECTED, ROLLED_BACK) `idle`.
 */
const PLATFORM_STATUS = `case when claimed_by is not null or status = 'PENDING' then 'busy'
  when status in ('WAIT_FOR_APPROVE', 'WAIT_FOR_ANSWER') then 'interrupted' when status in ('FAILED', 'APPLYING') then 'error' else 'idle' end`;

/** What a thread search or count filters on (each optional, all must hold). */
export interface ThreadFilter {
  /** JSON containment: every key given must have the value given */
  metadata?: Record<string, unknown> | undefined;
  status?: PlatformThreadStatus | undefined;
  ids?: string[] | undefined;
}

/**
 * Claims not renewed for this long are taken to belong to a process that died mid-run
 * (the default; STALE_CLAIM_SECONDS configures it). A live runner renews its claim every
 * third of it.
 */
export const STALE_CLAIM_SECONDS = 60;

/** The columns of a RunRecord (not `queued_goal`, which only the restart recovery reads). */
const RECORD =
  "thread_id, tenant, graph_thread, plan_id, trace_id, goal_name, status, plan_version, claimed_by, created_by, tokens_used, monthly_usd, budget_usd, metadata, created_at, updated_at";

/** A thread in the registry: a tenant's thread id. */
export type RunKey = Pick<RunRecord, "tenant" | "thread_id">;

/** Where a new thread's checkpoints are kept: under the tenant, so thread ids are per tenant. */
export const graphThreadOf = (key: RunKey) => `${key.tenant}/${key.thread_id}`;

/**
 * The run registry in Postgres. Claims are compare-and-set updates, so two requests (or two
 * replicas) can never run the same thread at once, and a decision is applied exactly once.
 */
export function makeRunRegistry(pool: pg.Pool, options: { staleClaimSeconds?: number } = {}) {
  const staleClaimSeconds = options.staleClaimSeconds ?? STALE_CLAIM_SECONDS;
  return {
    staleClaimSeconds,

    async create(
      run: { thread_id: string; tenant: string; plan_id: string; trace_id: string; goal_name: string; created_by?: string | null | undefined },
      /** the process running it, or null for a run queued for a worker (with the goal it runs) */
      owner: string | null,
      queuedGoal: unknown = null,
    ): Promise<boolean> {
      const { rowCount } = await pool.query(
        `insert into atlas_runs (thread_id, tenant, graph_thread, plan_id, trace_id, goal_name, status, claimed_by, claimed_at, created_by, queued_goal)
         values ($1, $2, $9, $3, $4, $5, 'PENDING', $6::text, case when $6::text is null then null else now() end, $7, $8)
         on conflict (tenant, thread_id) do nothing`,
        [
          run.thread_id,
          run.tenant,
          run.plan_id,
          run.trace_id,
          run.goal_name,
          owner,
          run.created_by ?? null,
          owner === null ? JSON.stringify(queuedGoal) : null,
          graphThreadOf(run),
        ],
      );
      return rowCount === 1;
    },

    async get(threadId: string, tenant: string): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(`select ${RECORD} from atlas_runs where thread_id = $1 and tenant = $2`, [threadId, tenant]);
      return rows[0] ?? null;
    },

    /**
     * Claims a thread whose status is one of `from` and that nobody is running.
     * @returns the run when this caller won the claim, null otherwise.
     */
    async claim(threadId: string, tenant: string, from: RunStatus[], owner: string, traceId?: string): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(
        `update atlas_runs set claimed_by = $4, claimed_at = now(), updated_at = now(), trace_id = coalesce($6, trace_id)
         where thread_id = $1 and tenant = $2 and status = any($3::text[])
           and (claimed_by is null or claimed_at < now() - make_interval(secs => $5))
         returning ${RECORD}`,
        [threadId, tenant, from, owner, staleClaimSeconds, traceId ?? null],
      );
      return rows[0] ?? null;
    },

    /**
     * Claims a queued run (PENDING under `traceId`) that nobody is running, or whose runner
     * stopped renewing its claim (it died: the new runner continues from the checkpoint).
     */
    async claimQueued(threadId: string, tenant: string, traceId: string, owner: string): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(
        `update atlas_runs set claimed_by = $4, claimed_at = now(), updated_at = now()
         where thread_id = $1 and tenant = $2 and status = 'PENDING' and trace_id = $3
           and (claimed_by is null or claimed_at < now() - make_interval(secs => $5))
         returning ${RECORD}`,
        [threadId, tenant, traceId, owner, staleClaimSeconds],
      );
      return rows[0] ?? null;
    },

    /**
     * Queues a new run on an existing thread: PENDING under `traceId`, unclaimed, if its status
     * is one of `from`. @returns the status it had, or null when it was not restartable.
     */
    async markPending(
      threadId: string,
      tenant: string,
      from: RunStatus[],
      traceId: string,
      createdBy: string | null,
      queuedGoal: unknown,
    ): Promise<RunStatus | null> {
      const { rows } = await pool.query<{ previous: RunStatus }>(
        `with old as (select tenant, thread_id, status from atlas_runs where thread_id = $1 and tenant = $2 for update)
         update atlas_runs r set status = 'PENDING', trace_id = $4, created_by = $6, queued_goal = $7, claimed_by = null, claimed_at = null, updated_at = now()
         from old where r.tenant = old.tenant and r.thread_id = old.thread_id and r.status = any($3::text[])
           and (r.claimed_by is null or r.claimed_at < now() - make_interval(secs => $5))
         returning old.status as previous`,
        [threadId, tenant, from, traceId, staleClaimSeconds, createdBy, JSON.stringify(queuedGoal)],
      );
      return rows[0]?.previous ?? null;
    },

    /** Keeps the caller's claim fresh while it runs; false when the claim is no longer the caller's. */
    async renew(key: RunKey, owner: string): Promise<boolean> {
      const { rowCount } = await pool.query("update atlas_runs set claimed_at = now() where tenant = $1 and thread_id = $2 and claimed_by = $3", [
        key.tenant,
        key.thread_id,
        owner,
      ]);
      return rowCount === 1;
    },

    /**
     * Takes back a queued run: `status` is what the thread had before (its job could not be
     * queued), or FAILED (its job was dead-lettered).
     */
    async abandon(threadId: string, tenant: string, traceId: string, status: RunStatus = "FAILED"): Promise<boolean> {
      const { rowCount } = await pool.query(
        `update atlas_runs set status = $4, claimed_by = null, claimed_at = null, queued_goal = null, updated_at = now()
         where thread_id = $1 and tenant = $2 and trace_id = $3 and status = 'PENDING'`,
        [threadId, tenant, traceId, status],
      );
      return rowCount === 1;
    },

    /** Records who started a new run on an existing thread (the caller holds its claim). */
    async setCreatedBy(key: RunKey, owner: string, createdBy: string | null): Promise<void> {
      await pool.query("update atlas_runs set created_by = $4 where tenant = $1 and thread_id = $2 and claimed_by = $3", [
        key.tenant,
        key.thread_id,
        owner,
        createdBy,
      ]);
    },

    /** Records where a run got to and releases the caller's claim. */
    async release(
      key: RunKey,
      owner: string,
      update: {
        status: RunStatus;
        plan_version: number;
        tokens_used: number;
        /** the plan's monthly cost and the goal's budget where the run stopped (null: no plan); absent: unchanged */
        cost?: { monthly_usd: number | null; budget_usd: number | null } | undefined;
      },
    ): Promise<void> {
      await pool.query(
        `update atlas_runs set status = $3, plan_version = $4, tokens_used = $5, claimed_by = null, claimed_at = null,
           queued_goal = case when $3 = 'PENDING' then queued_goal end, updated_at = now(),
           monthly_usd = case when $7 then $8::double precision else monthly_usd end,
           budget_usd = case when $7 then $9::double precision else budget_usd end
         where tenant = $6 and thread_id = $1 and claimed_by = $2`,
        [
          key.thread_id,
          owner,
          update.status,
          update.plan_version,
          update.tokens_used,
          key.tenant,
          update.cost !== undefined,
          update.cost?.monthly_usd ?? null,
          update.cost?.budget_usd ?? null,
        ],
      );
    },

    /**
     * Runs whose claim nobody renewed for the stale interval: their runner died. Claims of `self`
     * (the asking process) are left out: a process that asks is alive, its runner only slow.
     */
    async staleClaims(self: string, limit = 100): Promise<RunRecord[]> {
      const { rows } = await pool.query<RunRecord>(
        `select ${RECORD} from atlas_runs
         where claimed_by is not null and claimed_by <> $3 and claimed_at < now() - make_interval(secs => $1)
         order by claimed_at limit $2`,
        [staleClaimSeconds, limit, self],
      );
      return rows;
    },

    /**
     * Takes over a stale claim: compare-and-set on the dead owner, so one replica wins.
     * @returns the run under the new owner, or null when another replica was first (or the runner renewed).
     */
    async takeOver(key: RunKey, deadOwner: string, owner: string): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(
        `update atlas_runs set claimed_by = $3, claimed_at = now(), updated_at = now()
         where tenant = $5 and thread_id = $1 and claimed_by = $2 and claimed_at < now() - make_interval(secs => $4)
         returning ${RECORD}`,
        [key.thread_id, deadOwner, owner, staleClaimSeconds, key.tenant],
      );
      return rows[0] ?? null;
    },

    /** Hands a claimed run to the background queue: PENDING under its trace, with the goal a worker runs it from. */
    async queueClaimed(key: RunKey, owner: string, goal: unknown): Promise<boolean> {
      const { rowCount } = await pool.query(
        `update atlas_runs set status = 'PENDING', queued_goal = $3, claimed_by = null, claimed_at = null, updated_at = now()
         where tenant = $4 and thread_id = $1 and claimed_by = $2`,
        [key.thread_id, owner, JSON.stringify(goal), key.tenant],
      );
      return rowCount === 1;
    },

    /**
     * Queued runs nobody has claimed for `olderThanSeconds`: their job may be lost (a Redis that came
     * back without its stream). Marks them as just queued again, so each is handed out once per interval.
     */
    async takeUnclaimedQueued(olderThanSeconds: number, limit = 100): Promise<{ run: RunRecord; goal: unknown }[]> {
      const { rows } = await pool.query<RunRecord & { queued_goal: unknown }>(
        `update atlas_runs set updated_at = now()
         where (tenant, thread_id) in (
           select tenant, thread_id from atlas_runs
           where status = 'PENDING' and claimed_by is null and queued_goal is not null and updated_at < now() - make_interval(secs => $1)
           order by updated_at limit $2 for update skip locked)
         returning ${RECORD}, queued_goal`,
        [olderThanSeconds, limit],
      );
      return rows.map(({ queued_goal, ...run }) => ({ run, goal: queued_goal }));
    },

    /**
     * Makes a thread without a run (NEW): the Platform API's `POST /threads`.
     * @returns the thread, and whether this call made it (false: the id was taken, the thread as it is).
     */
    async createThread(thread: { thread_id: string; tenant: string; plan_id: string; trace_id: string; metadata: Record<string, unknown> }) {
      const { rows } = await pool.query<RunRecord>(
        `insert into atlas_runs (thread_id, tenant, graph_thread, plan_id, trace_id, goal_name, status, metadata)
         values ($1, $2, $3, $4, $5, '', 'NEW', $6) on conflict (tenant, thread_id) do nothing returning ${RECORD}`,
        [thread.thread_id, thread.tenant, graphThreadOf(thread), thread.plan_id, thread.trace_id, JSON.stringify(thread.metadata)],
      );
      if (rows[0]) return { created: true, thread: rows[0] };
      const existing = await this.get(thread.thread_id, thread.tenant);
      if (!existing) throw new Error(`thread ${thread.thread_id} was neither inserted nor found`);
      return { created: false, thread: existing };
    },

    /** Merges `patch` into a thread's metadata (top-level keys replace). @returns the thread, or null when there is none. */
    async patchMetadata(threadId: string, tenant: string, patch: Record<string, unknown>): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(
        `update atlas_runs set metadata = metadata || $3::jsonb, updated_at = now() where thread_id = $1 and tenant = $2 returning ${RECORD}`,
        [threadId, tenant, JSON.stringify(patch)],
      );
      return rows[0] ?? null;
    },

    /**
     * Deletes a thread nobody is running and no run waits for (its Platform runs go with it).
     * @returns the deleted row, or null when it is busy (or gone).
     */
    async deleteIdle(threadId: string, tenant: string): Promise<RunRecord | null> {
      const { rows } = await pool.query<RunRecord>(
        `delete from atlas_runs where thread_id = $1 and tenant = $2 and status <> 'PENDING' and claimed_by is null returning ${RECORD}`,
        [threadId, tenant],
      );
      return rows[0] ?? null;
    },

    /** A tenant's threads matching `filter`, with their Platform status; `total` counts every match. */
    async searchThreads(
      tenant: string,
      filter: ThreadFilter,
      page: { limit: number; offset: number; sortBy: "thread_id" | "status" | "created_at" | "updated_at"; sortOrder: "asc" | "desc" },
    ): Promise<(RunRecord & { platform_status: PlatformThreadStatus })[]> {
      const { where, params } = threadWhere(tenant, filter);
      // sortBy and sortOrder are checked by the caller's schema; they name columns, so they cannot be parameters
      const order = `${page.sortBy === "status" ? "platform_status" : page.sortBy} ${page.sortOrder === "asc" ? "asc" : "desc"}, thread_id`;
      const { rows } = await pool.query<RunRecord & { platform_status: PlatformThreadStatus }>(
        `select ${RECORD}, ${PLATFORM_STATUS} as platform_status from atlas_runs where ${where}
         order by ${order} limit $${params.length + 1} offset $${params.length + 2}`,
        [...params, page.limit, page.offset],
      );
      return rows;
    },

    async countThreads(tenant: string, filter: ThreadFilter): Promise<number> {
      const { where, params } = threadWhere(tenant, filter);
      const { rows } = await pool.query<{ count: number }>(`select count(*)::int as count from atlas_runs where ${where}`, params);
      return rows[0]?.count ?? 0;
    },

    /**
     * A tenant's runs for people to pick from: plans waiting for approval first, then the most
     * recently changed. `status` keeps one status only.
     */
    async listRuns(tenant: string, options: { status?: RunStatus | undefined; limit: number; offset: number }): Promise<RunRecord[]> {
      const { rows } = await pool.query<RunRecord>(
        `select ${RECORD} from atlas_runs where tenant = $1 and ($2::text is null or status = $2)
         order by (status = 'WAIT_FOR_APPROVE' and claimed_by is null) desc, updated_at desc, thread_id limit $3 offset $4`,
        [tenant, options.status ?? null, options.limit, options.offset],
      );
      return rows;
    },

    /** Runs by tenant and current status (the `atlas_runs_by_status` gauge). */
    async countByStatus(): Promise<{ tenant: string; status: string; count: number }[]> {
      const { rows } = await pool.query<{ tenant: string; status: string; count: number }>(
        "select tenant, status, count(*)::int as count from atlas_runs group by tenant, status",
      );
      return rows;
    },

    /**
     * Background runs still PENDING with the goal they were queued with (waiting for a worker,
     * or left by one that died), oldest first: what an in-process queue lost in a restart.
     */
    async queued(limit = 1_000): Promise<{ run: RunRecord; goal: unknown }[]> {
      const { rows } = await pool.query<RunRecord & { queued_goal: unknown }>(
        `select ${RECORD}, queued_goal from atlas_runs where status = 'PENDING' and queued_goal is not null order by updated_at limit $1`,
        [limit],
      );
      return rows.map(({ queued_goal, ...run }) => ({ run, goal: queued_goal }));
    },
  };
}

export type RunRegistry = ReturnType<typeof makeRunRegistry>;

/** The where clause of a thread search: the tenant's rows, then each filter given. */
function threadWhere(tenant: string, filter: ThreadFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [tenant];
  const clauses = ["tenant = $1"];
  if (filter.metadata && Object.keys(filter.metadata).length > 0) {
    params.push(JSON.stringify(filter.metadata));
    clauses.push(`metadata @> $${params.length}::jsonb`);
  }
  if (filter.status) {
    params.push(filter.status);
    clauses.push(`(${PLATFORM_STATUS}) = $${params.length}`);
  }
  if (filter.ids) {
    params.push(filter.ids);
    clauses.push(`thread_id = any($${params.length}::text[])`);
  }
  return { where: clauses.join(" and "), params };
}

/** The Platform status of one registry row (the same rule as the SQL above). */
export function platformThreadStatus(run: Pick<RunRecord, "claimed_by" | "status">): PlatformThreadStatus {
  if (run.claimed_by !== null || run.status === "PENDING") return "busy";
  if (run.status === "WAIT_FOR_APPROVE" || run.status === "WAIT_FOR_ANSWER") return "interrupted";
  return run.status === "FAILED" || run.status === "APPLYING" ? "error" : "idle";
}
