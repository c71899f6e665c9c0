import { isAtlasError } from "../lib/errors.js";
import type { ApprovalDecision } from "../schemas/reports.js";
import type { Actor, AuditLog } from "../tenants/audit.js";
import type { Principal } from "../tenants/keys.js";
import type { DriveOptions } from "./driver.js";
import type { PlanService, RunView } from "./service.js";

/** Who the identity is that a decision is recorded under: a key (HTTP, Platform API) or another authenticated caller (Slack, the CLI). */
export interface DecidingIdentity {
  /** the key's id; null when no key decided */
  keyId: string | null;
  name: string;
}

/**
 * The decision as recorded: `approver` is the identity that decided and `approver_key_id` its key,
 * whatever the caller wrote. The caller's own text about who approves survives as `approver_note`
 * (an explicit note first; else the `approver` it sent, when that is not the identity's name).
 */
export function asDecidedBy(decision: Omit<ApprovalDecision, "approver"> & { approver?: string | undefined }, identity: DecidingIdentity): ApprovalDecision {
  const { approver: said, approver_note: note, ...rest } = decision;
  const kept = note ?? (said !== undefined && said !== identity.name ? said : undefined);
  return { ...rest, approver: identity.name, approver_key_id: identity.keyId, ...(kept !== undefined ? { approver_note: kept } : {}) };
}

/**
 * Answers a thread's approval for an authenticated caller, and writes the audit log: the
 * decision (and the apply it led to), or a refused self-approval. Atlas's own resume route and
 * the Platform API's `command.resume` both come here, so their rules cannot drift apart.
 * The decision is recorded under the principal (asDecidedBy), never under the caller's free text.
 * An audit write that fails is logged, never turned into an error: the decision happened.
 */
export async function decideAudited(
  parts: { planner: PlanService; audit: AuditLog; log: { error(detail: object, message: string): void } },
  request: {
    principal: Principal;
    actor: Actor;
    thread_id: string;
    /** `approver` is optional: the principal decides; a differing one is kept as the note */
    decision: Omit<ApprovalDecision, "approver"> & { approver?: string | undefined };
    follow?: DriveOptions | undefined;
  },
): Promise<RunView> {
  const { principal, actor, thread_id } = request;
  const decision = asDecidedBy(request.decision, principal);
  const audited = (write: () => Promise<void>) =>
    write().catch((error: unknown) => parts.log.error({ err: error, actor, thread_id }, "audit log write failed"));
  const approver = { key_id: principal.keyId, name: principal.name, allow_self_approval: principal.allowSelfApproval };
  try {
    const run = await parts.planner.resume(thread_id, principal.tenant, decision, request.follow, approver);
    await audited(() => parts.audit.decision(principal.tenant, actor, thread_id, decision, run));
    return run;
  } catch (error) {
    if (isAtlasError(error) && error.details?.reason === "self_approval") {
      await audited(() =>
        parts.audit.record({
          tenant: principal.tenant,
          actor,
          action: "approval.refused",
          target: thread_id,
          detail: { reason: "self_approval", approver: decision.approver, approver_key_id: decision.approver_key_id ?? null },
        }),
      );
    }
    throw error;
  }
}
