import type { EventBus } from "../../bus/events.js";
import type { Logger } from "../../lib/log.js";
import type { LifecycleEvent } from "../../schemas/events.js";

/** The lifecycle events a person should hear about in Slack. */
export const NOTIFIED_EVENTS = ["approval.requested", "apply.done", "design.blocked"] as const;

const notified = new Set<string>(NOTIFIED_EVENTS);

/** Link to the plan in the API (PUBLIC_BASE_URL, else the address the server listens on). */
export function planLink(baseUrl: string, threadId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/architect/plan/${encodeURIComponent(threadId)}`;
}

const str = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : undefined);

/** The Slack message for an event, in Slack's mrkdwn (`<url|label>` links). */
export function slackMessage(event: LifecycleEvent, baseUrl: string): string {
  const link = `<${planLink(baseUrl, event.thread_id)}|thread ${event.thread_id}>`;
  const version = str(event.data.plan_version);
  const plan = version ? `plan v${version}` : "plan";
  switch (event.type) {
    case "approval.requested": {
      const cost = str(event.data.monthly_usd);
      // the commands name the version shown here, so an answer cannot land on a later revision
      const target = `${event.thread_id}${version ? ` v${version}` : ""}`;
      return [
        `:hourglass_flowing_sand: Approval requested for ${plan} (${link})${cost ? `, $${cost}/month` : ""}.`,
        `Answer with \`/approve ${target}\` or \`/reject ${target} <reason>\`.`,
      ].join("\n");
    }
    case "apply.done": {
      const commit = str(event.data.commit);
      const approver = str(event.data.approver);
      return `:white_check_mark: Applied ${plan} (${link})${commit ? `, commit ${commit.slice(0, 12)}` : ""}${approver ? `, approved by ${approver}` : ""}. Undo with \`/rollback ${event.thread_id}\`.`;
    }
    case "design.blocked":
      return `:no_entry: Design blocked (${link}) at the ${str(event.data.stage) ?? "planning"} stage: ${str(event.data.reason) ?? "no reason given"}`;
    default:
      return `${event.type} (${link})`;
  }
}

export interface SlackNotifier {
  /** Leaves the consumer group; waits (bounded) for a message being sent. */
  stop(): Promise<void>;
}

/** The consumer group the notifier reads in: each event is posted once, whichever replica takes it. */
export const SLACK_NOTIFIER_GROUP = "slack-notifier";

/**
 * Posts approval.requested, apply.done and design.blocked of one tenant to the Slack incoming
 * webhook. It consumes the event bus in its own group, so with several replicas each event is
 * posted once; a failed post is logged and retried by the bus (then dead-lettered and escalated
 * like any other consumer's message). Nothing here runs inside a run, so it never breaks one.
 */
export function startSlackNotifier(options: {
  events: EventBus;
  webhookUrl: string;
  baseUrl: string;
  /** only this tenant's events: the channel belongs to one tenant */
  tenant: string;
  log: Logger;
  /** one delivery's deadline */
  timeoutMs?: number;
}): SlackNotifier {
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function deliver(event: LifecycleEvent): Promise<void> {
    const log = options.log.child({ trace_id: event.trace_id, tenant: event.tenant, thread_id: event.thread_id });
    let problem: string;
    try {
      const response = await fetch(options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: slackMessage(event, options.baseUrl) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) {
        log.debug({ event: event.type }, "Slack message sent");
        return;
      }
      problem = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    // the webhook URL is a secret: log why, not where
    log.warn({ event: event.type, problem: problem.replaceAll(options.webhookUrl, "[webhook]") }, "Slack message not delivered");
    throw new Error(`Slack webhook: ${problem.replaceAll(options.webhookUrl, "[webhook]")}`);
  }

  const consumer = options.events.consume({
    group: SLACK_NOTIFIER_GROUP,
    handler: async (event) => {
      if (!notified.has(event.type) || event.tenant !== options.tenant) return;
      await deliver(event);
    },
  });

  return {
    async stop() {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
      await Promise.race([consumer.stop(), deadline]);
    },
  };
}
