import { isAtlasError } from "../lib/errors.js";
import type { ApprovalDecision } from "../schemas/reports.js";
import type { Actor, AuditLog } from "../tenants/audit.js";
import type { Principal } from "../tenants/keys.js";
import type { DriveOptions } from "./driver.js";
import type { PlanService, RunView } from "./service.js";

/**
 * Answers a thread's approval for an authenticated caller, and writes the audit log: the
 * decision (and the apply it led to), or a refused self-approval. Atlas's own resume route and
 * the Platform API's `command.resume` both come here, so their rules cannot drift apart.
 * An audit write that fails is logged, never turned into an error: the decision happened.
 */
export async function decideAudited(
  parts: { planner: PlanService; audit: AuditLog; log: { error(detail: object, message: string): void } },
  request: { principal: Principal; actor: Actor; thread_id: string; decision: ApprovalDecision; follow?: DriveOptions | undefined },
): Promise<RunView> {
  const { principal, actor, thread_id, decision } = request;
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
          detail: { reason: "self_approval", approver: decision.approver },
        }),
      );
    }
    throw error;
  }
}
