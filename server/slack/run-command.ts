import { isAtlasError } from "../../lib/errors.js";
import type { RunView } from "../../runs/service.js";
import { type Actor, makeAuditLog } from "../../tenants/audit.js";
import type { ServerDeps } from "../deps.js";
import type { SlackCommand } from "./commands.js";
import { planLink } from "./notifier.js";

/** What Slack shows: only to the caller (`ephemeral`) or to the whole channel. */
export interface SlackReply {
  response_type: "ephemeral" | "in_channel";
  text: string;
}

/** A reply only the caller sees. */
export const ephemeral = (text: string): SlackReply => ({ response_type: "ephemeral", text });

function outcome(command: SlackCommand, approver: string, run: RunView, baseUrl: string): SlackReply {
  const link = `<${planLink(baseUrl, run.thread_id)}|${run.plan_id} (thread ${run.thread_id})>`;
  const commit = run.applied?.commit ? `, commit ${run.applied.commit.slice(0, 12)}` : "";
  const verb = { approve: "approved", reject: "rejected", rollback: "rolled back" }[command.action];
  return { response_type: "in_channel", text: `${approver} ${verb} ${link}: now ${run.status}${commit}.` };
}

/** An approval decision from Slack: `/approve` or `/reject`. */
type Decision = Extract<SlackCommand, { action: "approve" | "reject" }>;

/** The command that answers `version` of a thread, as the approval message shows it. */
const answer = (command: Decision, version: number) =>
  command.action === "reject" ? `\`/reject ${command.thread_id} v${version} <reason>\`` : `\`/approve ${command.thread_id} v${version}\``;

/**
 * Runs Slack's `/approve`, `/reject` and `/rollback` as `approver` in SLACK_TENANT and says what
 * happened. A decision is bound to the plan version it names: the planner checks it on the run
 * it claims, so a revise landing meanwhile cannot be approved in its place. `/approve` must
 * name a version; `/reject` may leave it out, since refusing a plan applies nothing.
 */
export function makeSlackCommandRunner(deps: ServerDeps, baseUrl: string) {
  const tenant = deps.config.SLACK_TENANT;
  const audit = makeAuditLog(deps.db.pool);
  /** The audit row must not turn a decision that happened into an error. */
  const audited = (write: () => Promise<void>) => write().catch((error: unknown) => deps.log.error({ err: error }, "audit log write failed (Slack command)"));

  async function rollback(command: SlackCommand, approver: string, actor: Actor): Promise<SlackReply> {
    const reason = command.comment ?? `rolled back from Slack by ${approver}`;
    // the rollback SLA starts at the command, as it does at the HTTP route
    const result = await deps.planner.rollback(command.thread_id, tenant, { by: approver, reason, requested_at: deps.clock().toISOString() });
    await audited(() =>
      audit.record({
        tenant,
        actor,
        action: "rollback",
        target: command.thread_id,
        detail: { plan_id: result.plan_id, by: approver, reason, status: result.status, reverted: result.applied?.commit ?? null, via: "slack" },
      }),
    );
    return outcome(command, approver, result, baseUrl);
  }

  /** `/approve` without a version: nothing is resumed; the reply names the version to approve. */
  async function askForVersion(command: Decision): Promise<SlackReply> {
    const current = await deps.planner.get(command.thread_id, tenant);
    const version = current.plan?.version;
    if (current.status !== "WAIT_FOR_APPROVE" || version === undefined) {
      return ephemeral(`Could not approve ${command.thread_id}: it is ${current.status}, not waiting for approval.`);
    }
    return ephemeral(
      `Say which version you approve: plan v${version} waits now (<${planLink(baseUrl, command.thread_id)}|thread ${command.thread_id}>). ` +
        `Once you have reviewed it: ${answer(command, version)}.`,
    );
  }

  /** `/approve` or `/reject`, bound to the version it names (the planner checks it under its claim). */
  async function decide(command: Decision, approver: string, actor: Actor, slackUser: string): Promise<SlackReply> {
    if (command.action === "approve" && command.plan_version === undefined) return askForVersion(command);
    // Slack users have no key: the mapped approver is the identity, the note says whose Slack user decided
    const decision = {
      decision: command.action,
      approver,
      approver_key_id: null,
      approver_note: `slack:${slackUser}`,
      ...(command.comment ? { comment: command.comment } : {}),
    };
    try {
      const result = await deps.planner.resume(command.thread_id, tenant, decision, undefined, null, { plan_version: command.plan_version });
      await audited(() => audit.decision(tenant, actor, command.thread_id, decision, result));
      return outcome(command, approver, result, baseUrl);
    } catch (error) {
      const waiting = isAtlasError(error) && error.details?.reason === "plan_version" ? error.details.plan_version : undefined;
      if (typeof waiting !== "number") throw error;
      deps.log.warn(
        { thread_id: command.thread_id, tenant, action: command.action, asked: command.plan_version, waiting },
        "Slack decision for another plan version refused",
      );
      return ephemeral(
        `Could not ${command.action} ${command.thread_id}: you answered plan v${command.plan_version}, but v${waiting} waits now ` +
          `(<${planLink(baseUrl, command.thread_id)}|thread ${command.thread_id}>). Once you have reviewed it: ${answer(command, waiting)}.`,
      );
    }
  }

  /** `slackUser` is the Slack user id SLACK_APPROVERS mapped to `approver`: the decision records it as its note. */
  return async function run(command: SlackCommand, approver: string, actor: Actor, slackUser: string): Promise<SlackReply> {
    try {
      return command.action === "rollback" ? await rollback(command, approver, actor) : await decide(command, approver, actor, slackUser);
    } catch (error) {
      if (isAtlasError(error) && error.status < 500) return ephemeral(`Could not ${command.action} ${command.thread_id}: ${error.message}`);
      deps.log.error({ err: error, thread_id: command.thread_id, tenant, action: command.action }, "Slack command failed");
      return ephemeral(`Could not ${command.action} ${command.thread_id}: the server failed; its log has details.`);
    }
  };
}
