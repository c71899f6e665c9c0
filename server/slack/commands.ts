/** A slash command Atlas answers, parsed from Slack's form fields. */
export type SlackCommand =
  | {
      action: "approve" | "reject";
      thread_id: string;
      /** the plan version the command answers (`v3`); the decision is refused when another one waits */
      plan_version: number | undefined;
      comment: string | undefined;
    }
  | { action: "rollback"; thread_id: string; comment: string | undefined };

const THREAD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const VERSION = /^v(\d{1,9})$/i;
const ACTIONS = ["approve", "reject", "rollback"] as const;

export const SLACK_USAGE =
  "Usage: `/approve <thread_id> v<version>`, `/reject <thread_id> [v<version>] [reason]`, `/rollback <thread_id> [reason]` (the approval message names the version)";

/**
 * Parses `/approve <thread_id> [vN]`, `/reject <thread_id> [vN] [reason]` and `/rollback <thread_id> [reason]`.
 * The verb may also lead the text of one umbrella command (`/atlas approve <thread_id>`), and a
 * workspace may prefix its commands (`/atlas-approve`). Whether a version is required is the
 * caller's decision; the parser only reads it.
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
  if (action === "rollback") return { action, thread_id: threadId, comment: rest.join(" ").trim() || undefined };
  const version = VERSION.exec(rest[0] ?? "");
  const planVersion = version ? Number(version[1]) : undefined;
  if (planVersion === 0) return { error: `"${rest[0]}" is not a plan version: versions count from v1.` };
  const comment = (version ? rest.slice(1) : rest).join(" ").trim() || undefined;
  return { action, thread_id: threadId, plan_version: planVersion, comment };
}

/** `SLACK_APPROVERS`' map: the approver a Slack user acts as, or undefined for anyone else. */
export function approverFor(approvers: Record<string, string>, slackUserId: string): string | undefined {
  return Object.hasOwn(approvers, slackUserId) ? approvers[slackUserId] : undefined;
}
