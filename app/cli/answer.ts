import { type CliIo, isMain, parseCli, processIo, runMain } from "./args.js";
import { clientEnv, refusal, request, targetOrUsage } from "./server-client.js";

const usage = (command: string) => `usage: ${command} <thread> [--answer PATH=VALUE ...] [--accept-defaults] [--json]
  Answers the clarify questions of a plan described in plain language, on a running server
  (POST /architect/plan/<thread>/answer): the run goes on to the approval gate (or BLOCKED).
  --answer PATH=VALUE  a value for a question, by its field path (repeatable), e.g.
                       --answer budget.monthly_usd=2000 --answer environment=prod
  --accept-defaults    plan the questions not answered with their defaults
  --json               print the run as the server answers it
The server records the key's name as who answered.
Server: ATLAS_URL, else http://127.0.0.1:$PORT. Key: ATLAS_API_KEY, else $ATLAS_DATA_DIR/admin.key.
Exit codes: 0 answered, 1 the server refused (or could not be reached), 2 usage error.`;

const options = {
  answer: { type: "string", multiple: true },
  "accept-defaults": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** An answer as the clarify routes take it: values by field path, or the defaults accepted. */
export interface ClarifyAnswerBody {
  answers?: Record<string, string | number | boolean>;
  accept_defaults?: true;
}

/**
 * `--answer PATH=VALUE` flags as the answer body. A value that reads as a number or a boolean is
 * sent as one (the server checks each against its question); anything else is text.
 * @returns the body, or the usage error naming the flag that is not PATH=VALUE
 */
export function answerBody(pairs: readonly string[] | undefined, acceptDefaults: boolean | undefined): ClarifyAnswerBody | { error: string } {
  const answers: Record<string, string | number | boolean> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf("=");
    const path = pair.slice(0, at).trim();
    const text = pair.slice(at + 1).trim();
    if (at < 1 || !path || !text) return { error: `--answer ${JSON.stringify(pair)} is not PATH=VALUE (e.g. budget.monthly_usd=2000)` };
    answers[path] = typedValue(text);
  }
  if (Object.keys(answers).length === 0 && !acceptDefaults) return { error: "say what to answer: --answer PATH=VALUE (repeatable), or --accept-defaults" };
  return { ...(Object.keys(answers).length > 0 ? { answers } : {}), ...(acceptDefaults ? { accept_defaults: true as const } : {}) };
}

function typedValue(text: string): string | number | boolean {
  if (text === "true" || text === "false") return text === "true";
  const number = Number(text.replace(/_/g, ""));
  return /^-?\d[\d_]*(\.\d+)?$/.test(text) && Number.isFinite(number) ? number : text;
}

/** One clarify question as the interrupt shows it. */
interface Question {
  path: string;
  question: string;
  default: string | number;
}

/** The clarify interrupt's questions, when `interrupt` is one (a run waiting at WAIT_FOR_ANSWER). */
export function questionsOf(interrupt: unknown): Question[] {
  const questions = (interrupt as { kind?: unknown; questions?: unknown } | null)?.questions;
  if (!Array.isArray(questions)) return [];
  return questions.filter((q): q is Question => typeof (q as Question | null)?.path === "string");
}

/** The questions a waiting run asks, one a line with its default, and how to answer them. */
export function questionLines(thread: string, interrupt: unknown, answerCommand = "pnpm answer"): string {
  const questions = questionsOf(interrupt);
  const width = Math.max(0, ...questions.map((q) => q.path.length));
  return [
    "questions (the description leaves these out):",
    ...questions.map((q) => `  ${q.path.padEnd(width)}  ${q.question} (default: ${q.default})`),
    `answer: ${answerCommand} ${thread} --answer PATH=VALUE ... | --accept-defaults`,
    "",
  ].join("\n");
}

/** The run as the answer route returns it (the fields printed). */
interface AnsweredRun {
  thread_id: string;
  status: string;
  plan: { version: number; monthly_total_usd?: number } | null;
  blocked: { reason: string } | null;
  interrupt: unknown;
}

/** `pnpm answer` / `atlas answer`: answers a plan's clarify questions on a running server; returns the exit code. */
export async function main(argv: string[], command = "pnpm answer", io: CliIo = processIo, env: NodeJS.ProcessEnv = clientEnv()): Promise<number> {
  const text = usage(command);
  const args = parseCli(argv, { usage: text, options, minPositionals: 1, maxPositionals: 1 }, io);
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const thread = positionals[0] as string;
  const body = answerBody(values.answer, values["accept-defaults"]);
  if ("error" in body) {
    io.stderr(`error: ${body.error}\n${text}\n`);
    return 2;
  }
  const target = await targetOrUsage(env, io);
  if (typeof target === "number") return target;
  // the thread id goes into the path as given: the server's 400 names it when it is not one
  const answer = await request(target, "POST", `/architect/plan/${encodeURIComponent(thread)}/answer`, body);
  if (answer.status !== 200) {
    io.stderr(refusal(answer));
    return 1;
  }
  const run = answer.body as AnsweredRun;
  io.stdout(values.json ? `${JSON.stringify(run, null, 2)}\n` : outcome(run));
  return 0;
}

/** Where the answered run got to, and what to do next. */
function outcome(run: AnsweredRun): string {
  const lines = [`thread ${run.thread_id}  status ${run.status}${run.plan ? `  plan v${run.plan.version}` : ""}`];
  if (run.blocked) lines.push(`BLOCKED: ${run.blocked.reason}`);
  if (run.status === "WAIT_FOR_APPROVE") lines.push(`review it, then: pnpm approve ${run.thread_id}`);
  return `${lines.join("\n")}\n`;
}

if (isMain(import.meta.url)) runMain(main);
