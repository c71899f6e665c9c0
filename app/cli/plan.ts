import { existsSync, readFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import type { RunView } from "../../runs/service.js";
import type { GoalStatement } from "../../schemas/goal.js";
import type { Deps } from "../deps.js";
import { answerBody, type ClarifyAnswerBody, questionLines } from "./answer.js";
import { isMain, parseCli, runMain } from "./args.js";
import { runWithDeps } from "./runtime.js";

const usage = (
  command: string,
) => `usage: ${command} <goal.json | "description"> [--answer PATH=VALUE ...] [--accept-defaults] [--approve [--approver NOTE]] [--json]
  Designs, builds and validates infrastructure for a GoalStatement file, or for a goal described
  in plain language, and stops at the approval gate.
  A description that leaves a deciding fact out (budget, availability, workload kind,
  environment) stops first at its questions, printed with their defaults: answer them here with
  --answer PATH=VALUE (repeatable) and/or --accept-defaults, or later with pnpm answer.
  --approve        approve straight away and apply to the GitOps workspace, as cli:<your OS user>
                   (the apply commit, the plan's decision and the audit log record that identity)
  --approver NOTE  a note on who approves (kept beside the identity, never in its place)
  --json           print the run as JSON`;

const options = {
  answer: { type: "string", multiple: true },
  "accept-defaults": { type: "boolean" },
  approve: { type: "boolean" },
  approver: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The largest description the API takes (schemas/goal.ts MAX_PROMPT_CHARS; kept as a literal so the CLI loads no schema before it needs one). */
const MAX_PROMPT = 4000;

/**
 * Who acts from the CLI: it holds no API key, so the identity is the operating-system user,
 * `cli:<user>` (key id null). It is recorded as who started the run and who approved it.
 */
export function cliIdentity(): { keyId: null; name: string } {
  let user = "";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): the identity still says it came from the CLI
  }
  return { keyId: null, name: `cli:${user.trim() || "unknown"}` };
}

/** What the run is started from: a goal file, or (any argument that is no file) a description in plain language. */
type Source = { goal: GoalStatement } | { prompt: string } | { error: string };

async function sourceOf(argument: string): Promise<Source> {
  const isFile = existsSync(argument) && statSync(argument).isFile();
  if (!isFile) {
    // one word ending in .json is a goal file mistyped, not a description
    if (/^\S+\.json$/i.test(argument.trim())) return { error: `${argument}: no such file` };
    const prompt = argument.trim();
    if (!prompt) return { error: "the description is empty" };
    if (prompt.length > MAX_PROMPT) return { error: `the description is ${prompt.length} characters; at most ${MAX_PROMPT}` };
    return { prompt };
  }
  // loaded only now: --help and usage errors need none of it
  const [{ parseInput }, { goalStatementSchema }] = await Promise.all([import("../../lib/validation.js"), import("../../schemas/goal.js")]);
  try {
    return { goal: parseInput(goalStatementSchema, JSON.parse(readFileSync(argument, "utf8"))) };
  } catch (error) {
    return { error: `${argument}: ${(error as Error).message}` };
  }
}

/** `pnpm plan` / `atlas plan`: runs a goal to the approval gate (or through it with --approve); returns the exit code. */
export async function main(argv: string[], command = "pnpm plan"): Promise<number> {
  const text = usage(command);
  const args = parseCli(argv, { usage: text, options, minPositionals: 1, maxPositionals: 1 });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  if (values.approver !== undefined && !values.approve) {
    console.error(`error: --approver is a note on --approve: add --approve, or leave --approver out\n${text}`);
    return 2;
  }
  const answering = values.answer !== undefined || values["accept-defaults"] === true;
  const answer = answering ? answerBody(values.answer, values["accept-defaults"]) : null;
  if (answer && "error" in answer) {
    console.error(`error: ${answer.error}\n${text}`);
    return 2;
  }
  const source = await sourceOf(positionals[0] as string);
  if ("error" in source) {
    console.error(`error: ${source.error}`);
    return 2;
  }
  const identity = cliIdentity();
  return runWithDeps(async (deps) => {
    const progress = (p: { node: string; status?: string | undefined }) => {
      if (!values.json) console.error(`  ${p.node} → ${p.status ?? ""}`);
    };
    let run = await deps.planner.start({ ...source, tenant: "default", created_by: identity.name }, progress);
    if (run.status === "WAIT_FOR_ANSWER" && answer) run = await answerQuestions(deps, run, answer, identity.name, progress);
    if (values.approve && run.status === "WAIT_FOR_APPROVE") run = await approve(deps, run, identity, values.approver, progress);
    print(run, deps, values.json === true, command);
    return run.status === "BLOCKED" || run.status === "FAILED" ? 1 : 0;
  });
}

