import { readFileSync } from "node:fs";
import { parseArgsOrExit, runWithDeps } from "./runtime.js";
import { goalStatementSchema } from "../../schemas/goal.js";
import { parseInput } from "../../lib/validation.js";

const USAGE = `usage: pnpm plan <goal.json> [--approve --approver NAME] [--json]
  Designs, builds and validates infrastructure for a GoalStatement and stops at the approval gate.
  --approve   approve straight away and apply to the GitOps workspace (needs --approver)`;

const args = parseArgsOrExit(process.argv.slice(2), ["approve", "json"], USAGE);
const file = args.positional[0] as string;
if (args.flags.approve && typeof args.flags.approver !== "string") {
  console.error(`error: --approve needs --approver NAME (recorded in the apply commit)\n${USAGE}`);
  process.exit(2);
}
let goal: ReturnType<typeof goalStatementSchema.parse>;
try {
  goal = parseInput(goalStatementSchema, JSON.parse(readFileSync(file, "utf8")));
} catch (error) {
  console.error(`error: ${file}: ${(error as Error).message}`);
  process.exit(2);
}

await runWithDeps(async (deps) => {
  let run = await deps.planner.start({ goal, tenant: "default" }, (p) => {
    if (!args.flags.json) console.error(`  ${p.node} → ${p.status ?? ""}`);
  });
  if (args.flags.approve && run.status === "WAIT_FOR_APPROVE") {
    const approver = args.flags.approver as string;
    run = await deps.planner.resume(run.thread_id, "default", { decision: "approve", approver, comment: "approved from the CLI" });
  }
  if (args.flags.json) {
    console.log(JSON.stringify(run, null, 2));
  } else {
    console.log(`thread ${run.thread_id}  status ${run.status}`);
    if (run.plan) console.log(`plan ${run.plan.plan_id} v${run.plan.version} (${run.plan.pattern}): $${run.plan.cost.monthly_total_usd}/month of $${run.plan.cost.budget_usd}`);
    if (run.validation) console.log(`validation ${run.validation.status}: ${run.validation.findings.length} findings`);
    if (run.blocked) console.log(`BLOCKED: ${run.blocked.reason}\n  ${run.blocked.arithmetic.join("\n  ")}`);
    if (run.applied) console.log(`applied as commit ${run.applied.commit} in ${deps.gitops.dir}/${run.applied.path}`);
    console.log(`${run.artifacts.length} artifacts, digest ${run.artifacts_digest ?? "-"}`);
  }
  return run.status === "BLOCKED" || run.status === "FAILED" ? 1 : 0;
});
