import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";
import { clientEnv, refusal, request, targetOrUsage } from "./server-client.js";

const usage = (command: string) => `usage: ${command} <thread> [--reject | --revise "comment"] [--approver NAME] [--json]
  Answers a plan waiting for approval on a running server (POST /architect/plan/<thread>/resume):
  approves it (the default: the plan is applied to the GitOps workspace), rejects it, or asks
  for a revision with a comment.
  --reject          reject the plan
  --revise COMMENT  send the plan back to the architect with this comment
  --approver NAME   a display note beside the decision; who decided is always the key the CLI
                    sends (its name and id are what the plan, the commit and the audit log record)
  --json            print the run as the server answers it
Server: ATLAS_URL, else http://127.0.0.1:$PORT. Key: ATLAS_API_KEY, else $ATLAS_DATA_DIR/admin.key.
Exit codes: 0 decided, 1 the server refused (or could not be reached), 2 usage error.`;

const options = {
  reject: { type: "boolean" },
  revise: { type: "string" },
  approver: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The run as the resume route answers it (the fields printed). */
interface DecidedRun {
  thread_id: string;
  status: string;
  plan: { version: number } | null;
  applied: { commit: string; path: string } | null;
  blocked: { reason: string } | null;
}

/** `pnpm approve` / `atlas approve`: answers a plan's approval; returns the exit code. */
export async function main(argv: string[], command = "pnpm approve", io: CliIo = processIo, env: NodeJS.ProcessEnv = clientEnv()): Promise<number> {
  const text = usage(command);
  const args = parseCli(argv, { usage: text, options, minPositionals: 1, maxPositionals: 1 }, io);
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const thread = positionals[0] as string;
  if (values.reject && values.revise !== undefined) {
    io.stderr(`error: --reject and --revise exclude each other: choose one\n${text}\n`);
    return 2;
  }
  if (values.revise !== undefined && !values.revise.trim()) {
    io.stderr(`error: --revise needs a comment saying what to change\n${text}\n`);
    return 2;
  }
  const target = await targetOrUsage(env, io);
  if (typeof target === "number") return target;
  const decision = values.reject ? "reject" : values.revise !== undefined ? "revise" : "approve";
  const body = {
    decision,
    ...(values.approver !== undefined ? { approver: values.approver } : {}),
    ...(values.revise !== undefined ? { comment: values.revise } : {}),
  };
  // the thread id goes into the path as given: the server's 400 names it when it is not one
  const answer = await request(target, "POST", `/architect/plan/${encodeURIComponent(thread)}/resume`, body);
  if (answer.status !== 200) {
    io.stderr(refusal(answer));
    return 1;
  }
  const run = answer.body as DecidedRun;
  io.stdout(values.json ? `${JSON.stringify(run, null, 2)}\n` : outcome(run));
  return 0;
}

/** What the decision led to, in a line or two: the status, the plan version, the commit or why it is blocked. */
export function outcome(run: DecidedRun): string {
  const lines = [`thread ${run.thread_id}  status ${run.status}${run.plan ? `  plan v${run.plan.version}` : ""}`];
  if (run.applied) lines.push(`applied as commit ${run.applied.commit} in ${run.applied.path}`);
  if (run.blocked) lines.push(`BLOCKED: ${run.blocked.reason}`);
  return `${lines.join("\n")}\n`;
}

if (isMain(import.meta.url)) runMain(main);
