import type { Queryable } from "./queryable.js";

// The one module that writes SQL against `atlas_audit` (migrations/003_auth.sql). Key changes
// are recorded by `keys.ts` through `recordAudit`, on the client of the change's transaction.

/** What the audit log records. */
export type AuditAction =
  | "approval.approve"
  | "approval.reject"
  | "approval.revise"
  | "approval.refused"
  | "clarify.answer"
  | "apply"
  | "rollback"
  | "key.create"
  | "key.revoke"
  | "budget.set";

/** Who performs a key change or a decision, as the audit log records it. */
export interface Actor {
  /** the acting key's id; null for the CLI and the bootstrap */
  keyId: string | null;
  name: string;
  remoteAddr?: string | null;
}

/** One audit row as `GET /audit` returns it. */
export interface AuditEntry {
  id: string;
  tenant: string;
  actor_key_id: string | null;
  actor_name: string;
  action: AuditAction;
  target: string | null;
  detail: Record<string, unknown>;
  remote_addr: string | null;
  created_at: Date;
}

/** What a caller records: the row's columns as the caller knows them. */
export interface AuditRecord {
  tenant: string;
  actor: Actor;
  action: AuditAction;
  target?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Writes one audit row. Pass the client of an open transaction to make the row part of the
 * change it records (it is then written or rolled back with it).
 */
export async function recordAudit(db: Queryable, entry: AuditRecord): Promise<void> {
  await db.query(
    `insert into atlas_audit (tenant, actor_key_id, actor_name, action, target, detail, remote_addr)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [entry.tenant, entry.actor.keyId, entry.actor.name, entry.action, entry.target ?? null, JSON.stringify(entry.detail ?? {}), entry.actor.remoteAddr ?? null],
  );
}

/** What the audit log needs from a run after a decision or a rollback. */
interface RunOutcome {
  plan_id: string;
  status: string;
  plan: { version: number } | null;
  applied: { commit: string; path: string; plan_version: number; already_applied: boolean } | null;
}

/** The audit log in Postgres (`atlas_audit`): who did what, to which thread, when and from where. */
export function makeAuditLog(db: Queryable) {
  const log = {
    /** An approval decision and, when it led to one, the apply (both on the thread). */
    async decision(
      tenant: string,
      actor: Actor,
      threadId: string,
      decision: {
        decision: "approve" | "reject" | "revise";
        approver: string;
        approver_key_id?: string | null | undefined;
        approver_note?: string | undefined;
        comment?: string | undefined;
      },
      run: RunOutcome,
    ): Promise<void> {
      await log.record({
        tenant,
        actor,
        action: `approval.${decision.decision}`,
        target: threadId,
        detail: {
          plan_id: run.plan_id,
          plan_version: run.plan?.version ?? null,
          approver: decision.approver,
          approver_key_id: decision.approver_key_id ?? null,
          approver_note: decision.approver_note ?? null,
          comment: decision.comment ?? null,
          status: run.status,
        },
      });
      if (decision.decision === "approve" && run.applied) {
        await log.record({ tenant, actor, action: "apply", target: threadId, detail: { plan_id: run.plan_id, status: run.status, ...run.applied } });
      }
    },

    record: (entry: AuditRecord): Promise<void> => recordAudit(db, entry),

    /** A tenant's entries, newest first; `before` pages back by id. */
    async list(
      tenant: string,
      options: { limit?: number; before?: number | undefined; action?: string | undefined; target?: string | undefined } = {},
    ): Promise<AuditEntry[]> {
      const { rows } = await db.query<AuditEntry>(
        `select id::text as id, tenant, actor_key_id, actor_name, action, target, detail, remote_addr, created_at
         from atlas_audit
         where tenant = $1 and ($2::bigint is null or id < $2) and ($3::text is null or action = $3) and ($4::text is null or target = $4)
         order by id desc limit $5`,
        [tenant, options.before ?? null, options.action ?? null, options.target ?? null, options.limit ?? 100],
      );
      return rows;
    },
  };
  return log;
}

export type AuditLog = ReturnType<typeof makeAuditLog>;
