import type { Actor, Queryable } from "./keys.js";

/** What the audit log records. Key changes are written by `keys.ts` in the same statement as the change. */
export type AuditAction =
  | "approval.approve"
  | "approval.reject"
  | "approval.revise"
  | "approval.refused"
  | "apply"
  | "rollback"
  | "key.create"
  | "key.revoke"
  | "budget.set";

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
      decision: { decision: "approve" | "reject" | "revise"; approver: string; comment?: string | undefined },
      run: RunOutcome,
    ): Promise<void> {
      await log.record({
        tenant,
        actor,
        action: `approval.${decision.decision}`,
        target: threadId,
        detail: { plan_id: run.plan_id, plan_version: run.plan?.version ?? null, approver: decision.approver, comment: decision.comment ?? null, status: run.status },
      });
      if (decision.decision === "approve" && run.applied) {
        await log.record({ tenant, actor, action: "apply", target: threadId, detail: { plan_id: run.plan_id, status: run.status, ...run.applied } });
      }
    },

    async record(entry: { tenant: string; actor: Actor; action: AuditAction; target?: string | null; detail?: Record<string, unknown> }): Promise<void> {
      await db.query(
        `insert into atlas_audit (tenant, actor_key_id, actor_name, action, target, detail, remote_addr)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          entry.tenant,
          entry.actor.keyId,
          entry.actor.name,
          entry.action,
          entry.target ?? null,
          JSON.stringify(entry.detail ?? {}),
          entry.actor.remoteAddr ?? null,
        ],
      );
    },

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
