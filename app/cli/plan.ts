import { readFileSync } from "node:fs";
import type { GoalStatement } from "../../schemas/goal.js";
import { isMain, parseCli, runMain } from "./args.js";
import { runWithDeps } from "./runtime.js";

const usage = (command: string) => `usage: ${command} <goal.json> [--approve --approver NAME] [--json]
  Designs, builds and validates infrastructure for a GoalStatement and stops at the approval gate.
  --approve        approve straight away and apply to the GitOps workspace (needs --approver)
  --approver NAME  who approves (recorded in the apply commit)
  --json           print the run as JSON`;

const options = {
  approve: { type: "boolean" },
  approver: { type: "string" },
  json: { type: "boolean" },
} as const;

/** `pnpm plan` / `atlas plan`: runs a goal to the approval gate (or through it with --approve); returns the exit code. */
export async function main(argv: string[], command = "pnpm plan"): Promise<number> {
  const args = parseCli(argv, { usage: usage(command), options, minPositionals: 1, maxPositionals: 1 });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const file = positionals[0] as string;
  const approver = values.approver;
  if (values.approve && approver === undefined) {
    console.error(`error: --approve needs --approver NAME (recorded in the apply commit)\n${usage(command)}`);
    return 2;
  }
  // loaded only now: --help and usage errors need none of it
  const [{ parseInput }, { goalStatementSchema }] = await Promise.all([import("../../lib/validation.js"), import("../../schemas/goal.js")]);
  let goal: GoalStatement;
  try {
    goal = parseInput(goalStatementSchema, JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    console.error(`error: ${file}: ${(error as Error).message}`);
    return 2;
  }
  return runWithDeps(async (deps) => {
    let run = await deps.planner.start({ goal, tenant: "default" }, (p) => {
      if (!values.json) console.error(`  ${p.node} → ${p.status ?? ""}`);
    });
    if (values.approve && approver !== undefined && run.status === "WAIT_FOR_APPROVE") {
      run = await deps.planner.resume(run.thread_id, "default", { decision: "approve", approver, comment: "approved from the CLI" });
    }
    if (values.json) {
      console.log(JSON.stringify(run, null, 2));
    } else {
      console.log(`thread ${run.thread_id}  status ${run.status}`);
      if (run.plan)
        console.log(
          `plan ${run.plan.plan_id} v${run.plan.version} (${run.plan.pattern}): $${run.plan.cost.monthly_total_usd}/month of $${run.plan.cost.budget_usd}`,
        );
      if (run.validation) console.log(`validation ${run.validation.status}: ${run.validation.findings.length} findings`);
      if (run.blocked) console.log(`BLOCKED: ${run.blocked.reason}\n  ${run.blocked.arithmetic.join("\n  ")}`);
      if (run.applied) console.log(`applied as commit ${run.applied.commit} in ${deps.gitops.dir}/${run.applied.path}`);
      console.log(`${run.artifacts.length} artifacts, digest ${run.artifacts_digest ?? "-"}`);
    }
    return run.status === "BLOCKED" || run.status === "FAILED" ? 1 : 0;
  });
}

if (isMain(import.meta.url)) runMain(main);
