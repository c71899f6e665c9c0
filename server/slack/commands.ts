/** A slash command Atlas answers, parsed from Slack's form fields. */
export type SlackCommand =
  | { action: "approve"; thread_id: string; comment: string | undefined }
  | { action: "reject"; thread_id: string; comment: string | undefined }
  | { action: "rollback"; thread_id: string; comment: string | undefined };

const THREAD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ACTIONS = ["approve", "reject", "rollback"] as const;

export const SLACK_USAGE = "Usage: `/approve <thread_id>`, `/reject <thread_id> [reason]`, `/rollback <thread_id> [reason]`";

/**
 * Parses `/approve <thread_id>`, `/reject <thread_id> [reason]` and `/rollback <thread_id> [reason]`.
 * The verb may also lead the text of one umbrella command (`/atlas approve <thread_id>`), and a
 * workspace may prefix its commands (`/atlas-approve`).
 * @returns the command, or a message saying what is wrong.
 */
export function parseSlackCommand(command: string, text: string): SlackCommand | { error: string } {
  let words = text.trim().split(/\s+/).filter(Boolean);
  let verb = command
    .trim()
    .replace(/^\//, "")
    .replace(/^atlas[-_]/, "")
    .toLowerCase();
  if (verb === "atlas") {
    verb = (words[0] ?? "").toLowerCase();
    words = words.slice(1);
  }
  const action = ACTIONS.find((name) => name === verb);
  if (!action) return { error: `Unknown command "${`${command} ${text}`.trim().slice(0, 140)}". ${SLACK_USAGE}` };
  const [threadId, ...rest] = words;
  if (!threadId) return { error: `Which plan? ${SLACK_USAGE}` };
  if (!THREAD_ID.test(threadId)) return { error: `"${threadId.slice(0, 140)}" is not a thread id (letters, digits, - and _).` };
  const comment = rest.join(" ").trim() || undefined;
  return { action, thread_id: threadId, comment };
}

/** `SLACK_APPROVERS`' map: the approver a Slack user acts as, or undefined for anyone else. */
export function approverFor(approvers: Record<string, string>, slackUserId: string): string | undefined {
  return Object.hasOwn(approvers, slackUserId) ? approvers[slackUserId] : undefined;
}