/** An audit write that fails is reported, never turned into a failed command: what it records happened. */
const audited = (write: () => Promise<void>) =>
  write().catch((error: unknown) => console.error(`warning: the audit log write failed: ${(error as Error).message}`));

/** Answers the clarify questions in process, and records who answered in the audit log (as the answer route does). */
async function answerQuestions(
  deps: Deps,
  run: RunView,
  answer: ClarifyAnswerBody,
  by: string,
  progress: (p: { node: string; status?: string | undefined }) => void,
): Promise<RunView> {
  const [{ makeAuditLog }] = await Promise.all([import("../../tenants/audit.js")]);
  const answered = await deps.planner.answer(run.thread_id, "default", answer, progress, by);
  await audited(() =>
    makeAuditLog(deps.db.pool).record({
      tenant: "default",
      actor: { keyId: null, name: by },
      action: "clarify.answer",
      target: run.thread_id,
      detail: { answers: answer.answers ?? {}, accept_defaults: answer.accept_defaults ?? false, status: answered.status },
    }),
  );
  return answered;
}

/**
 * Approves in process as the CLI identity, the free `--approver` text kept as the note, and writes
 * the audit rows the HTTP route writes (approval.approve, and the apply it led to).
 */
async function approve(
  deps: Deps,
  run: RunView,
  identity: { keyId: null; name: string },
  note: string | undefined,
  progress: (p: { node: string; status?: string | undefined }) => void,
): Promise<RunView> {
  const [{ makeAuditLog }, { asDecidedBy }] = await Promise.all([import("../../tenants/audit.js"), import("../../runs/decisions.js")]);
  const decision = asDecidedBy({ decision: "approve", approver: note, comment: "approved from the CLI" }, identity);
  const approved = await deps.planner.resume(run.thread_id, "default", decision, progress);
  await audited(() => makeAuditLog(deps.db.pool).decision("default", { keyId: null, name: identity.name }, run.thread_id, decision, approved));
  return approved;
}

function print(run: RunView, deps: Deps, json: boolean, command: string): void {
  if (json) {
    console.log(JSON.stringify(run, null, 2));
    return;
  }
  console.log(`thread ${run.thread_id}  status ${run.status}`);
  if (run.status === "WAIT_FOR_ANSWER") process.stdout.write(questionLines(run.thread_id, run.interrupt, command.replace(/plan$/, "answer")));
  if (run.plan)
    console.log(
      `plan ${run.plan.plan_id} v${run.plan.version} (${run.plan.pattern}): $${run.plan.cost.monthly_total_usd}/month of $${run.plan.cost.budget_usd}`,
    );
  if (run.validation) console.log(`validation ${run.validation.status}: ${run.validation.findings.length} findings`);
  if (run.blocked) console.log(`BLOCKED: ${run.blocked.reason}\n  ${run.blocked.arithmetic.join("\n  ")}`);
  if (run.applied) console.log(`applied as commit ${run.applied.commit} in ${deps.gitops.dir}/${run.applied.path}`);
  console.log(`${run.artifacts.length} artifacts, digest ${run.artifacts_digest ?? "-"}`);
}

if (isMain(import.meta.url)) runMain(main);
